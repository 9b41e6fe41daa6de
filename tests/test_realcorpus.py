"""The real development corpus (tests/realcorpus, see its README): 152 reports as published — web
pages saved as text with their chrome and truncation, traditional-script mirrors, real PDFs and
text files — from 100+ bodies at every level, and 298 questions whose answers were read from the
texts by hand. Nothing here is generated: these tests measure the product against the world."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "realcorpus"
SOURCES = CORPUS / "sources.jsonl"
QUESTIONS = CORPUS / "questions.jsonl"


@pytest.fixture(scope="module")
def corpus(settings_factory):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    stores = Stores(settings_factory("realcorpus-home"))
    results = ingest_paths(stores, [CORPUS / "reports", CORPUS / "files"], progress=False)
    return stores, results


@pytest.fixture(scope="module")
def evaluation(corpus):
    from app.evaluate import run_eval
    stores, _results = corpus
    return run_eval(stores, QUESTIONS)


def test_every_source_is_recorded_with_its_origin():
    for line in SOURCES.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert (CORPUS / item["file"]).is_file(), item["file"]
        assert item.get("url") or item.get("repo"), f"{item['file']}: no source recorded"


def test_evidence_of_every_answer_is_in_its_report():
    """The ground truth itself: each answer's evidence is verbatim in the report it cites."""
    for line in QUESTIONS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line, parse_float=Decimal)
        if item["kind"] == "unanswerable" or not item.get("report") or item["report"].endswith(".pdf"):
            continue
        text = (CORPUS / item["report"]).read_text(encoding="utf-8")
        assert item["evidence"] in text, item["question"]


@pytest.mark.integration
def test_no_real_report_is_rejected(corpus):
    _stores, results = corpus
    rejected = [(r.path, r.message) for r in results if r.status == "rejected"]
    assert rejected == []


def test_body_and_year_identified():
    """Body and year from the text alone (nothing stored): right for at least 95 % of the reports
    whose text names its body; where the text never names it, unknown or partial — never another body."""
    from app.evaluate import identification_report, same_body
    rows, summary = identification_report(SOURCES)
    assert all(r.stored for r in rows), summary
    named = [r for r in rows if r.named_in_text]
    assert sum(r.body_right for r in named) / len(named) >= 0.95, summary
    assert sum(r.year_right for r in rows) / len(rows) >= 0.95, summary
    unnamed = [r for r in rows if not r.named_in_text]
    wrong = [r for r in unnamed if r.found_body and not same_body(r.expected_body, r.found_body)
             and not r.found_body.startswith(("省", "市", "区", "县"))]
    assert wrong == [], summary


@pytest.mark.integration
def test_no_wrong_number_and_honest_refusals(evaluation):
    wrong = [(r.question, r.expected, r.answer[:120]) for r in evaluation.wrong_numbers()]
    assert wrong == []
    assert evaluation.accuracy("unanswerable") >= 0.9, evaluation.summary()
    assert evaluation.citation_validity() == 1.0


@pytest.mark.integration
def test_answer_rates_hold(evaluation):
    """Floors a little under today's figures (numeric 0.886, narrative 0.786 on this corpus), so
    that a change that loses answers fails here; see bench/README.md for the command."""
    assert evaluation.accuracy("numeric") >= 0.85, evaluation.summary()
    assert evaluation.accuracy("narrative") >= 0.74, evaluation.summary()


def _unnamed_reports(sources: Path) -> set[str]:
    """Files whose text never names its body (body_evidence null): questions naming that body are
    refused until someone relabels the report (reportqa relabel)."""
    rows = [json.loads(line) for line in sources.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["file"] for r in rows if r.get("body_evidence", "") is None}


@pytest.mark.integration
def test_answerable_questions_are_not_refused(evaluation):
    """At most 5 % of the answerable questions refused, over the reports whose text names its body
    (today 4.5 %; 12.6 % with the 15 reports that never do, which no reader could attribute)."""
    assert evaluation.wrongly_refused(_unnamed_reports(SOURCES)) <= 0.05, evaluation.summary()


