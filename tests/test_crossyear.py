"""Reports of one body across years, cross-year rules, year-over-year figures, rankings and totals.

Real model and stores (settings_factory); generated reports carry their truth, and the real
Hongze pair is checked against figures read off the PDFs by hand.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from app.text import audit_lines
from ingest.metadata import split_body
from ingest.pipeline import ingest_paths
from reportqa.stores import Stores
from reportqa.types import StoredReport
from retrieval.crossyear import across_reports, crossyear_findings, previous_report, year_over_year
from retrieval.lexicon import match_cells
from retrieval.pipeline import QuestionAnswerer
from retrieval.groups import body_groups, body_links
from tests.generator import generate_report, generate_year_pair

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-reports"
A = "applications"
COLS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织")


def _stored(body: str, year: int) -> StoredReport:
    place, body_type = split_body(body)
    return StoredReport(f"{body}-{year}", "v", body, year, None, None, "2021", "", "txt", 0, 0, 0, place, body_type)


def test_body_linking_rules():
    reports = [_stored(b, y) for b, y in [
        ("绥芬河市", 2022), ("绥芬河市人民政府", 2023), ("绥芬河市政府办公室", 2023), ("绥芬河市政府", 2024),
        ("洪泽区人民政府", 2023), ("淮安市洪泽区人民政府", 2024), ("淮安市人民政府", 2024),
        ("北京市朝阳区人民政府", 2023), ("长春市朝阳区人民政府", 2024),
        ("绥芬河市自然资源局", 2022), ("绥芬河市自然资源局", 2023)]]
    groups = {tuple(r.report_id for r in g) for g in body_groups(reports)}
    assert ("绥芬河市-2022", "绥芬河市人民政府-2023", "绥芬河市政府-2024") in groups
    assert ("绥芬河市政府办公室-2023",) in groups
    assert ("洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024") in groups
    assert ("淮安市人民政府-2024",) in groups
    assert ("北京市朝阳区人民政府-2023",) in groups and ("长春市朝阳区人民政府-2024",) in groups
    assert ("绥芬河市自然资源局-2022", "绥芬河市自然资源局-2023") in groups
    links = body_links(reports)
    assert "绥芬河市政府办公室-2023" not in links
    assert links["洪泽区人民政府-2023"] == ["淮安市洪泽区人民政府-2024"]
    by_id = {r.report_id: r for r in reports}
    assert previous_report(reports, by_id["绥芬河市政府-2024"]).report_id == "绥芬河市人民政府-2023"
    assert previous_report(reports, by_id["绥芬河市-2022"]) is None


def _tab_pair(body: str):
    for seed in range(200):
        prev, cur, truth = generate_year_pair(seed, body)
        if prev.layout == "tab":
            return prev, cur, truth
    raise AssertionError("no tab-layout pair")


def _bump_row(text: str, label: str, bump: dict[int, int]) -> str:
    """Add bump[i] to the i-th number of the tab row whose first non-empty cell is label."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        cells = line.split("\t")
        if next((c for c in cells if c.strip()), None) != label:
            continue
        numeric = [j for j, c in enumerate(cells) if c.strip().lstrip("-").isdigit()]
        for k, delta in bump.items():
            j = numeric[k]
            cells[j] = str(int(cells[j]) + delta)
        lines[i] = "\t".join(cells)
        return "\n".join(lines)
    raise AssertionError(f"row {label} not found")


@pytest.fixture(scope="module")
def collection_home(settings_factory, tmp_path_factory):
    """A generated year pair of 青山市 plus single reports of other bodies (districts, a county, a department)."""
    prev, cur, truth = generate_year_pair(11, "青山市")
    others = [generate_report(501, body="白河区人民政府", year=truth.year, layout="pipe"),
              generate_report(502, body="临江县人民政府", year=truth.year, layout="tab"),
              generate_report(503, body="青山市教育局", year=truth.year, layout="cell_per_line"),
              generate_report(504, body="松平区人民政府", year=truth.prev_year, layout="tab")]
    folder = tmp_path_factory.mktemp("crossyear-files")
    for g in [prev, cur, *others]:
        g.write(folder)
    stores = Stores(settings_factory("crossyear"))
    results = ingest_paths(stores, [folder], progress=False)
    assert all(r.status == "ingested" for r in results), results
    return stores, prev, cur, truth, others


