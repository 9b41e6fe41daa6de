"""The question router: an ordered list of routes (retrieval/routes/) and the honest "not found".

    across reports   year_comparison → prior_year → year_over_year → across_bodies   (each decides its own scope)
    scope            resolve_scope: the reports the question is about, or "not in the collection"
    in scope         table_cells → narrative_numbers (numeric questions) → passages

The first route that answers wins. A count that neither a table cell nor a stated number gives is
refused rather than answered with passages about the topic.
"""
from __future__ import annotations

from prompts import render
from reportqa.names import searched_names
from reportqa.stores import Stores
from reportqa.types import Answer
from retrieval.followup import contextualize
from retrieval.lexicon import asks_for_count, is_numeric_question
from retrieval.notes import add_report_notes
from retrieval.question import Question
from retrieval.routes import (across_bodies, narrative_numbers, passages, prior_year, table_cells, year_comparison,
                              year_over_year)
from retrieval.scope import resolve_scope

ACROSS_REPORTS = (year_comparison.answer, prior_year.answer, year_over_year.answer, across_bodies.answer)
NUMERIC = (table_cells.answer, narrative_numbers.answer)


class QuestionAnswerer:
    def __init__(self, stores: Stores):
        self.stores = stores

    def ask(self, question: str, *, bodies: list[str] | None = None, years: list[int] | None = None,
            history: list[str] | None = None) -> Answer:
        text = (question or "").strip()
        if not text:
            raise ValueError("empty question")
        reports = self.stores.reports()
        if not reports:
            return Answer(text, "none", render("no_reports"))
        q = Question(text, contextualize(text, history or [], reports), self.stores, tuple(reports),
                     tuple(bodies) if bodies else None, tuple(years) if years else None, tuple(history or ()))
        for route in ACROSS_REPORTS:
            answer = route(q)
            if answer is not None:
                return answer
        scope = resolve_scope(q.effective, reports, bodies=bodies, years=years)
        if scope.missing:
            return _not_in_collection(q, scope)
        by_id = self.stores.reports_by_id()  # scope.report_ids are in the reports' order
        in_scope = reports if len(scope.report_ids) == len(reports) else [by_id[i] for i in scope.report_ids if i in by_id]
        q = q.scoped(in_scope, named=scope.named)
        return add_report_notes(self.stores, _in_scope(q))


def _in_scope(q: Question) -> Answer:
    if is_numeric_question(q.effective):
        for route in NUMERIC:
            answer = route(q)
            if answer is not None:
                return answer
        if asks_for_count(q.effective):
            # a count no table cell or stated number gives: passages about the topic are not an answer
            return Answer(q.text, "none", render("number_not_found", searched=searched_names(list(q.in_scope))),
                          reports=q.scope_ids)
    return passages.answer(q)


def _not_in_collection(q: Question, scope) -> Answer:
    """The body asked about is not stored: say what is, and which reports' bodies are unsure."""
    reports = list(q.reports)
    available = searched_names([r for r in reports if not q.bodies or r.body in q.bodies])
    text = render("not_in_collection", name=scope.missing, available=available)
    unsure = [r for r in reports if r.needs_review and (not scope.years or r.year in scope.years)]
    if unsure:  # it may be one of them: say so, and how to fix it, instead of guessing
        text += "\n" + render("unsure_bodies", count=len(unsure), reports=searched_names(unsure, limit=5))
    return Answer(q.text, "none", text)