@pytest.mark.integration
@pytest.mark.parametrize("question, value", [
    ("龙泉市西街街道2019年在本单位网站公开了多少条政府信息？", 52),  # the body the text calls 西街街道
    ("南宁经开区管委会2021年通过微博公开了多少条信息？", 650),  # one of four counts in one sentence
    ("安徽省统计局2021年局长信箱收到多少条留言？", 268),  # not the 1647 of the clause before it
    ("广州市海珠区江南中街道2020年政府集中采购的采购总金额是多少万元？", 240),  # a cell written 240万元
    ("渠县教科局2020年年报中，行政许可的处理决定数量是多少？", 20),  # 2019 format, 增15 in the row
    ("南源街2020年政府信息公开年报里，行政许可的上一年项目数量是多少？", 21),  # a 2019-format column asked by name
    ("平潭2020年全区各级行政机关共受理政府信息公开申请多少件？", 21),  # 受理, not the heading's 办理 before it
    ("渭南市政府办公室2022年剩余多少件依申请公开转到2023年办理？", 4),  # 转2023年办理 is carried over, not 办理
    ("高平市政府办2022年收到和办理依申请公开12件，上一年（2021年）收到和办理了多少件？", 3),  # not 转下一年办理0件
    ("云南省卫健委2022年在网站设置了多少个政府信息公开板块？", 13),  # prose under a table section's heading
    ("2022年上海市一共举办了多少场市政府新闻发布活动？", 191),  # 上海市, not a body 上海市一共举办
    ("孝感市政府办2020年“其他主动公开文件”本年新制作数量是多少？", 56),  # a provincial row, in a cut-off table
])
def test_numbers_from_their_own_cell_or_clause(corpus, question, value):
    from retrieval.pipeline import QuestionAnswerer
    stores, _ = corpus
    answer = QuestionAnswerer(stores).ask(question)
    assert answer.route == "table" and answer.value == value, answer.answer
    assert any(str(value) in c.quote for c in answer.citations)


@pytest.mark.integration
@pytest.mark.parametrize("question", [
    "深圳市市场监督管理局南山监管局2023年受理了多少件依申请公开？",  # a sibling of a stored 监管局
    "广州市海珠区统计局2021年收到多少件政府信息公开申请？",  # stored only as 区统计局 (no district named)
    "渭南市人民政府办公室2023年共收到依申请公开多少件？",  # the office has 2022 and 2024, the city has 2023
    "运城经济技术开发区2020年行政许可处理决定1011件，那行政处罚处理决定多少件？",  # a number stated in the question
    "宁乡市统计局2022年收到多少件政府信息公开申请？",  # a body not in the collection
])
def test_refused_not_answered_from_another_report(corpus, question):
    from retrieval.pipeline import QuestionAnswerer
    stores, _ = corpus
    answer = QuestionAnswerer(stores).ask(question)
    assert answer.route == "none", answer.answer
    assert answer.value is None


@pytest.mark.integration
def test_a_breakdown_list_after_relabelling(corpus):
    """a034 never names its body (我委); relabelled by hand, its list 累计发布政务信息2035篇，其中…工作动态152篇…
    answers each item with its own number, never the head count (read by hand from the page)."""
    from ingest.metadata import split_body
    from retrieval.pipeline import QuestionAnswerer
    stores, _ = corpus
    rid = next(r.report_id for r in stores.facts.list_reports() if r.source_path.endswith("a034.txt"))
    old = stores.facts.get_report(rid)
    place, body_type = split_body("朔州市卫生健康委员会")
    stores.facts.relabel(rid, body="朔州市卫生健康委员会", year=2022, place=place, body_type=body_type)
    try:
        qa = QuestionAnswerer(stores)
        for question, value in [("朔州市卫健委2022年在门户网站发布了多少篇工作动态？", 152),
                                ("朔州市卫健委2022年累计发布政务信息多少篇？", 2035),
                                ("朔州市卫健委2022年发布了多少篇疫情防控信息？", 1536)]:
            answer = qa.ask(question)
            assert answer.route == "table" and answer.value == value, answer.answer
    finally:
        stores.facts.relabel(rid, body=old.body, year=old.year, place=old.place, body_type=old.body_type)


