"""Grid geometry for OCR'd tables (ingest/readers/grid.py) from hand-made pictures and word boxes:
pure, no Tesseract."""
from __future__ import annotations

import numpy as np

from ingest.readers.grid import (cell_boxes, cluster, find_rules, fix_number, gap_cells, group_lines, join_words,
                                 looks_numeric, ruled_tables)


def word(text, x0, y0, x1, y1):
    return {"text": text, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "conf": 90.0, "line": (1, 1, 1)}


# --------------------------------------------------------------------------- rules and cells

def _two_cell_table() -> np.ndarray:
    """A white 200 x 400 picture with a ruled 1 x 2 table: rules at y 20 and 120 (x 10..390),
    and at x 10, 200 and 390 (y 20..120)."""
    gray = np.full((200, 400), 255, dtype=np.uint8)
    gray[20, 10:391] = 0
    gray[120, 10:391] = 0
    for x in (10, 200, 390):
        gray[20:121, x] = 0
    return gray


def test_rules_are_found_in_a_picture_and_grouped_into_one_table():
    mask, h, v = find_rules(_two_cell_table(), dpi=300)
    assert h == [(20, 20, 10, 390), (120, 120, 10, 390)]  # (y0, y1, x0, x1)
    assert v == [(10, 10, 20, 120), (200, 200, 20, 120), (390, 390, 20, 120)]  # (x0, x1, y0, y1)
    assert mask[20, 100] and mask[70, 200] and not mask[70, 100]
    assert ruled_tables(h, v) == [((10, 20, 390, 120), h, v)]


def test_short_strokes_are_not_rules():
    gray = np.full((200, 400), 255, dtype=np.uint8)
    gray[50, 10:60] = 0  # 50 px: shorter than 0.3 inch at 300 dpi (90 px)
    _mask, h, v = find_rules(gray, dpi=300)
    assert h == [] and v == []
    assert ruled_tables(h, v) == []


def test_cells_of_a_plain_grid():
    hs = [(0, 1, 0, 200), (50, 51, 0, 200), (100, 101, 0, 200)]
    vs = [(0, 1, 0, 100), (100, 101, 0, 100), (200, 201, 0, 100)]
    ys, xs, cells = cell_boxes(hs, vs)
    assert ys == [0.5, 50.5, 100.5] and xs == [0.5, 100.5, 200.5]
    assert cells == {(0, 0): (0, 0, 100, 50), (0, 1): (100, 0, 200, 50),
                     (1, 0): (0, 50, 100, 100), (1, 1): (100, 50, 200, 100)}


def test_a_cell_spanning_two_columns_is_one_box_and_covers_the_second_slot():
    hs = [(0, 1, 0, 200), (50, 51, 0, 200), (100, 101, 0, 200)]
    vs = [(0, 1, 0, 100), (100, 101, 50, 100), (200, 201, 0, 100)]  # the middle rule only in the lower row
    _ys, _xs, cells = cell_boxes(hs, vs)
    assert cells == {(0, 0): (0, 0, 200, 50), (1, 0): (0, 50, 100, 100), (1, 1): (100, 50, 200, 100)}


def test_a_cell_spanning_two_rows_is_one_box_and_covers_the_slot_below():
    hs = [(0, 1, 0, 200), (50, 51, 100, 200), (100, 101, 0, 200)]  # the middle rule only on the right
    vs = [(0, 1, 0, 100), (100, 101, 0, 100), (200, 201, 0, 100)]
    _ys, _xs, cells = cell_boxes(hs, vs)
    assert cells == {(0, 0): (0, 0, 100, 100), (0, 1): (100, 0, 200, 50), (1, 1): (100, 50, 200, 100)}


def test_fewer_than_two_rules_each_way_make_no_cells():
    ys, xs, cells = cell_boxes([(0, 1, 0, 200)], [(0, 1, 0, 100), (200, 201, 0, 100)])
    assert ys == [0.5] and cells == {}


def test_cluster_merges_values_within_the_gap():
    assert cluster([1, 3, 20, 24, 50]) == [2.0, 22.0, 50.0]
    assert cluster([1, 3, 20, 24, 50], gap=1.0) == [1.0, 3.0, 20.0, 24.0, 50.0]
    assert cluster([]) == []


# --------------------------------------------------------------------------- words

def test_words_group_into_lines_top_to_bottom_left_to_right():
    words = [word("乙", 60, 42, 80, 60), word("甲", 10, 40, 30, 60), word("丙", 10, 80, 30, 100),
             word("丁", 40, 81, 60, 99)]
    lines = group_lines(words)
    assert [[w["text"] for w in ln] for ln in lines] == [["甲", "乙"], ["丙", "丁"]]


def test_a_line_splits_into_cells_at_wide_gaps():
    # type size 10 px: a gap wider than 18 px starts a new cell (19 px does, 18 px does not)
    line = [word("行政", 0, 0, 20, 10), word("许可", 25, 0, 45, 10), word("12", 70, 0, 82, 10),
            word("3", 101, 0, 107, 10), word("4", 125, 0, 131, 10)]
    assert gap_cells(line, 10.0) == ["行政许可", "12", "34"]  # '3 4' is one number, its space a misread


def test_joined_words_drop_spaces_between_cjk_and_mend_digit_confusions():
    assert join_words([word("政 府", 0, 0, 40, 10), word("信息", 45, 0, 80, 10)]) == "政府信息"
    assert join_words([word("1O3", 0, 0, 30, 10)]) == "103"
    # two sub-lines of one cell read top to bottom
    assert join_words([word("公开", 0, 20, 30, 30), word("主动", 0, 0, 30, 10)]) == "主动公开"


def test_fix_number_only_touches_what_is_clearly_a_number():
    assert fix_number("1O3") == "103"
    assert fix_number("l") == "1"
    assert fix_number("2O2,") == "202"
    assert fix_number("SB") == "SB"  # no digit at all: letters stay letters
    assert fix_number("主动公开") == "主动公开"


def test_looks_numeric_by_text_and_crop_shape():
    small = np.zeros((20, 30))
    assert looks_numeric("12", small)
    assert looks_numeric("跑", small)  # one CJK character: maybe a misread figure
    assert not looks_numeric("无", small)
    assert not looks_numeric("公开", small)
    assert not looks_numeric("12", np.zeros((20, 400)))  # a wide crop is text
    assert not looks_numeric("12", np.zeros((90, 30)))  # a tall crop is several lines