def test_consistent_pair_has_no_crossyear_findings(collection_home):
    stores, _prev, _cur, truth, _others = collection_home
    assert crossyear_findings(stores.facts) == []
    assert stores.facts.get_report(f"青山市-{truth.year}") is not None
    assert body_links(stores.facts.list_reports())[f"青山市-{truth.year}"] == [f"青山市-{truth.prev_year}"]


def _pct(new: Decimal, old: Decimal) -> Decimal:
    return ((new - old) * 100 / old).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("question,cell", [
    ("青山市和上年相比，依申请公开申请数量变化了多少？", (A, "本年新收", "总计")),
    ("青山市行政处罚决定数量增长了百分之几？", ("20.6", "行政处罚", "本年处理决定数量")),
    ("青山市行政许可比去年增加了多少？", ("20.5", "行政许可", "本年处理决定数量")),
    ("青山市予以公开的申请同比变化了多少？", (A, "予以公开", "总计")),
])
def test_year_over_year_exact(collection_home, question, cell):
    stores, prev, cur, truth, _others = collection_home
    old, new = prev.cells[cell], cur.cells[cell]
    answer = QuestionAnswerer(stores).ask(question)
    assert answer.route == "table", answer.answer
    assert set(answer.reports) == {f"青山市-{truth.year}", f"青山市-{truth.prev_year}"}
    if "百分" in question:
        expected = _pct(new, old) if old else None
        assert answer.value == (None if expected is None else float(expected))
        if expected is not None:
            assert f"{abs(expected)}%" in answer.answer.replace(".00%", "%") or f"{abs(expected)}%" in answer.answer
    else:
        assert Decimal(str(answer.value)) == new - old
    # both cells cited, each quote holding its value; the arithmetic shown
    cited = {(c.year, c.cell.row_key, c.cell.column_key) for c in answer.citations}
    assert {(truth.year, cell[1], cell[2]), (truth.prev_year, cell[1], cell[2])} <= cited
    for c in answer.citations:
        assert stores.facts.report_text(c.report_id)[c.start:c.end] == c.quote
    assert f"{new} − {old}" in answer.answer


def test_year_over_year_group_figure(collection_home):
    stores, prev, cur, truth, _others = collection_home
    (query,) = match_cells("不予公开")
    reports = {r.report_id: r for r in stores.facts.list_reports()}
    yoy = year_over_year(stores.facts, reports[f"青山市-{truth.prev_year}"], reports[f"青山市-{truth.year}"], query)
    total = lambda g: sum((g.cells[(A, r, "总计")] or Decimal(0)) for r in query.rows)  # noqa: E731
    assert yoy.old.value == total(prev) and yoy.new.value == total(cur)
    assert yoy.delta == total(cur) - total(prev)


