"""Follow-up questions keep their context: "那2022年呢？" reuses the body and topic of the
previous question; a question naming no body inherits the previous question's body."""
from __future__ import annotations

import re

from reportqa.types import StoredReport
from reportqa.vocabulary import YEAR_MENTION
from retrieval.lexicon import flatten
from retrieval.bodymatch import body_mentions
from retrieval.scope import body_score

_YEAR = YEAR_MENTION
_ELLIPTIC = re.compile(r"^(那么?|那|还有|再看|换成|如果是)?.{0,12}(呢|如何|怎么样|又是多少)[？?]?$")


def _without_bodies(text: str, reports: list[StoredReport]) -> str:
    flat = flatten(text)
    names = {r.body for r in reports if r.body and body_score(flat, r) > 0} | set(body_mentions(flat))
    for r in reports:
        if r.body in names and r.place:
            names.add(r.place)
    for name in sorted(names, key=len, reverse=True):
        flat = flat.replace(name, "")
    return flat


def contextualize(question: str, history: list[str], reports: list[StoredReport]) -> str:
    if not history:
        return question
    previous = contextualize(history[-1], history[:-1], reports)
    flat = flatten(question)
    # a body the question names itself, stored or not, is never replaced by the previous one (那北京市呢？)
    names_body = any(body_score(flat, r) > 0 for r in reports) or bool(body_mentions(flat))
    if _ELLIPTIC.match(flat) and len(flat) <= 16:
        years = _YEAR.findall(flat)
        rebuilt = previous
        if years:
            rebuilt = _YEAR.sub("", rebuilt)
            rebuilt = years[0].rstrip("年") + "年" + rebuilt
        if names_body:
            # the new body replaces the previous one: 那北京市呢？ after 绥芬河市… asks about 北京市 only
            rebuilt = _without_bodies(rebuilt, reports)
            rebuilt = re.sub(r"^(?:那么?|那|还有|再看|换成|如果是)", "", flat.rstrip("呢？?")) + rebuilt
        return rebuilt
    if not names_body:
        prev_flat = flatten(previous)
        named = [r for r in reports if body_score(prev_flat, r) > 0]
        if named:
            body = named[0].body or ""
            return f"{body}{question}"
    return question
