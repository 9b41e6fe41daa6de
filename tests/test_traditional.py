"""A traditional-character copy of the sample (OpenCC s2t): ingested as written, its tables,
sections and body found through a simplified matching form, and simplified questions answered
from it with traditional quotes cited verbatim."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths, parse_report
from tests.conftest import SAMPLE

opencc = pytest.importorskip("opencc")


@pytest.fixture(scope="module")
def traditional_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("traditional")
    text = opencc.OpenCC("s2t").convert(SAMPLE.read_text(encoding="utf-8"))
    assert "綏芬河市" in text and "行政許可" in text  # really converted
    path = folder / "綏芬河市2023年政府信息公開工作年度報告.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _cells(report):
    return {(f.table, f.row_key, f.column_key): f.value for f in report.facts if f.kind == "table"}


def test_parsed_like_the_simplified_original(traditional_file):
    simplified, traditional = parse_report(SAMPLE), parse_report(traditional_file)
    assert traditional.text == traditional_file.read_text(encoding="utf-8")  # ingested as written
    assert _cells(traditional) == _cells(simplified) and len(_cells(traditional)) == 202
    for f in (f for f in traditional.facts if f.kind == "table"):  # offsets point into the traditional text
        assert traditional.text[f.value_start:f.value_end] == f.raw
    headings = [s.heading for s in traditional.sections if s.level == 1 and s.number]
    assert headings[0] == "一、總體情況" and [s.number for s in traditional.sections if s.level == 1 and s.number] == list("一二三四五六")
    m = traditional.meta
    # the body is stored in simplified characters, as simplified questions and the body filter name it
    assert (m.body, m.year, m.published, m.format_version, m.place) == ("绥芬河市", 2023, "2024-01-22", "2021", "绥芬河市")
    assert traditional.findings == simplified.findings == []
    narrative = {(f.value, f.unit) for f in traditional.facts if f.kind == "narrative"}
    assert narrative == {(f.value, f.unit) for f in simplified.facts if f.kind == "narrative"}


@pytest.mark.integration
def test_simplified_questions_find_the_traditional_copy(traditional_file, settings_factory):
    from reportqa.stores import Stores
    from retrieval.pipeline import QuestionAnswerer

    stores = Stores(settings_factory("traditional"))
    results = ingest_paths(stores, [traditional_file], progress=False)
    assert [r.status for r in results] == ["ingested"], results
    text = stores.facts.report_text(results[0].report_id)
    qa = QuestionAnswerer(stores)

    for question, value, quoted in [("绥芬河市全年作出的行政许可决定有多少件？", 54184, "行政許可"),
                                    ("绥芬河市作出了多少件行政处罚决定？", 367, "行政處罰"),
                                    ("绥芬河市2023年新收政府信息公开申请多少件？", 30, "本年新收"),
                                    ("绥芬河市不予公开的申请共有多少件？", 7, "禁止公開")]:
        answer = qa.ask(question)
        assert answer.route == "table" and answer.value == value, (question, answer.answer)
        assert answer.citations and all(c.quote == text[c.start:c.end] for c in answer.citations)
        assert any(quoted in c.quote for c in answer.citations), [c.quote for c in answer.citations]

    answer = qa.ask("绥芬河市政府网站信息发布审核制度是怎么执行的？")
    assert answer.route == "text", answer.answer
    assert answer.citations and all(c.quote == text[c.start:c.end] for c in answer.citations)
    assert any("審" in c.quote for c in answer.citations)  # the traditional sentence, verbatim
