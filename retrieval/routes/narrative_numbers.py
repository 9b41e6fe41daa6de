"""Numbers the narrative states: 共受理政府信息公开申请21件 answers 受理了多少件申请？ when no table
cell does. The clause that states the number is quoted; 余 keeps the number approximate."""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import report_name
from reportqa.types import Answer
from retrieval.bodymatch import mention_tokens
from retrieval.compose import CitationBuilder
from retrieval.figures import as_number, plain
from retrieval.narrative_numbers import best_narrative_fact
from retrieval.question import Question
from retrieval.scope import name_tokens

_ONLY_DIGITS = re.compile(r"[\d.%％\s]")


def answer(question: Question) -> Answer | None:
    reports = list(question.in_scope)
    # the body's name says which report, not which number: its words never match a clause
    exclude = name_tokens(reports) | mention_tokens(question.effective, reports)
    found = best_narrative_fact(question.stores.facts, question.scope_ids, question.effective, exclude)
    if found is None:
        return None
    fact, _score = found
    report = next(r for r in reports if r.report_id == fact.report_id)
    cites = CitationBuilder(question.stores)
    ref = cites.add(fact.report_id, fact.start, fact.end)
    approx = "约" if fact.unit.startswith("余") else ""
    clause = fact.row_label
    if len(_ONLY_DIGITS.sub("", clause)) < 4:  # 占30.61%: the clause alone says nothing; quote the sentence
        clause = cites.citations[ref - 1].quote
    clause = clause.replace("「", "『").replace("」", "』")  # a quote inside the quote
    text = render("narrative_value", report=report_name(report), value=approx + plain(fact.value),
                  unit=fact.unit.lstrip("余") + ("余" if approx else ""), clause=clause, ref=ref)
    return Answer(question.text, "table", text, as_number(fact.value), fact.unit.lstrip("余"), [fact.report_id],
                  cites.citations)
