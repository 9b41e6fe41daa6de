"""Consistency findings, readable by a person (CLI audit and the web audit view).

Besides each report's own findings (stored at ingest), a report whose body's previous year is
stored gets the cross-year rules (retrieval.crossyear: crossyear.carryover, crossyear.in_force)
and flags for text copied word for word from that report (retrieval.compare): whole narrative
sections reused, and the number of reused sentences.
"""
from __future__ import annotations

from reportqa.stores import Stores
from reportqa.types import Finding

REUSE_SECTIONS = ["一", "五", "六"]


def reuse_flags(stores: Stores, report_id: str, reports=None) -> list[str]:
    """Lines flagging text of report_id copied unchanged from the body's previous stored report."""
    from retrieval.compare import compare_reports
    from retrieval.crossyear import previous_report

    reports = reports if reports is not None else stores.facts.list_reports()
    report = next((r for r in reports if r.report_id == report_id), None)
    prev = previous_report(reports, report) if report else None
    if prev is None:
        return []
    cmp = compare_reports(stores.facts, prev.report_id, report_id, REUSE_SECTIONS)
    lines = []
    for sec in cmp.sections:
        counts = sec.counts
        if sec.reused_section:
            lines.append(f"  [crossyear.reused_section] 「{sec.heading_new}」与 {prev.report_id} 逐字相同"
                         f"（{counts['reused']} 句，相似度 {sec.similarity:.2f}）")
        elif counts["reused"]:
            lines.append(f"  [crossyear.reused_sentences] 「{sec.heading_new}」有 {counts['reused']} 句与 {prev.report_id} "
                         f"逐字相同（相似度 {sec.similarity:.2f}）；逐句对照：reportqa compare {report_id} --section {sec.section}")
    return lines


def audit_lines(stores: Stores, report_id: str | None = None) -> list[str]:
    from retrieval.crossyear import crossyear_findings

    all_reports = stores.facts.list_reports()
    reports = [r for r in all_reports if report_id is None or r.report_id == report_id]
    across: dict[str, list[Finding]] = {}
    for f in crossyear_findings(stores.facts, report_id):
        across.setdefault(f.report_id, []).append(f)
    lines = []
    for r in reports:
        findings = stores.facts.findings(r.report_id) + across.get(r.report_id, [])
        lines.append(f"== {r.report_id} ({r.body} {r.year}): {len(findings) or 'no'} finding{'s' if len(findings) != 1 else ''}")
        text = stores.facts.report_text(r.report_id) or ""
        for f in findings:
            lines.append(f"  [{f.rule}] {f.message}")
            for start, end in f.spans[:6]:
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                line_end = len(text) if line_end < 0 else line_end
                lines.append(f"      at {start}-{end}: {text[line_start:line_end].strip()[:80]!r}")
        lines += reuse_flags(stores, r.report_id, all_reports)
    return lines
