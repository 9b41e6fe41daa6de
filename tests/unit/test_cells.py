"""Table cells (ingest/tables/cells.py): what a cell's text is worth, and how a stretch of text in
any layout becomes a stream of cells with exact offsets. Pure."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.tables.cells import Cell, is_value_text, parse_value, split_cells


@pytest.mark.parametrize("text, value", [
    ("0", Decimal(0)),
    ("1,234", Decimal(1234)),
    ("1，234", Decimal(1234)),  # full-width comma
    ("１２３", Decimal(123)),  # full-width digits
    ("１２．５", Decimal("12.5")),
    ("12.5", Decimal("12.5")),
    ("240万元", Decimal(240)),  # a unit written after the number
    ("12 件", Decimal(12)),
    ("-7", Decimal(-7)),
    ("－7", Decimal(-7)),  # full-width minus
    ("减3", Decimal(-3)),  # the 2019 format's 本年增/减 column
    ("减少3", Decimal(-3)),
    ("增加5", Decimal(5)),
])
def test_numbers(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["", "/", "／", "-", "—", "——", "－", "无", "無", "空", "行政许可", "abc"])
def test_blanks_and_words_have_no_value(text):
    assert parse_value(text) is None


def test_value_text():
    assert is_value_text("1,234") and is_value_text("１２３") and is_value_text("12件") and is_value_text("增加3")
    assert is_value_text("无") and is_value_text("/")  # blank marks stand where a value goes
    assert not is_value_text("1,23")  # not a thousands group
    assert not is_value_text("行政许可") and not is_value_text("")


def test_cell_kinds():
    assert Cell("无", 0, 1, 1).is_value and not Cell("无", 0, 1, 1).is_label
    assert Cell("", 3, 3, 1).is_empty and not Cell("", 3, 3, 1).is_label
    assert Cell("规章", 0, 2, 1).is_label and not Cell("规章", 0, 2, 1).is_value


def test_cells_of_tab_pipe_and_space_rows_with_exact_offsets():
    text = "行政许可\t12\t0\n\n| 规章 | 3 |  |\n行政处罚 367 0\n"
    cells = split_cells(text, 0, len(text))
    assert cells == [
        Cell("行政许可", 0, 4, 1), Cell("12", 5, 7, 1), Cell("0", 8, 9, 1),
        Cell("规章", 13, 15, 3), Cell("3", 18, 19, 3), Cell("", 23, 23, 3),  # the empty cell between pipes is kept
        Cell("行政处罚", 25, 29, 4), Cell("367", 30, 33, 4), Cell("0", 34, 35, 4),  # a label then numbers
    ]
    assert all(text[c.start:c.end] == c.text for c in cells)


def test_markdown_rules_and_page_footers_are_not_cells():
    text = "| 项目 | 数量 |\n|---|---|\n| 规章 | 5 |\n- 3 -\n第 2 页\n"
    assert [c.text for c in split_cells(text, 0, len(text))] == ["项目", "数量", "规章", "5"]


def test_runs_of_spaces_separate_columns_and_numbers_split_on_single_spaces():
    text = "  规范性文件   30 0 0  \n"
    cells = split_cells(text, 0, len(text))
    assert [c.text for c in cells] == ["规范性文件", "30", "0", "0"]
    assert all(text[c.start:c.end] == c.text for c in cells)


def test_a_stretch_inside_the_text_keeps_offsets_into_the_whole_text():
    text = "前言\n行政许可\t5\n"
    start = text.index("行政许可")
    cells = split_cells(text, start, len(text))
    assert cells == [Cell("行政许可", 3, 7, 1), Cell("5", 8, 9, 1)]
