"""The question as every route sees it: frozen, so one route cannot change what the next one reads."""
from __future__ import annotations

from dataclasses import dataclass, replace

from reportqa.stores import Stores
from reportqa.types import StoredReport


@dataclass(frozen=True)
class Question:
    text: str  # as asked: what the answer repeats
    effective: str  # with what a follow-up leaves out carried over from the conversation
    stores: Stores
    reports: tuple[StoredReport, ...]  # every stored report
    bodies: tuple[str, ...] | None = None  # the user's body filter, if any
    years: tuple[int, ...] | None = None  # the user's year filter, if any
    history: tuple[str, ...] = ()  # earlier questions of the conversation, oldest first
    in_scope: tuple[StoredReport, ...] = ()  # the reports the question is about (set by the router)
    named: bool = False  # whether the question (or its context) names a body

    def scoped(self, reports: list[StoredReport], *, named: bool, effective: str | None = None) -> Question:
        """The same question asked of these reports (and, if given, in other words)."""
        return replace(self, in_scope=tuple(reports), named=named,
                       effective=self.effective if effective is None else effective)

    @property
    def scope_ids(self) -> list[str]:
        return [r.report_id for r in self.in_scope]
