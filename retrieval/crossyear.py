"""Reports of one body across years, and figures across years and across bodies.

- `linked(reports, report)` / `previous_report(...)`: the same body's reports (retrieval.scope.body_groups).
- `crossyear_findings(facts)`: the cross-year consistency rules of report-format.md, computed
  whenever both years of a body are stored (never stored themselves, so they follow re-ingests):
  "crossyear.carryover" (结转下年度继续办理(Y-1) = 上年结转(Y), per applicant column) and
  "crossyear.in_force" (现行有效(Y-1) + 本年制发(Y) − 本年废止(Y) = 现行有效(Y), 2021 format).
- `year_over_year(facts, old, new, query)`: one figure of two years, with the exact Decimal
  difference and percentage and the cells it came from.
- `across_reports(facts, reports, query)`: one figure for many reports in one SQL query over the
  facts table, for rankings and totals; says which reports had no such figure (or a blank cell).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reportqa.stores.facts import FactStore
from reportqa.types import Fact, Finding, StoredReport
from reportqa.vocabulary import APPLICANT_COLUMNS as _APPLICANT_COLUMNS
from retrieval.figures import Figure, lookup, plain, select_cells
from retrieval.lexicon import CellQuery
from retrieval.groups import body_groups

APPLICANT_COLUMNS = (*_APPLICANT_COLUMNS, "总计")
IN_FORCE_ROWS = ("规章", "规范性文件")


# --------------------------------------------------------------------------- linking


def linked(reports: list[StoredReport], report: StoredReport) -> list[StoredReport]:
    """All reports of report's body (itself included), oldest first."""
    for group in body_groups(reports):
        if any(r.report_id == report.report_id for r in group):
            return group
    return [report]


def previous_report(reports: list[StoredReport], report: StoredReport, *, exact: bool = False) -> StoredReport | None:
    """The same body's report of the year before (exact) or of the latest earlier year stored."""
    if report.year is None:
        return None
    earlier = [r for r in linked(reports, report) if r.year is not None and r.year < report.year]
    if exact:
        earlier = [r for r in earlier if r.year == report.year - 1]
    return max(earlier, key=lambda r: r.year) if earlier else None


def consecutive_pairs(reports: list[StoredReport]) -> list[tuple[StoredReport, StoredReport]]:
    """(Y-1, Y) report pairs of one body, for every body with both years stored."""
    pairs = []
    for group in body_groups(reports):
        by_year: dict[int, list[StoredReport]] = {}
        for r in group:
            if r.year is not None:
                by_year.setdefault(r.year, []).append(r)
        for year, cur in by_year.items():
            if len(cur) == 1 and len(by_year.get(year - 1, [])) == 1:
                pairs.append((by_year[year - 1][0], cur[0]))
    return sorted(pairs, key=lambda p: (p[1].body or "", p[1].year))


# --------------------------------------------------------------------------- consistency across years


def _cells(facts: FactStore, report_id: str, table: str) -> dict[tuple[str, str], Fact]:
    return {(f.row_key, f.column_key): f for f in facts.facts(report_id, table=table) if f.kind == "table"}


def _v(fact: Fact | None) -> Decimal:
    return fact.value if fact is not None and fact.value is not None else Decimal(0)


