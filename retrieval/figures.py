"""Exact figures from the facts store: one cell, a group total, a share, a difference.

Every figure carries the facts it was computed from, so the answer can cite each cell.
Arithmetic is Decimal; nothing is estimated.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportqa.stores.facts import FactStore
from reportqa.types import Fact
from reportqa.vocabulary import narrative_cell_for
from retrieval.lexicon import CellQuery, column_equivalents


@dataclass
class Figure:
    report_id: str
    value: Decimal | None  # None: the cell exists but is blank
    unit: str
    parts: list[Fact]  # the cells (or narrative facts) it comes from
    label: str
    is_sum: bool = False


def select_cells(cells: dict[tuple[str, str], Fact], query: CellQuery) -> list[Fact]:
    """The cells of one report's table (keyed by (row, column)) that the query names."""
    if not cells:
        return []
    columns = query.columns or tuple(sorted({c for (_r, c) in cells}))[:1]
    parts = [cells[(r, c)] for r in query.rows for c in columns if (r, c) in cells]
    if not parts:  # the other format's name for the same column
        parts = [cells[(r, e)] for r in query.rows for c in columns for e in column_equivalents(c) if (r, e) in cells]
    if not parts:
        # 2019 tables name some columns differently (处理决定数量 vs 本年处理决定数量): take the row's only match.
        parts = [f for (r, c), f in cells.items() if r in query.rows and any(c.endswith(x) or x.endswith(c) for x in columns)]
    return parts


def lookup(facts: FactStore, report_id: str, query: CellQuery) -> Figure | None:
    parts = select_cells({(f.row_key, f.column_key): f for f in facts.facts(report_id, table=query.table)}, query)
    if not parts:
        return None
    unit = parts[0].unit
    if len(parts) == 1:
        return Figure(report_id, parts[0].value, unit, parts, query.label)
    total = sum((p.value for p in parts if p.value is not None), Decimal(0))
    return Figure(report_id, total, unit, parts, query.label, is_sum=True)


def narrative_restatement(facts: FactStore, figure: Figure) -> Fact | None:
    """A narrative sentence that states the same table figure with a different number."""
    if len(figure.parts) != 1 or figure.value is None:
        return None
    cell = figure.parts[0]
    target = (cell.table, cell.row_key, cell.column_key)
    for fact in facts.facts(figure.report_id, kind="narrative"):
        if narrative_cell_for(fact) == target and fact.value != figure.value:
            return fact
    return None


def share(numerator: Figure, denominator: Figure) -> Decimal | None:
    if numerator.value is None or not denominator.value:
        return None
    return (numerator.value * 100 / denominator.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plain(value: Decimal | None) -> str:
    """A value as people write it: 30, not 30.000; 1856.554 stays exact."""
    if value is None:
        return "（空）"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def as_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


__all__ = ["Figure", "select_cells", "lookup", "narrative_restatement", "share", "plain", "as_number"]
