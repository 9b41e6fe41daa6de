"""Warnings added beside an answer after it is composed: a report read by OCR (its figures may be
misread) and, for such a report, the consistency checks its tables failed. Citations into OCR'd
pages are marked (Citation.ocr) so the UI and API can say so next to the quote."""
from __future__ import annotations

from dataclasses import replace

from reportqa.stores import Stores
from reportqa.types import Answer

OCR_NOTE = "该报告为扫描件经 OCR 识别，数字可能有误"
FINDINGS_NOTE = "该报告的表格未通过一致性检查："


def add_report_notes(stores: Stores, answer: Answer) -> Answer:
    """Append the OCR and consistency notes of the reports the answer draws on (in place; returned)."""
    report_ids = list(dict.fromkeys([*answer.reports, *(c.report_id for c in answer.citations)]))
    ocr_pages: dict[str, list] = {}
    for rid in report_ids:
        spans = [p for p in stores.facts.report_pages(rid) if p.ocr]
        if spans:
            ocr_pages[rid] = spans
    if not ocr_pages:
        return answer
    answer.citations = [replace(c, ocr=True) if any(p.start <= c.start < p.end for p in ocr_pages.get(c.report_id, ()))
                        else c for c in answer.citations]
    several = len(report_ids) > 1
    for rid in ocr_pages:
        report = stores.facts.get_report(rid)
        name = f"{report.body or rid}{report.year or ''}年报告" if report else rid
        prefix = f"{name}：" if several else ""
        note = prefix + OCR_NOTE
        if note not in answer.notes:
            answer.notes.append(note)
        findings = stores.facts.findings(rid)
        if findings:
            shown = "；".join(f.message for f in findings[:3]) + (f"；等 {len(findings)} 项" if len(findings) > 3 else "")
            note = prefix + FINDINGS_NOTE + shown
            if note not in answer.notes:
                answer.notes.append(note)
    return answer
