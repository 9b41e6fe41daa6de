"""Consistency findings as data: one `Audit` that the CLI (app/text.py) and the web audit tab
(app/render.py) both render, so both show the same findings.

Per report: the findings stored at ingest, then the cross-year rules computed when the body's
previous year is stored (retrieval.crossyear: crossyear.carryover, crossyear.in_force), and flags
for text copied word for word from that previous report (retrieval.compare): whole narrative
sections reused (crossyear.reused_section) or some sentences (crossyear.reused_sentences).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from reportqa.stores import Stores
from reportqa.types import Fact, Finding, StoredReport

REUSE_SECTIONS = ["一", "五", "六"]


@dataclass(frozen=True)
class Reuse:
    """Text of a narrative section copied unchanged from the body's previous stored report."""

    section: str  # the standard number, 一 五 六
    heading: str | None  # the section's heading in this report
    previous: str  # the report id it was copied from
    reused: int  # sentences copied word for word
    similarity: float  # of the whole section, 0 … 1
    whole: bool  # every substantive sentence copied

    @property
    def rule(self) -> str:
        return "crossyear.reused_section" if self.whole else "crossyear.reused_sentences"


@dataclass
class ReportAudit:
    report: StoredReport
    findings: list[Finding]  # stored at ingest, then the cross-year ones
    reuse: list[Reuse]
    text: str  # the report's canonical text, which the findings' spans point into
    cells: dict[tuple[str, str, str], Fact] = field(default_factory=dict)  # (table, row_key, column_key), when findings


@dataclass
class Audit:
    reports: list[ReportAudit]


def reuse_of(stores: Stores, report: StoredReport, reports: list[StoredReport], cache: dict | None = None) -> list[Reuse]:
    """Sections of report copied unchanged from the body's previous stored report.
    cache (optional, kept by the caller) holds earlier results by report versions."""
    from retrieval.compare import compare_reports
    from retrieval.crossyear import previous_report

    prev = previous_report(reports, report)
    if prev is None:
        return []
    key = (prev.report_id, prev.version, report.report_id, report.version)
    if cache is not None and key in cache:
        return cache[key]
    cmp = compare_reports(stores.facts, prev.report_id, report.report_id, REUSE_SECTIONS)
    out = [Reuse(sec.section, sec.heading_new, prev.report_id, sec.counts["reused"], sec.similarity, sec.reused_section)
           for sec in cmp.sections if sec.reused_section or sec.counts["reused"]]
    if cache is not None:
        cache[key] = out
    return out


def audit(stores: Stores, report_id: str | None = None, *, reuse_cache: dict | None = None) -> Audit:
    """The findings of every stored report, or of one."""
    from retrieval.crossyear import crossyear_findings

    all_reports = stores.reports()
    across: dict[str, list[Finding]] = {}
    for f in crossyear_findings(stores.facts, report_id):
        across.setdefault(f.report_id, []).append(f)
    out = []
    for r in all_reports:
        if report_id is not None and r.report_id != report_id:
            continue
        findings = stores.facts.findings(r.report_id) + across.get(r.report_id, [])
        cells = {(x.table, x.row_key, x.column_key): x for x in stores.facts.facts(r.report_id)} if findings else {}
        out.append(ReportAudit(r, findings, reuse_of(stores, r, all_reports, reuse_cache),
                               stores.facts.report_text(r.report_id) or "", cells))
    return Audit(out)