def test_rankings_and_totals_exact(collection_home):
    stores, prev, cur, truth, others = collection_home
    qa = QuestionAnswerer(stores)
    everyone = {f"{g.body}-{g.year}": g for g in [prev, cur, *others]}

    # who received the most applications in the pair's year
    in_year = {rid: g for rid, g in everyone.items() if g.year == truth.year}
    answer = qa.ask(f"{truth.year}年哪个部门收到的政府信息公开申请最多？")
    assert answer.route == "table", answer.answer
    expected = sorted(in_year, key=lambda rid: -in_year[rid].cells[(A, "本年新收", "总计")])
    assert answer.reports == expected
    top = in_year[expected[0]].cells[(A, "本年新收", "总计")]
    assert Decimal(str(answer.value)) == top
    assert f"共检索 {len(in_year)} 份报告" in answer.answer
    assert len(answer.citations) == len(in_year)
    for c in answer.citations:
        assert c.cell.row_key == "本年新收" and c.cell.column_key == "总计"
        value = everyone[c.report_id].cells[(A, "本年新收", "总计")]
        assert str(value) in c.quote

    # total over every report
    answer = qa.ask("所有报告合计予以公开多少件？")
    assert answer.route == "table"
    assert Decimal(str(answer.value)) == sum(g.cells[(A, "予以公开", "总计")] for g in everyone.values())
    assert f"共检索 {len(everyone)} 份报告" in answer.answer and len(answer.citations) == len(everyone)

    # districts and counties only (区/县), ranked
    answer = qa.ask("各区县行政复议总数排名")
    local = {rid: g for rid, g in everyone.items() if g.place.endswith(("区", "县"))}
    assert set(answer.reports) == set(local)
    values = [local[rid].cells[("review_litigation", "复议诉讼", "行政复议.总计")] for rid in answer.reports]
    assert values == sorted(values, reverse=True)
    assert "各区县" in answer.answer

    # SQL helper: the same figures, and reports without such a table are listed as missing
    across = across_reports(stores.facts, stores.facts.list_reports(), match_cells("行政处罚")[0])
    assert {r.report.report_id: r.value for r in across.rows} == {
        rid: g.cells[("20.6", "行政处罚", "本年处理决定数量")] for rid, g in everyone.items()}
    assert across.missing == []


def test_prior_year_wording(collection_home):
    stores, prev, _cur, truth, _others = collection_home
    qa = QuestionAnswerer(stores)
    answer = qa.ask("去年的报告里存在的主要问题是怎么写的？", history=[f"青山市{truth.year}年收到多少政府信息公开申请？"])
    assert answer.route == "text"
    assert answer.reports == [f"青山市-{truth.prev_year}"]
    (cite,) = answer.citations
    assert cite.year == truth.prev_year and cite.section.startswith("五、")
    problem = next(v for k, v in prev.sentences.items() if k.startswith("problem."))
    assert problem in cite.quote
    assert "reportqa compare 青山市 --section 五" in answer.answer
    # no previous report stored: said plainly
    answer = qa.ask("白河区去年的报告里存在的主要问题是怎么写的？")
    assert answer.route == "none" and "没有" in answer.answer


@pytest.fixture(scope="module")
def broken_pair(settings_factory, tmp_path_factory):
    """A pair whose second year breaks both cross-year rules: 上年结转 and 现行有效 edited."""
    prev, cur, truth = _tab_pair("青云县")
    text = _bump_row(cur.text, cur.labels[(A, "上年结转")], {0: 5, -1: 5})  # 自然人 and 总计 +5
    text = _bump_row(text, cur.labels[("20.1", "规范性文件")], {-1: 1})  # 现行有效 +1
    folder = tmp_path_factory.mktemp("broken-files")
    prev.write(folder)
    (folder / cur.suggested_filename()).write_text(text, encoding="utf-8")
    stores = Stores(settings_factory("broken"))
    assert all(r.status == "ingested" for r in ingest_paths(stores, [folder], progress=False))
    return stores, prev, cur, truth


def test_planted_crossyear_breaks_found(broken_pair):
    stores, prev, cur, truth = broken_pair
    cur_id = f"青云县-{truth.year}"
    findings = crossyear_findings(stores.facts)
    assert {f.report_id for f in findings} == {cur_id}
    carry = {f.cells[0][2]: f for f in findings if f.rule == "crossyear.carryover"}
    assert set(carry) == {"自然人", "总计"}
    assert carry["自然人"].expected == str(truth.carried["自然人"])
    assert carry["自然人"].found == str(truth.carried["自然人"] + 5)
    assert carry["总计"].expected == str(sum(truth.carried.values()))
    text = stores.facts.report_text(cur_id)
    start, end = carry["自然人"].spans[0]
    assert text[start:end] == str(truth.carried["自然人"] + 5)
    (in_force,) = [f for f in findings if f.rule == "crossyear.in_force"]
    made = cur.cells[("20.1", "规范性文件", "本年制发件数")]
    gone = cur.cells[("20.1", "规范性文件", "本年废止件数")]
    assert in_force.expected == str(truth.in_force["规范性文件"] + made - gone)
    assert in_force.found == str(cur.cells[("20.1", "规范性文件", "现行有效件数")] + 1)
    lines = audit_lines(stores, cur_id)
    assert any("[crossyear.carryover]" in line for line in lines)
    assert any("[crossyear.in_force]" in line for line in lines)
    assert any(line.startswith("  [crossyear.reused") for line in lines)  # sentences copied from last year
    assert not any("crossyear.carryover" in line for line in audit_lines(stores, f"青云县-{truth.prev_year}"))