def pair_findings(facts: FactStore, old: StoredReport, new: StoredReport) -> list[Finding]:
    out: list[Finding] = []
    a, b = _cells(facts, old.report_id, "applications"), _cells(facts, new.report_id, "applications")
    for col in APPLICANT_COLUMNS:
        before, now = a.get(("结转下年度", col)), b.get(("上年结转", col))
        if before is None or now is None or _v(before) == _v(now):
            continue
        out.append(Finding(
            new.report_id, "crossyear.carryover",
            f"上年结转（{col}）为 {plain(_v(now))}，但 {old.report_id} 的「结转下年度继续办理」（{col}）为 {plain(_v(before))}",
            expected=plain(_v(before)), found=plain(_v(now)),
            cells=(("applications", "上年结转", col),), spans=((now.value_start, now.value_end),)))
    a, b = _cells(facts, old.report_id, "20.1"), _cells(facts, new.report_id, "20.1")
    for row in IN_FORCE_ROWS:
        prev_total = a.get((row, "现行有效件数"))
        made, gone, total = (b.get((row, c)) for c in ("本年制发件数", "本年废止件数", "现行有效件数"))
        if prev_total is None or made is None or gone is None or total is None:
            continue  # needs the 2021 columns in both years
        expected = _v(prev_total) + _v(made) - _v(gone)
        if expected == _v(total):
            continue
        out.append(Finding(
            new.report_id, "crossyear.in_force",
            f"{row}：上年现行有效 {plain(_v(prev_total))}（{old.report_id}）+ 本年制发 {plain(_v(made))} − 本年废止 "
            f"{plain(_v(gone))} = {plain(expected)}，但本年现行有效为 {plain(_v(total))}",
            expected=plain(expected), found=plain(_v(total)),
            cells=tuple(("20.1", row, c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")),
            spans=tuple((f.value_start, f.value_end) for f in (made, gone, total))))
    return out


def crossyear_findings(facts: FactStore, report_id: str | None = None) -> list[Finding]:
    """Cross-year findings of every stored (Y-1, Y) pair; with report_id, those of that report (as Y)."""
    reports = facts.list_reports()
    out = []
    for old, new in consecutive_pairs(reports):
        if report_id is None or new.report_id == report_id:
            out += pair_findings(facts, old, new)
    return out


# --------------------------------------------------------------------------- year over year


@dataclass
class YearOverYear:
    old: Figure
    new: Figure
    old_report: StoredReport
    new_report: StoredReport
    delta: Decimal | None  # None when either year's cell is blank
    pct: Decimal | None  # None when last year's figure is 0 (or blank)


def year_over_year(facts: FactStore, old: StoredReport, new: StoredReport, query: CellQuery) -> YearOverYear | None:
    a, b = lookup(facts, old.report_id, query), lookup(facts, new.report_id, query)
    if a is None or b is None:
        return None
    if a.value is None or b.value is None:  # a blank cell: nothing to compute
        return YearOverYear(a, b, old, new, None, None)
    delta = b.value - a.value
    pct = (delta * 100 / a.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if a.value else None
    return YearOverYear(a, b, old, new, delta, pct)


# --------------------------------------------------------------------------- across bodies


@dataclass
class AcrossRow:
    report: StoredReport
    value: Decimal | None  # None: the cells are there but blank
    parts: list[Fact]


@dataclass
class Across:
    rows: list[AcrossRow]  # reports with the figure (value may be None = blank), biggest first
    missing: list[StoredReport] = field(default_factory=list)  # reports without such a figure

    @property
    def valued(self) -> list[AcrossRow]:
        return [r for r in self.rows if r.value is not None]

    @property
    def blank(self) -> list[AcrossRow]:
        return [r for r in self.rows if r.value is None]

    @property
    def total(self) -> Decimal:
        return sum((r.value for r in self.valued), Decimal(0))


def across_reports(facts: FactStore, reports: list[StoredReport], query: CellQuery) -> Across:
    """The figure `query` names, for each report, from one SQL query over the facts table."""
    ids = [r.report_id for r in reports]
    by_id = {r.report_id: r for r in reports}
    found: dict[str, list[Fact]] = {}
    for fact in facts.table_cells(query.table, query.rows, ids):
        found.setdefault(fact.report_id, []).append(fact)
    rows, missing = [], []
    for rid in ids:
        cells = {(f.row_key, f.column_key): f for f in found.get(rid, [])}
        parts = select_cells(cells, query)
        if not parts:
            missing.append(by_id[rid])
            continue
        values = [p.value for p in parts if p.value is not None]
        rows.append(AcrossRow(by_id[rid], sum(values, Decimal(0)) if values else None, parts))
    rows.sort(key=lambda r: (r.value is None, -(r.value or 0), r.report.body or "", r.report.year or 0))
    return Across(rows, missing)


def ranks(rows: list[AcrossRow]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of rows already sorted biggest first."""
    out = []
    for i, row in enumerate(rows):
        out.append(out[-1] if i and row.value == rows[i - 1].value else i + 1)
    return out


__all__ = ["linked", "previous_report", "consecutive_pairs", "pair_findings", "crossyear_findings",
           "YearOverYear", "year_over_year", "Across", "AcrossRow", "across_reports", "ranks"]
