"""Side-by-side comparison of a body's reports of two years (retrieval/compare.py, `reportqa compare`).

Generated pairs carry their truth (PairTruth: reused / changed / added / removed sentences), so
compare must find exactly those edits; the real Hongze pair (2023, 2024) is checked by hand.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from ingest.sections import find_sections
from app.cli import main as cli
from retrieval.compare import CHANGED_MIN, compare_reports, compare_texts, section_number, sentence_similarity
from tests.generator import generate_year_pair

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-reports"
NARRATIVE = ("一", "五", "六")
_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)、.．]")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _expected(truth):
    """The planted edits as compare should report them. A sentence the generator rewrote so much
    that it is no longer the same sentence (e.g. "本年度未收到政府信息公开申请。" replacing the
    application summary) is, for compare, one removed and one added sentence."""
    changed, added, removed = [], list(truth.added), list(truth.removed)
    for a, b in truth.changed:
        if sentence_similarity(a, b) >= CHANGED_MIN:
            changed.append((a, b))
        else:
            removed.append(a)
            added.append(b)
    return Counter(changed), Counter(added), Counter(removed)


def _found(sections):
    narrative = [p for s in sections if s.section in NARRATIVE for p in s.pairs]
    changed = Counter((p.old.text, p.new.text) for p in narrative if p.status == "changed")
    added = Counter(p.new.text for p in narrative if p.status == "added")
    removed = Counter(p.old.text for p in narrative if p.status == "removed")
    same = Counter(p.new.text for p in narrative if p.status == "same" and not _HEADING.match(p.new.text))
    reused = Counter(p.new.text for p in narrative if p.reused)
    return changed, added, removed, same, reused


@pytest.mark.parametrize("seed,body", [(s, b) for s in range(10) for b in ("青山市", "白河区人民政府", "江宁县自然资源局")])
def test_generated_pair_edits_found_exactly(seed, body):
    prev, cur, truth = generate_year_pair(seed, body)
    sections = compare_texts(prev.text, find_sections("old", prev.text), cur.text, find_sections("new", cur.text))
    assert [s.section for s in sections] == list("一二三四五六")
    changed, added, removed, same, reused = _found(sections)
    exp_changed, exp_added, exp_removed = _expected(truth)
    assert changed == exp_changed
    assert added == exp_added
    assert removed == exp_removed
    # every sentence copied unchanged is "same", and nothing else is; the longer ones are flagged reused
    assert same == Counter(truth.reused)
    assert reused == Counter(s for s in truth.reused if len(_norm(s)) >= 12)
    for sec in sections:
        for p in sec.pairs:  # offsets are the contract
            if p.old:
                assert prev.text[p.old.start:p.old.end] == p.old.text
            if p.new:
                assert cur.text[p.new.start:p.new.end] == p.new.text
        assert 0.0 <= sec.similarity <= 1.0


def test_word_level_edits_of_a_changed_sentence():
    prev, cur, truth = generate_year_pair(3, "青山市")
    sections = compare_texts(prev.text, find_sections("old", prev.text), cur.text, find_sections("new", cur.text))
    pairs = [p for s in sections for p in s.pairs if p.status == "changed" and s.section in NARRATIVE]
    assert pairs
    for p in pairs:
        edits = [e for e in p.edits if e.op != "equal"]
        assert edits
        # applying the word edits to last year's sentence gives this year's, exactly
        rebuilt, cursor = "", p.old.start
        for e in p.edits:
            if e.old:
                rebuilt += prev.text[cursor:e.old[0]]
                cursor = e.old[1]
            if e.op == "equal":
                rebuilt += prev.text[e.old[0]:e.old[1]]
            elif e.new:
                rebuilt += cur.text[e.new[0]:e.new[1]]
        rebuilt += prev.text[cursor:p.old.end]
        assert _norm(rebuilt) == _norm(p.new.text)


def test_whole_reused_section_is_flagged():
    prev, cur, _truth = generate_year_pair(1, "青山市")
    old_secs = find_sections("old", prev.text)
    sections = compare_texts(prev.text, old_secs, prev.text, old_secs, ["五"])
    assert len(sections) == 1 and sections[0].reused_section and sections[0].similarity == 1.0
    sections = compare_texts(prev.text, old_secs, cur.text, find_sections("new", cur.text), ["五"])
    assert sections[0].section == "五"


def test_section_names():
    assert section_number("五") == "五"
    assert section_number("5") == "五"
    assert section_number("存在的主要问题") == "五"
    assert section_number("其他需要报告的事项") == "六"
    assert section_number("什么") is None


@pytest.fixture(scope="module")
def generated_pair_home(settings_factory, tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    prev, cur, truth = generate_year_pair(4, "青山市")
    folder = tmp_path_factory.mktemp("pair-files")
    prev.write(folder)
    cur.write(folder)
    settings = settings_factory("compare-pair")
    stores = Stores(settings)
    results = ingest_paths(stores, [folder], progress=False)
    assert all(r.status == "ingested" for r in results), results
    return settings.home, stores, prev, cur, truth


def test_cli_compare_json_shape(generated_pair_home, capsys):
    home, stores, prev, cur, truth = generated_pair_home
    assert cli(["--home", str(home), "compare", "青山市", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["section"] for d in data] == list("一二三四五六")
    texts = {r.year: stores.facts.report_text(r.report_id) for r in stores.facts.list_reports()}
    for d in data:
        assert set(d) >= {"section", "similarity", "pairs"}
        assert d["old_year"] == truth.prev_year and d["new_year"] == truth.year
        for p in d["pairs"]:
            assert p["status"] in ("same", "changed", "added", "removed")
            assert (p["old"] is None) == (p["status"] == "added") and (p["new"] is None) == (p["status"] == "removed")
            if p["old"]:
                assert texts[truth.prev_year][p["old"]["start"]:p["old"]["end"]] == p["old"]["text"]
            if p["new"]:
                assert texts[truth.year][p["new"]["start"]:p["new"]["end"]] == p["new"]["text"]
    # the stored reports compare exactly like the generated texts
    changed, added, removed, same, _reused = _found(compare_reports(
        stores.facts, f"青山市-{truth.prev_year}", f"青山市-{truth.year}").sections)
    assert (changed, added, removed) == _expected(truth) and same == Counter(truth.reused)

    assert cli(["--home", str(home), "compare", "青山市", "--section", "五"]) == 0
    out = capsys.readouterr().out
    assert "五、" in out and "similarity" in out and "二、" not in out
    assert cli(["--home", str(home), "compare", "青山市", "--years", "1999", "2000"]) == 2
    assert cli(["--home", str(home), "compare", "没有这个市"]) == 2


# --------------------------------------------------------------------------- the real pair


@pytest.fixture(scope="module")
def hongze(settings_factory):
    if not (REAL / "hongze-2023.pdf").exists() or not (REAL / "hongze-2024.pdf").exists():
        pytest.skip("real reports not present")
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    settings = settings_factory("hongze")
    stores = Stores(settings)
    results = ingest_paths(stores, [REAL / "hongze-2023.pdf", REAL / "hongze-2024.pdf"], progress=False)
    assert all(r.status == "ingested" for r in results), results
    return settings.home, stores


def test_hongze_compared_section_by_section(hongze, capsys):
    home, stores = hongze
    cmp = compare_reports(stores.facts, "淮安市洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024")
    by = {s.section: s for s in cmp.sections}
    assert list(by) == list("一二三四五六")
    assert by["五"].heading_old == by["五"].heading_new == "五、存在的主要问题及改进情况"

    def pairs(number, status):
        return [p for p in by[number].pairs if p.status == status]

    # 六: one sentence, only the year changed (2023 → 2024)
    (six,) = by["六"].pairs
    assert six.status == "changed"
    assert [(stores.facts.report_text("淮安市洪泽区人民政府-2023")[e.old[0]:e.old[1]],
             stores.facts.report_text("淮安市洪泽区人民政府-2024")[e.new[0]:e.new[1]])
            for e in six.edits if e.op != "equal"] == [("2023", "2024")]
    # 一: the opening sentence of （一） is copied word for word
    assert any(p.reused and p.new.text == "主要通过政府门户网站主动公开政府文件、项目审批、通知公告等各类政府信息。"
               for p in by["一"].pairs)
    # 五: the second measure was replaced, the first kept inside an edited sentence
    assert "二是围绕区委区政府中心工作，进一步梳理明确政务公开的重点领域，继续优化政务公开、政策解读、关切回应等工作。" in \
        [p.old.text for p in pairs("五", "removed")]
    assert "二是加强对典型案例的研究、梳理和汇总。" in [p.new.text for p in pairs("五", "added")]
    assert any("一是扎实推进依申请公开工作" in p.new.text for p in pairs("五", "changed"))
    assert not by["五"].reused_section and by["五"].similarity < 0.6
    # 二 (tables): 行政许可 550 → 9487, 行政处罚 4119 → 2776, one line each
    rows = {p.new.text.split("\t")[0]: (p.old.text, p.new.text) for p in pairs("二", "changed")}
    assert rows["行政许可"] == ("行政许可\t550", "行政许可\t9487")
    assert rows["行政处罚"] == ("行政处罚\t4119", "行政处罚\t2776")
    assert by["六"].similarity > 0.9

    assert cli(["--home", str(home), "compare", "洪泽区", "--section", "五"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("淮安市洪泽区人民政府-2023 (2023) → 淮安市洪泽区人民政府-2024 (2024)")
    assert "- 二是围绕区委区政府中心工作" in out and "+ 二是加强对典型案例的研究、梳理和汇总。" in out


# --------------------------------------------------------------------------- asked in the chat


def test_what_differs_is_answered_by_the_comparison(hongze):
    """洪泽区2023年和2024年存在的主要问题有什么不同？ gets the section compared, both years cited,
    not quotes that leave the reader to compare (issue 13, item 5). Ground truth: the two PDFs, read."""
    from retrieval.pipeline import QuestionAnswerer

    _home, stores = hongze
    answer = QuestionAnswerer(stores).ask("洪泽区2023年和2024年存在的主要问题有什么不同？")
    assert answer.route == "text"
    assert "逐句对照" in answer.answer and "存在的主要问题" in answer.answer
    cited = {c.report_id for c in answer.citations}
    assert cited == {"淮安市洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024"}
    for c in answer.citations:  # verbatim, located
        assert stores.facts.report_text(c.report_id)[c.start:c.end] == c.quote
    new_quotes = " ".join(c.quote for c in answer.citations if c.year == 2024)
    old_quotes = " ".join(c.quote for c in answer.citations if c.year == 2023)
    assert "研判能力不足" in new_quotes  # a problem only 2024 states
    assert "政务公开队伍建设有待加强" in old_quotes  # a problem only 2023 states
    cmp = compare_reports(stores.facts, "淮安市洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024", ["五"])
    counts = cmp.sections[0].counts
    assert f"新增 {counts['added']} 句，删去 {counts['removed']} 句" in answer.answer


def test_a_number_that_changed_stays_a_number(hongze):
    from retrieval.pipeline import QuestionAnswerer

    _home, stores = hongze
    answer = QuestionAnswerer(stores).ask("洪泽区2023年和2024年收到的申请数量有什么不同？")
    assert answer.route == "table" and answer.value == 95 - 21


def test_asked_for_problems_the_quotes_state_problems(hongze):
    """存在的主要问题是什么？: no quote that merely shares the words (a measure the report will take)."""
    from retrieval.compose import states_shortcoming
    from retrieval.pipeline import QuestionAnswerer

    _home, stores = hongze
    answer = QuestionAnswerer(stores).ask("洪泽区存在的主要问题是什么？")
    assert answer.route == "text" and answer.citations
    assert all(states_shortcoming(c.quote) for c in answer.citations), [c.quote for c in answer.citations]
    assert any("有待" in c.quote for c in answer.citations if c.year == 2023)


def test_a_disputed_cell_is_answered_with_its_warning(hongze):
    """洪泽区2023年行政复议总计 is 0 in the table while its parts (维持 10, 纠正 1) add up to 11, as the
    PDF shows: the answer gives the cell and says beside it that the table's rule fails (issue 13, item 2)."""
    from app.render import chat_markdown
    from retrieval.pipeline import QuestionAnswerer

    _home, stores = hongze
    answer = QuestionAnswerer(stores).ask("洪泽区2023年行政复议总计多少件？")
    assert answer.route == "table" and answer.value == 0
    assert any("未通过该表的一致性检查" in n and "11" in n for n in answer.notes), answer.notes
    assert "⚠" in chat_markdown(answer, 1) and "未通过该表的一致性检查" in chat_markdown(answer, 1)
