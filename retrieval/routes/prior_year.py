"""Prior-year wording: 去年的报告里存在的主要问题是怎么写的？ → the previous year's report of the body
in context: its section, whole and cited, or the usual numeric / passage answer asked of it, with
the `reportqa compare` hint."""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import report_name, searched_names
from reportqa.types import Answer
from reportqa.vocabulary import NARRATIVE_SECTIONS, section_body_span, section_number, top_sections
from retrieval.compose import CitationBuilder
from retrieval.context import groups_in_context, history_year
from retrieval.crossyear import previous_report
from retrieval.lexicon import flatten, is_numeric_question
from retrieval.question import Question
from retrieval.routes import narrative_numbers, passages, table_cells

PRIOR_REPORT = re.compile(r"(?:去年|上一?年度?|前一年)(?:的|发布的)?(?:年度)?报告")


def answer(question: Question) -> Answer | None:
    flat = flatten(question.effective)
    if not PRIOR_REPORT.search(flat):
        return None
    groups = groups_in_context(question.effective, list(question.reports), question.bodies)
    if not groups or len(groups) != 1:
        return None  # no body in context (or several): the usual routes decide
    group = groups[0]
    year = max(question.years) if question.years else history_year(question.history)
    current = [r for r in group if r.year == year] if year else []
    cur = current[-1] if current else group[-1]
    prev = previous_report(list(question.reports), cur)
    if prev is None:
        return Answer(question.text, "none", render("prior_missing", body=cur.display_body, year=(cur.year or 0) - 1,
                                                    current=cur.year, available=searched_names(group)))
    asked_part = flat.split("报告", 1)[-1]
    number = section_number(asked_part) if "报告" in flat else None
    hint_fields = {"new_year": cur.year, "body": cur.display_body, "number": number}
    if number in NARRATIVE_SECTIONS and not is_numeric_question(asked_part):
        quoted = _whole_section(question, prev, number, hint_fields)
        if quoted is not None:
            return quoted
    asked = question.scoped([prev], named=True, effective=PRIOR_REPORT.sub("报告", question.effective))
    if is_numeric_question(asked.effective):
        result = table_cells.answer(asked) or narrative_numbers.answer(asked)
    else:
        result = passages.answer(asked)
    if result is None or result.route == "none":
        return result
    result.answer += "\n" + render("compare_hint" if number else "compare_hint_all", **hint_fields)
    return result


def _whole_section(question: Question, prev, number: str, hint_fields: dict) -> Answer | None:
    """The previous year's section, without its heading, quoted whole."""
    facts = question.stores.facts
    section = top_sections(facts.sections(prev.report_id)).get(number)
    if section is None:
        return None
    text = facts.report_text(prev.report_id) or ""
    start, end = section_body_span(text, section)
    cites = CitationBuilder(question.stores)
    ref = cites.add(prev.report_id, start, end)
    lines = [render("prior_section", report=report_name(prev), section=section.heading, quote=text[start:end], ref=ref),
             render("compare_hint", **hint_fields)]
    return Answer(question.text, "text", "\n".join(lines), reports=[prev.report_id], citations=cites.citations)