# --------------------------------------------------------------------------- the real pair


@pytest.fixture(scope="module")
def hongze(settings_factory):
    if not (REAL / "hongze-2023.pdf").exists() or not (REAL / "hongze-2024.pdf").exists():
        pytest.skip("real reports not present")
    stores = Stores(settings_factory("hongze-crossyear"))
    results = ingest_paths(stores, [REAL / "hongze-2023.pdf", REAL / "hongze-2024.pdf"], progress=False)
    assert all(r.status == "ingested" for r in results), results
    return stores


def test_hongze_linked_and_year_over_year(hongze):
    stores = hongze
    reports = stores.facts.list_reports()
    # title lines: 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024): one body, whose full name
    # the 2023 text supports too (it writes 淮安市洪泽区)
    assert {r.body for r in reports} == {"淮安市洪泽区人民政府"}
    assert body_links(reports) == {"淮安市洪泽区人民政府-2023": ["淮安市洪泽区人民政府-2024"],
                                   "淮安市洪泽区人民政府-2024": ["淮安市洪泽区人民政府-2023"]}
    # cross-year rules hold in the source: 结转 0 → 上年结转 0; 现行有效 5 + 制发 3 − 废止 0 = 8
    assert crossyear_findings(stores.facts) == []
    qa = QuestionAnswerer(stores)
    # figures read off the two PDFs by hand
    for question, old, new, pct in [
        ("洪泽区和上年相比，依申请公开申请数量变化了多少？", 21, 95, "352.38"),
        ("洪泽区行政处罚决定数量增长了百分之几？", 4119, 2776, "32.61"),
        ("洪泽区行政许可比上年增加了多少？", 550, 9487, "1624.91"),
    ]:
        answer = qa.ask(question)
        assert answer.route == "table", answer.answer
        assert f"2024年 {new}件" in answer.answer and f"2023年 {old}件" in answer.answer
        assert f"{new} − {old} = {'+' if new > old else ''}{new - old}件" in answer.answer
        assert f"{pct}%" in answer.answer
        assert {c.year for c in answer.citations} == {2023, 2024}
        for c in answer.citations:
            assert str(new if c.year == 2024 else old) in c.quote
    answer = qa.ask("洪泽区行政处罚决定数量增长了百分之几？")
    assert answer.value == -32.61 and answer.unit == "%"
    answer = qa.ask("去年的报告里存在的主要问题是怎么写的？", history=["洪泽区2024年行政处罚多少件？"])
    assert answer.reports == ["淮安市洪泽区人民政府-2023"]
    assert "如依申请公开工作规范性还有待提高" in answer.citations[0].quote
    assert "reportqa compare 淮安市洪泽区人民政府 --section 五" in answer.answer


def test_a_ranking_names_each_body_once(collection_home):
    """No year asked: each body once, by its latest report; years are not mixed (issue 13, item 3)."""
    stores, prev, cur, truth, others = collection_home
    answer = QuestionAnswerer(stores).ask("哪个部门收到的政府信息公开申请最多？")
    assert answer.route == "table", answer.answer
    bodies = [stores.facts.get_report(rid).body for rid in answer.reports]
    assert len(bodies) == len(set(bodies)), bodies
    assert f"青山市-{truth.year}" in answer.reports and f"青山市-{truth.prev_year}" not in answer.reports
    latest = {f"{g.body}-{g.year}": g for g in [cur, *others]}
    expected = sorted(latest, key=lambda rid: -latest[rid].cells[(A, "本年新收", "总计")])
    assert answer.reports == expected
    assert "各机关最新一年" in answer.answer
