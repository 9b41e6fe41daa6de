"""Which bodies and which year a question across reports is about, counting the conversation.

去年 and 上一年 name a year relative to the report in context, so they are taken out before the
body is resolved; the year a conversation last named is the year 去年 counts back from.
"""
from __future__ import annotations

import re

from reportqa.types import StoredReport
from reportqa.vocabulary import YEAR_MENTION
from retrieval.lexicon import flatten
from retrieval.groups import body_groups
from retrieval.scope import resolve_scope

RELATIVE_YEAR = re.compile(r"(?:去年|上一?年度?|前一年)(?!结转)")  # 上年结转 is a table row, not a year


def strip_years(text: str) -> str:
    return YEAR_MENTION.sub("", RELATIVE_YEAR.sub("", text))


def groups_in_context(effective: str, reports: list[StoredReport], bodies) -> list[list[StoredReport]] | None:
    """The body groups (one body's reports over the years) the question, its context or the body
    filter is about: every group with a report in scope when no body is named; None when the named
    body is not stored."""
    scope = resolve_scope(strip_years(effective), reports, bodies=bodies)
    if scope.missing:
        return None
    ids = set(scope.report_ids)
    return [g for g in body_groups(reports) if any(r.report_id in ids for r in g)]


def history_year(history: tuple[str, ...] | list[str]) -> int | None:
    """The year the conversation named last."""
    for h in reversed(history):
        found = YEAR_MENTION.findall(flatten(h))
        if found:
            return int(found[-1])
    return None
