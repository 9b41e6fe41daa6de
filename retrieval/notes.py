"""Warnings added beside an answer after it is composed: a report read by OCR (its figures may be
misread) and, for such a report, the consistency checks its tables failed. Citations into OCR'd
pages are marked (Citation.ocr) so the UI and API can say so next to the quote."""
from __future__ import annotations

from dataclasses import replace

from reportqa.stores import Stores
from reportqa.types import Answer

OCR_NOTE = "该报告为扫描件经 OCR 识别，数字可能有误"
FINDINGS_NOTE = "该报告的表格未通过一致性检查："
NO_TABLES_NOTE = "该报告中没有找到统计表格（可能是节选、只有正文，或表格以图片发布），表格中的数字无法核对"
CELL_FINDING_NOTE = "所引用的单元格未通过该表的一致性检查："


def _add_table_notes(stores: Stores, answer: Answer, report_ids: list[str]) -> None:
    """Reports without any statistics table, and cited cells that a failed consistency rule names."""
    several = len(report_ids) > 1
    for rid in report_ids[:8]:
        report = stores.facts.get_report(rid)
        prefix = f"{report.body or rid}{report.year or ''}年报告：" if several and report else ""
        if not stores.facts.facts(rid, kind="table"):
            note = prefix + NO_TABLES_NOTE
            if note not in answer.notes:
                answer.notes.append(note)
            continue
        cited = {(c.cell.table, c.cell.row_key, c.cell.column_key) for c in answer.citations if c.cell and c.report_id == rid}
        if not cited:
            continue
        failed = [f.message for f in stores.facts.findings(rid) if cited & {tuple(x) for x in f.cells}]
        if failed:
            note = prefix + CELL_FINDING_NOTE + "；".join(failed[:3])
            if note not in answer.notes:
                answer.notes.append(note)


def add_report_notes(stores: Stores, answer: Answer) -> Answer:
    """Append the OCR and consistency notes of the reports the answer draws on (in place; returned)."""
    report_ids = list(dict.fromkeys([*answer.reports, *(c.report_id for c in answer.citations)]))
    _add_table_notes(stores, answer, report_ids)
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
