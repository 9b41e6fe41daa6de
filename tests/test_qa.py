"""Question answering end to end over a collection (real model, Chroma, SQLite): the right
report, the exact number, the right cell cited, honest refusals, the JSON contract."""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest

from retrieval.answer import answer_to_dict
from retrieval.pipeline import QuestionAnswerer
from tests.conftest import cli_env, REPO


@pytest.fixture(scope="module")
def qa(collection):
    stores, generated = collection
    return QuestionAnswerer(stores), stores, generated


def _check_quotes(stores, answer):
    for c in answer.citations:
        assert c.quote == stores.facts.report_text(c.report_id)[c.start:c.end]


@pytest.mark.parametrize("question,value,row,column", [
    ("绥芬河市2023年收到多少政府信息公开申请？", 30, "本年新收", "总计"),
    ("绥芬河的行政处罚决定有几件", 367, "行政处罚", "本年处理决定数量"),
    ("绥芬河市行政事业性收费金额是多少", Decimal("1856.554"), "行政事业性收费", "本年收费金额"),
    ("绥芬河市现行有效的规范性文件有多少件", 41, "规范性文件", "现行有效件数"),
    ("绥芬河市本机关不掌握相关信息的有多少件？", 7, "无法提供.本机关不掌握相关政府信息", "总计"),
    ("绥芬河市结转到下一年继续办理的申请有几件", 2, "结转下年度", "总计"),
])
def test_numeric_answer_cites_the_cell(qa, question, value, row, column):
    qa, stores, _g = qa
    answer = qa.ask(question)
    assert answer.route == "table" and answer.reports == ["绥芬河市-2023"]
    assert Decimal(str(answer.value)) == Decimal(value)
    cell = answer.citations[0].cell
    assert (cell.row_key, cell.column_key) == (row, column)
    assert str(value) in answer.citations[0].quote
    _check_quotes(stores, answer)


def test_group_total_shows_its_parts(qa):
    qa, stores, _g = qa
    answer = qa.ask("绥芬河市不予公开的有多少件")
    assert answer.value == 7 and len(answer.citations) == 8
    assert "5件" in answer.answer and "1件" in answer.answer


def test_generated_report_is_picked_by_body_and_year(qa):
    qa, stores, generated = qa
    for rid in ("青山市-2023", "青山市-2022"):
        g = generated[rid]
        answer = qa.ask(f"青山市{g.year}年行政处罚决定多少件？")
        assert answer.reports == [rid]
        assert Decimal(str(answer.value)) == g.cells[("20.6", "行政处罚", "本年处理决定数量")]


def test_body_not_in_collection_is_not_a_neighbour(qa):
    qa, _s, _g = qa
    for question in ("上海市收到多少政府信息公开申请？", "哈尔滨市行政处罚多少件", "绥芬河市教育局收到多少申请？"):
        answer = qa.ask(question)
        assert answer.route == "none" and answer.citations == [] and "没有" in answer.answer, question
    assert qa.ask("黄浦区收到多少政府信息公开申请？").reports == ["上海市黄浦区-2023"]


def test_unanswerable_is_refused(qa):
    qa, _s, _g = qa
    for question in ("绥芬河市2023年的GDP是多少？", "绥芬河市市长是谁？", "绥芬河市2019年收到多少申请？"):
        assert qa.ask(question).route == "none", question


def test_narrative_answer_quotes_the_passage(qa):
    qa, stores, _g = qa
    answer = qa.ask("绥芬河市在方便老年人获取信息方面做了什么？")
    assert answer.route == "text"
    assert any("适老化" in c.quote for c in answer.citations)
    _check_quotes(stores, answer)


def test_follow_up_keeps_context(qa):
    qa, _s, generated = qa
    first = qa.ask("青山市2023年收到多少政府信息公开申请？")
    follow = qa.ask("那2022年呢？", history=["青山市2023年收到多少政府信息公开申请？"])
    assert first.reports == ["青山市-2023"] and follow.reports == ["青山市-2022"]
    assert Decimal(str(follow.value)) == generated["青山市-2022"].cells[("applications", "本年新收", "总计")]


def test_narrative_and_table_disagreement_is_reported(qa):
    qa, stores, _g = qa
    from tests.generator import generate_report
    from ingest.pipeline import ingest_file
    import tempfile
    from pathlib import Path
    g = generate_report(120, body="东湖县", year=2023, inconsistent=frozenset({"narrative_vs_table"}))
    with tempfile.TemporaryDirectory() as tmp:
        ingest_file(stores, g.write(Path(tmp) / g.suggested_filename()))
    answer = qa.ask("东湖县收到多少政府信息公开申请？")
    assert answer.value == int(g.cells[("applications", "本年新收", "总计")])
    assert "不一致" in answer.answer and any(c.cell is None for c in answer.citations)
    stores.delete_report("东湖县-2023")


def test_cli_ask_json_contract(collection):
    stores, _g = collection
    questions = "绥芬河市2023年收到多少政府信息公开申请？\n绥芬河市的GDP是多少？\n"
    proc = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(stores.settings.home), "ask", "--json"],
                          input=questions, cwd=REPO, env=cli_env(stores.settings), capture_output=True, text=True,
                          timeout=600)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["route"] for d in lines] == ["table", "none"]
    first = lines[0]
    assert set(first) >= {"question", "route", "answer", "value", "unit", "reports", "citations"}
    assert first["value"] == 30 and first["unit"] == "件"
    c = first["citations"][0]
    assert set(c) >= {"report_id", "title", "body", "year", "section", "start", "end", "quote", "cell"}
    assert c["quote"] == stores.facts.report_text(c["report_id"])[c["start"]:c["end"]]
    assert c["cell"]["table"] == "applications"
    assert answer_to_dict(QuestionAnswerer(stores).ask(first["question"]))["value"] == 30


@pytest.mark.integration
@pytest.mark.parametrize("follow_up", ["北京市2023年收到多少申请？", "北京市收到多少申请？", "那北京市呢？"])
def test_follow_up_never_overrides_the_body_it_names(qa, follow_up):
    """A follow-up may carry over what it leaves out, never replace the body it names."""
    qa, _s, _g = qa
    answer = qa.ask(follow_up, history=["绥芬河市2023年收到多少政府信息公开申请？"])
    assert answer.route == "none" and "北京市" in answer.answer
    assert answer.value is None and not answer.citations


@pytest.mark.integration
def test_a_count_nothing_states_is_not_found_not_a_passage(qa):
    qa, _s, _g = qa
    answer = qa.ask("绥芬河市2023年在运维的政务微博有多少个粉丝？")
    assert answer.route == "none" and not answer.citations
