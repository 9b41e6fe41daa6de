"""Consistency findings, readable by a person (CLI audit and the web audit view)."""
from __future__ import annotations

from reportqa.stores import Stores


def audit_lines(stores: Stores, report_id: str | None = None) -> list[str]:
    reports = [r for r in stores.facts.list_reports() if report_id is None or r.report_id == report_id]
    lines = []
    for r in reports:
        findings = stores.facts.findings(r.report_id)
        lines.append(f"== {r.report_id} ({r.body} {r.year}): {len(findings) or 'no'} finding{'s' if len(findings) != 1 else ''}")
        text = stores.facts.report_text(r.report_id) or ""
        for f in findings:
            lines.append(f"  [{f.rule}] {f.message}")
            for start, end in f.spans[:6]:
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                line_end = len(text) if line_end < 0 else line_end
                lines.append(f"      at {start}-{end}: {text[line_start:line_end].strip()[:80]!r}")
    return lines
