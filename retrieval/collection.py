"""The read side for app/ (the CLI and the web page), so that app/ never touches a store.

    collection = Collection(Stores(settings))
    collection.reports(), collection.text(report_id), collection.table_grid(report_id, "applications")
    collection.comparable(), collection.compare(old_id, new_id, ["五"]), collection.audit()

Writes (ingest, restore, relabel, delete) are ingest/catalog.py's.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportqa.schema import table_specs
from reportqa.stores import Stores
from reportqa.types import Chunk, Fact, PageSpan, Section, StoredReport
from reportqa.vocabulary import section_number
from retrieval import pairs
from retrieval.audit import Audit, audit
from retrieval.compare import Comparison, compare_reports


@dataclass
class Grid:
    """All table facts of one table of a report, rows and columns in the schema's order."""

    title: str
    rows: list[tuple[str, str]]  # (row_key, label)
    columns: list[tuple[str, str]]  # (column_key, label)
    cells: dict[tuple[str, str], Fact]  # (row_key, column_key) -> fact
    table: str = ""  # the table's key in the schema


@dataclass(frozen=True)
class PreviousYear:
    """A cited report and the year before it of the same body, for a one-click comparison."""

    label: str  # the body's label in Collection.comparable() ("" when it has one year only)
    report_id: str
    body: str
    year: int
    previous_year: int | None  # None: no earlier report of this body is stored
    section: str  # the standard section number of the cited passage, "" for all


def _section(citation: dict) -> str:
    return section_number(citation.get("section")) or ""


class Collection:
    def __init__(self, stores: Stores):
        self._stores = stores
        self._reuse: dict = {}  # the audit's reuse flags by report versions (a comparison each)

    @property
    def _facts(self):
        return self._stores.facts

    # ------------------------------------------------------------ reports
    def reports(self) -> list[StoredReport]:
        return list(self._stores.reports())

    def report(self, report_id: str) -> StoredReport | None:
        return self._facts.get_report(report_id)

    def body_groups(self) -> list[list[StoredReport]]:
        """The stored reports by issuing body, across years and ways of writing it (oldest first)."""
        from retrieval.groups import body_groups
        return body_groups(self.reports())

    def body_choices(self) -> list[tuple[str, list[str]]]:
        """One (label, every body name the group's reports are stored under) per body: the choices of a
        body filter. 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) are one choice, labelled by
        the latest name (淮安市洪泽区人民政府（又称洪泽区人民政府）); pass every name of the chosen group
        as QuestionAnswerer.ask(bodies=...)."""
        out: dict[str, list[str]] = {}
        for group in self.body_groups():
            names = list(dict.fromkeys(r.body for r in reversed(group) if r.body))
            if not names:
                continue
            label = names[0] + (f"（又称{'、'.join(names[1:])}）" if len(names) > 1 else "")
            out[label if label not in out else f"{label}（{group[-1].report_id}）"] = names
        return sorted(out.items())

    def links(self) -> dict[str, list[str]]:
        """report id -> the same body's reports of other years."""
        from retrieval.groups import body_links
        return body_links(self.reports())

    def history(self, report_id: str) -> list[dict]:
        """The replaced or deleted versions of a report, oldest first."""
        return self._facts.history(report_id)

    def formats(self) -> dict[str, str]:
        """report id -> its table format (2021, 2019 …)."""
        return {r.report_id: r.format_version for r in self.reports()}

    # ------------------------------------------------------------ one report's content
    def text(self, report_id: str) -> str | None:
        """The canonical text, which every citation's and finding's offsets point into."""
        return self._facts.report_text(report_id)

    def facts(self, report_id: str) -> list[Fact]:
        return self._facts.facts(report_id)

    def sections(self, report_id: str) -> list[Section]:
        """The sections found, in reading order (top sections and their numbered sub-items)."""
        return self._facts.sections(report_id)

    def chunks(self, report_id: str) -> list[Chunk]:
        """The passages the report was cut into for retrieval, in reading order."""
        return sorted((c for c, _tokens in self._facts.chunks([report_id])), key=lambda c: (c.start, c.end))

    def pages(self, report_id: str) -> list[PageSpan]:
        """Where each stretch of the text came from (PDF pages, Word/HTML blocks)."""
        return self._facts.report_pages(report_id)

    def table_grids(self, report_id: str) -> list[Grid]:
        """Every table of a report that has facts, as grids, in the schema's order."""
        report = self.report(report_id)
        fmt = report.format_version if report else "2021"
        tables = {f.table for f in self._facts.facts(report_id, kind="table")}
        return [g for t in table_specs() if t in tables and (g := self.table_grid(report_id, t, fmt))]

    def table_grid(self, report_id: str, table: str, fmt: str = "2021") -> Grid | None:
        """One table of a report as a grid (None when the table is unknown or has no facts)."""
        spec = table_specs().get(table)
        facts = self._facts.facts(report_id, table=table, kind="table") if spec else []
        if not facts:
            return None
        present_rows = {f.row_key for f in facts}
        present_cols = {f.column_key for f in facts}
        rows = [(r.key, r.label) for r in spec.rows if r.key in present_rows]
        rows += sorted({(f.row_key, f.row_label) for f in facts if f.row_key not in {k for k, _ in rows}})
        cols = [(c.key, c.label) for c in spec.columns_for(fmt) if c.key in present_cols]
        cols += sorted({(f.column_key, f.column_label) for f in facts if f.column_key not in {k for k, _ in cols}})
        return Grid(spec.title, rows, cols, {(f.row_key, f.column_key): f for f in facts}, table)

    # ------------------------------------------------------------ two years of one body
    def comparable(self) -> dict[str, list[StoredReport]]:
        """Bodies with reports of two or more years: label -> reports, oldest first."""
        return pairs.comparable_groups(self.reports())

    def resolve_pair(self, body: str, years: list[int] | None = None) -> tuple[StoredReport, StoredReport]:
        """(old, new) of a body named loosely or a report id; LookupError saying why not."""
        return pairs.resolve_pair(self.reports(), body, years)

    def pick_pair(self, label: str, year_a: int, year_b: int) -> tuple[StoredReport, StoredReport] | None:
        """(older, newer) of the body labelled so in comparable(); None when either year is missing."""
        group = self.comparable().get(label)
        return pairs.pick_pair(group, year_a, year_b) if group else None

    def citation_pairs(self, citations: list[dict]) -> list[PreviousYear]:
        """For each cited report (answer_to_dict citations), once: its body's previous year stored
        (previous_year None when there is none) and the cited section, in citation order."""
        groups = self.comparable()
        where = {r.report_id: (label, g) for label, g in groups.items() for r in g}
        out: list[PreviousYear] = []
        for c in citations:
            year = c.get("year")
            if not year or any(p.report_id == c["report_id"] and p.section == _section(c) for p in out):
                continue
            label, group = where.get(c["report_id"], ("", []))
            earlier = [r.year for r in group if r.year and r.year < year]
            out.append(PreviousYear(label, c["report_id"], c.get("body") or c["report_id"], year,
                                    max(earlier) if earlier else None, _section(c)))
        return out

    def compare(self, old_id: str, new_id: str, sections: list[str] | None = None) -> Comparison:
        return compare_reports(self._facts, old_id, new_id, sections)

    # ------------------------------------------------------------ findings
    def audit(self, report_id: str | None = None) -> Audit:
        return audit(self._stores, report_id, reuse_cache=self._reuse)

    def warm_up(self) -> None:
        """Load the embedding model and open the indexes now, before the first question."""
        _model, _index = self._stores.embedder, self._stores.vectors
