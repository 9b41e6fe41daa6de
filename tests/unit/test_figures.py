"""Exact figures from cells (retrieval/figures.py): selection, sums, shares, how numbers are written."""
from __future__ import annotations

from decimal import Decimal

from reportqa.types import Fact
from retrieval.figures import as_number, plain, select_cells, share, Figure
from retrieval.lexicon import CellQuery


def _cell(row: str, column: str, value: str | None) -> Fact:
    v = Decimal(value) if value is not None else None
    return Fact("r", "applications", row, row, column, column, v, value or "", "件", 0, 1, 0, 1)


CELLS = {(f.row_key, f.column_key): f for f in [
    _cell("本年新收", "自然人", "12"), _cell("本年新收", "商业企业", "3"), _cell("本年新收", "总计", "15"),
    _cell("予以公开", "总计", "6"), _cell("办理结果总计", "总计", "16"),
]}


def test_one_cell_when_the_query_names_one():
    parts = select_cells(CELLS, CellQuery("applications", ("本年新收",), ("总计",), "收到", "收到"))
    assert [p.value for p in parts] == [Decimal(15)]


def test_a_group_of_columns_is_every_named_part():
    parts = select_cells(CELLS, CellQuery("applications", ("本年新收",), ("商业企业", "自然人"), "x", "x"))
    assert sorted(p.value for p in parts) == [Decimal(3), Decimal(12)]


def test_no_cell_named_gives_no_parts():
    assert select_cells(CELLS, CellQuery("applications", ("不予公开",), ("总计",), "x", "x")) == []
    assert select_cells({}, CellQuery("applications", ("本年新收",), ("总计",), "x", "x")) == []


def test_share_is_exact_to_two_places():
    num = Figure("r", Decimal(6), "件", [], "予以公开")
    den = Figure("r", Decimal(16), "件", [], "办理结果总计")
    assert share(num, den) == Decimal("37.50")
    assert share(num, Figure("r", Decimal(0), "件", [], "x")) is None  # no division by zero
    assert share(Figure("r", None, "件", [], "x"), den) is None  # a blank cell has no share


def test_numbers_are_written_as_people_write_them():
    assert plain(Decimal("30.000")) == "30"
    assert plain(Decimal("1856.554")) == "1856.554"
    assert plain(None) == "（空）"
    assert as_number(Decimal("30.0")) == 30 and isinstance(as_number(Decimal("30.0")), int)
    assert as_number(Decimal("2.5")) == 2.5
