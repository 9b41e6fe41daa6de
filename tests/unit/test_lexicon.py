"""Question words → table cells (retrieval/lexicon.py + lexicon.json). Pure: no model, no store."""
from __future__ import annotations

import pytest

from retrieval.lexicon import asks_for_count, flatten, is_numeric_question, match_cells


@pytest.mark.parametrize("question, table, rows, columns", [
    ("行政处罚决定有多少件？", "20.6", ("行政处罚",), ("本年处理决定数量",)),
    ("2023年收到多少政府信息公开申请？", "applications", ("本年新收",), ("总计",)),
    ("因政府信息公开被申请行政复议多少件", "review_litigation", ("复议诉讼",), ("行政复议.总计",)),
    ("本年新制作规章多少件", "20.1", ("规章",), ("本年新制作数量",)),
    ("予以公开占比是多少", "applications", ("予以公开",), ("总计",)),
])
def test_the_cell_a_question_names(question, table, rows, columns):
    query = match_cells(question)[0]
    assert (query.table, query.rows, query.columns) == (table, rows, columns)


def test_wording_questions_name_no_cell():
    assert match_cells("存在的主要问题是什么？") == []
    assert not is_numeric_question("存在的主要问题是什么？")
    assert not asks_for_count("今年在政务公开方面做了哪些创新？")


def test_counts_are_numeric_questions():
    assert is_numeric_question("收到了几件申请") and asks_for_count("收到了几件申请")


def test_flatten_reads_full_width_digits_and_drops_white_space():
    assert flatten(" ２０２３ 年\u3000收到") == "2023年收到"


@pytest.mark.parametrize("question, columns", [
    ("淮安市2024年行政复议其他结果多少件？", ("行政复议.其他结果",)),
    ("复议后起诉结果纠正多少件", ("行政诉讼.复议后起诉.结果纠正",)),
    ("行政诉讼未经复议直接起诉尚未审结多少件", ("行政诉讼.未经复议直接起诉.尚未审结",)),
    ("行政复议维持了多少件", ("行政复议.结果维持",)),
    ("行政诉讼结果纠正多少件", ("行政诉讼.未经复议直接起诉.结果纠正", "行政诉讼.复议后起诉.结果纠正")),
    ("因政府信息公开被申请行政复议多少件", ("行政复议.总计",)),
])
def test_a_result_of_review_or_litigation_is_its_own_column(question, columns):
    """Table 四 asked by result: the result's column of the group asked, never the group's 总计."""
    assert match_cells(question)[0].columns == columns
