"""Which stored reports a question could be naming, found by lookup instead of scoring every report.

`body_score` (retrieval/scope.py) is positive only when one of a report's name strings occurs in the
question: its body, place, aliases, the tails of its name (渭滨区统计局), its most specific place level
or that level's stem (洪泽), or, for a body-like phrase of the question (东湖风景区卫健办), the phrase's
first two characters inside the body's name. So every report that can score is found by looking up
the question's substrings and its phrases' first two characters in two maps built from the reports'
names; only those are scored. The maps follow the store's report list: a report committed, relabelled
or deleted is indexed again or removed (found by identity: the store keeps unchanged reports' objects).
"""
from __future__ import annotations

import threading
from collections import defaultdict

from reportqa import bodies as _bodies
from reportqa.types import StoredReport
from reportqa.vocabulary import to_simplified
from retrieval.bodymatch import body_mentions, name_forms

# The question's substrings looked up: body names are shorter than this.
LONGEST_NAME = 40
# Below this many reports scoring every one is as quick as keeping an index.
SMALL = 300


def _place_keys(report: StoredReport) -> list[str]:
    from retrieval.scope import _stem, place_levels
    levels = place_levels(to_simplified(report.place or ""))
    if not levels:
        return []
    last = levels[-1]
    stem = _stem(last)
    return [last] + ([stem] if len(stem) >= 2 else []) + ([stem[:2]] if len(stem) >= 4 else [])


def name_keys(report: StoredReport) -> tuple[set[str], set[str]]:
    """(strings whose presence in a question can name this report, the two-character pieces of its
    body's name that a body-like phrase of the question may start with)."""
    body = _bodies.canonical(report.body)
    keys = set(_place_keys(report))
    pieces: set[str] = set()
    if body:
        keys.add(body)
        keys.update(name_forms(body)[1:])
        pieces = {body[i:i + 2] for i in range(len(body) - 1)}
    place = _bodies.canonical(report.place)
    if place:
        keys.add(place)
    keys.update(_bodies.canonical(a) for a in report.aliases)
    return {k for k in keys if k}, pieces


class ScopeIndex:
    """The name maps of one store's report list, kept in step with it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._reports: tuple = ()
        self._indexed: dict[str, StoredReport] = {}
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._pieces: dict[str, set[str]] = defaultdict(set)
        self._position: dict[str, int] = {}

    def sync(self, reports) -> None:
        """Follow the report list: (re)index what changed since the last list, drop what went."""
        if reports is self._reports:
            return
        with self._lock:
            if reports is self._reports:
                return
            now = {r.report_id: r for r in reports}
            for report_id, old in list(self._indexed.items()):
                if now.get(report_id) is not old:
                    self._drop(old)
            for report_id, report in now.items():
                if self._indexed.get(report_id) is not report:
                    self._add(report)
            self._position = {r.report_id: i for i, r in enumerate(reports)}
            self._reports = reports

    def _add(self, report: StoredReport) -> None:
        keys, pieces = name_keys(report)
        for k in keys:
            self._keys[k].add(report.report_id)
        for p in pieces:
            self._pieces[p].add(report.report_id)
        self._indexed[report.report_id] = report

    def _drop(self, report: StoredReport) -> None:
        keys, pieces = name_keys(report)
        for table, names in ((self._keys, keys), (self._pieces, pieces)):
            for k in names:
                ids = table.get(k)
                if ids is not None:
                    ids.discard(report.report_id)
                    if not ids:
                        del table[k]
        self._indexed.pop(report.report_id, None)

    def candidates(self, canonical_question: str) -> list[StoredReport]:
        """The reports whose names the question may use, in the report list's order."""
        q = canonical_question
        found: set[str] = set()
        for start in range(len(q)):
            for end in range(start + 1, min(len(q), start + LONGEST_NAME) + 1):
                ids = self._keys.get(q[start:end])
                if ids:
                    found |= ids
        for mention in body_mentions(q):
            found |= self._pieces.get(mention[:2], set())
        return sorted((self._indexed[i] for i in found if i in self._indexed), key=lambda r: self._position[r.report_id])


_index = ScopeIndex()


def candidate_reports(canonical_question: str, reports) -> list[StoredReport] | None:
    """The reports of `reports` that can score for this question, or None when scoring them all
    is as quick (a small or passing list: the index follows the store's own list, a tuple)."""
    if not isinstance(reports, tuple) or len(reports) < SMALL:
        return None
    _index.sync(reports)
    return _index.candidates(canonical_question)
