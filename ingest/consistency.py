"""The tables' own consistency rules (report-format.md), run on the extracted facts.

Findings are warnings: a report that breaks a rule is still stored, and the audit shows why.
Blank cells count as 0 in sums, as the reports themselves intend.
"""
from __future__ import annotations

from decimal import Decimal

from reportqa.types import Fact, Finding
from reportqa.vocabulary import APPLICANT_COLUMNS, narrative_cell_for

_GROUPS = ("不予公开", "无法提供", "不予处理")
_RESULT_GROUPS = ("行政复议", "行政诉讼.未经复议直接起诉", "行政诉讼.复议后起诉")



def check_report(report_id: str, facts: list[Fact]) -> list[Finding]:
    cells = {(f.table, f.row_key, f.column_key): f for f in facts if f.kind == "table"}
    findings: list[Finding] = []
    findings += _applications_balance(report_id, cells)
    findings += _applications_results_total(report_id, cells)
    findings += _applications_row_totals(report_id, cells)
    findings += _applications_subtotals(report_id, cells)
    findings += _review_totals(report_id, cells)
    findings += _narrative_vs_table(report_id, facts, cells)
    return findings


def _v(fact: Fact | None) -> Decimal:
    return fact.value if fact is not None and fact.value is not None else Decimal(0)


def _finding(report_id, rule, message, expected, found, facts: list[Fact]) -> Finding:
    return Finding(
        report_id=report_id, rule=rule, message=message, expected=str(expected), found=str(found),
        cells=tuple((f.table, f.row_key, f.column_key) for f in facts if f is not None),
        spans=tuple((f.value_start, f.value_end) for f in facts if f is not None),
    )


def _columns_present(cells, row: str) -> list[str]:
    cols = [c for c in APPLICANT_COLUMNS if ("applications", row, c) in cells]
    return cols + (["总计"] if ("applications", row, "总计") in cells else [])


def _applications_balance(report_id, cells) -> list[Finding]:
    out = []
    for col in _columns_present(cells, "本年新收"):
        parts = [cells.get(("applications", r, col)) for r in ("本年新收", "上年结转", "办理结果总计", "结转下年度")]
        if any(p is None for p in parts):
            continue
        left, right = _v(parts[0]) + _v(parts[1]), _v(parts[2]) + _v(parts[3])
        if left != right:
            out.append(_finding(report_id, "applications.balance",
                                f"第三部分「{col}」列：本年新收 + 上年结转 = {left}，而办理结果总计 + 结转下年度 = {right}",
                                left, right, parts))
    return out


def _leaf_rows(cells) -> list[str]:
    rows = {r for (t, r, _c) in cells if t == "applications"}
    leaves = ["予以公开", "部分公开"]
    leaves += sorted(r for r in rows if "." in r)
    if "其他处理" in rows and not any(r.startswith("其他处理.") for r in rows):
        leaves.append("其他处理")
    return [r for r in leaves if r in rows]


def _sum_rule(report_id, rule: str, total: Fact | None, parts: list[Fact | None], message) -> Finding | None:
    """total must equal the sum of parts (blank = 0); message(total, summed) words the finding."""
    present = [p for p in parts if p is not None]
    if total is None or not present:
        return None
    summed = sum((_v(p) for p in present), Decimal(0))
    if summed == _v(total):
        return None
    return _finding(report_id, rule, message(_v(total), summed), summed, _v(total), [total] + present)


def _applications_results_total(report_id, cells) -> list[Finding]:
    leaves = _leaf_rows(cells)
    out = []
    for col in _columns_present(cells, "办理结果总计"):
        finding = _sum_rule(report_id, "applications.results_total", cells.get(("applications", "办理结果总计", col)),
                            [cells.get(("applications", r, col)) for r in leaves],
                            lambda total, summed: f"第三部分「{col}」列：（七）总计为 {total}，各项办理结果之和为 {summed}")
        if finding:
            out.append(finding)
    return out


def _applications_row_totals(report_id, cells) -> list[Finding]:
    rows = sorted({r for (t, r, _c) in cells if t == "applications"})
    out = []
    for row in rows:
        total = cells.get(("applications", row, "总计"))
        finding = _sum_rule(report_id, "applications.row_total", total,
                            [cells.get(("applications", row, c)) for c in APPLICANT_COLUMNS],
                            lambda t, summed: f"第三部分「{total.row_label}」行：总计为 {t}，各申请人列之和为 {summed}")
        if finding:
            out.append(finding)
    return out


def _applications_subtotals(report_id, cells) -> list[Finding]:
    out = []
    for group in _GROUPS:
        for col in _columns_present(cells, group):
            parts = [f for (t, r, c), f in cells.items() if t == "applications" and r.startswith(group + ".") and c == col]
            finding = _sum_rule(report_id, "applications.group_total", cells.get(("applications", group, col)), parts,
                                lambda total, summed: f"第三部分「{group}」小计（{col}）为 {total}，其各项之和为 {summed}")
            if finding:
                out.append(finding)
    return out


def _review_totals(report_id, cells) -> list[Finding]:
    out = []
    for group in _RESULT_GROUPS:
        finding = _sum_rule(
            report_id, "review_litigation.total", cells.get(("review_litigation", "复议诉讼", f"{group}.总计")),
            [cells.get(("review_litigation", "复议诉讼", f"{group}.{c}")) for c in ("结果维持", "结果纠正", "其他结果", "尚未审结")],
            lambda total, summed: f"第四部分「{group.replace('.', '·')}」：总计为 {total}，维持、纠正、其他、尚未审结之和为 {summed}")
        if finding:
            out.append(finding)
    return out


def _narrative_vs_table(report_id, facts, cells) -> list[Finding]:
    out = []
    for fact in facts:
        target = narrative_cell_for(fact)
        cell = cells.get(target) if target else None
        if cell is None or cell.value is None or fact.value == cell.value:
            continue
        out.append(Finding(
            report_id=report_id, rule="narrative_vs_table",
            message=f"正文「{fact.row_label}」称 {fact.value}{fact.unit}，表格「{cell.row_label} / {cell.column_label}」为 {cell.value}",
            expected=str(cell.value), found=str(fact.value), cells=(target,),
            spans=((fact.value_start, fact.value_end), (cell.value_start, cell.value_end)),
        ))
    return out