HOLDOUT = CORPUS / "holdout"


@pytest.mark.integration
@pytest.mark.parametrize("folder", ["holdout", "holdout2", "holdout3"])
def test_held_out_reports(settings_factory, folder):
    """More real report pages of bodies not in the main corpus, gathered apart (30 in each set) and
    measured first before any change made for them: none rejected, no wrong number, refusals honest.
    holdout3 is the newest and was not tuned on beyond its wrong numbers: only the invariants hold
    there (its identification and refusal rates are in its README, as measured)."""
    strict = folder != "holdout3"
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores
    from app.evaluate import identification_report, run_eval
    HOLDOUT = CORPUS / folder
    stores = Stores(settings_factory(f"{folder}-home"))
    results = ingest_paths(stores, [HOLDOUT / "reports"], progress=False)
    assert [r.path for r in results if r.status == "rejected"] == []
    rows, summary = identification_report(HOLDOUT / "sources.jsonl")
    named = [r for r in rows if r.named_in_text]
    assert sum(r.body_right for r in named) / len(named) >= (0.9 if strict else 0.7), summary
    assert sum(r.year_right for r in rows) / len(rows) >= 0.95, summary
    report = run_eval(stores, HOLDOUT / "questions.jsonl")
    assert report.wrong_numbers() == [], report.summary()
    assert report.accuracy("unanswerable") >= 0.9, report.summary()
    if strict:
        assert report.wrongly_refused(_unnamed_reports(HOLDOUT / "sources.jsonl")) <= 0.05, report.summary()
    assert report.citation_validity() == 1.0


def _answers(stores, questions: list[dict]) -> list[str]:
    from retrieval.answer import answer_to_dict
    from retrieval.pipeline import QuestionAnswerer
    qa = QuestionAnswerer(stores)
    return [json.dumps(answer_to_dict(qa.ask(q["question"], bodies=q.get("bodies"), years=q.get("years"),
                                             history=q.get("history"))), ensure_ascii=False, sort_keys=True)
            for q in questions]


def test_migrated_to_postgresql_every_answer_is_the_same(corpus, settings_factory):
    """`reportqa migrate --to postgresql://…` copies the real corpus (vectors read, never embedded again),
    and the 298 questions get the same answers, byte for byte, from the copy."""
    import dataclasses
    import subprocess
    import sys
    from reportqa.stores import Stores
    from tests.conftest import cli_env, new_database
    stores, _results = corpus
    url = new_database("migrate")
    done = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(stores.settings.home), "migrate", "--to", url,
                           "--quiet"], cwd=CORPUS.parents[1], env=cli_env(stores.settings), capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "none embedded again" in done.stdout
    copy = Stores(dataclasses.replace(stores.settings, database_url=url))
    assert copy.facts.committed_versions() == stores.facts.committed_versions()
    assert copy.vectors.count() == len(stores.facts.chunks())
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedded, postgres = _answers(stores, questions), _answers(copy, questions)
    differ = [(q["question"], a, b) for q, a, b in zip(questions, embedded, postgres) if a != b]
    assert not differ, differ[:3]
    again = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(stores.settings.home), "migrate", "--to", url,
                            "--quiet"], cwd=CORPUS.parents[1], env=cli_env(stores.settings), capture_output=True,
                           text=True, timeout=900)
    assert again.returncode == 0 and "copied 0 reports" in again.stdout, again.stdout + again.stderr[-2000:]
