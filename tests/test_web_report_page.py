"""Issue 13 item 5 in a real headless Chromium: the 报告详情 tab (a page per report) and the table grids
of 年度对比. Its own server, seeded with the sample and the published huaian-2024.pdf; the two
洪泽区 PDFs and a hostile report are uploaded through the page, as a user would.

r1  metadata with how body and year were found (cue, confidence), the sections, each opening its text
r2  every table as the official grid: section 三's two-level header, 本年新收/总计 = 3119 (read by hand
    from the PDF), a click on a cell opens the row it was read from, the cell's characters marked
r3  findings in the template's words linked to the cells they name (洪泽区 2023: 行政复议 总计 0, parts 11)
r4  年度对比 of 洪泽区 2023↔2024 section 三: the grids of both years, changed cells highlighted (21 → 95)
r5  relabelling from the page changes the name in the 报告管理 list
r6  a hostile report's markup is shown as text, never run
r7  the page on a 390×844 phone
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web_real import HONGZE, upload  # noqa: E402
from tests.web_server import PHONE, REAL_REPORTS, SHOTS, _serve, browser_page  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.integration]

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)><script>window.__rq_xss = 1</script>"
GRID = "#rq-rp-content .rq-rp-table[data-table='{}']"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own (the uploads and relabels here leave web_server_real as its tests expect it)."""
    if not (REAL_REPORTS / "huaian-2024.pdf").exists():
        pytest.skip(f"needs the real report PDFs in {REAL_REPORTS}")
    seed = tmp_path_factory.mktemp("reportqa-report-page-seed")
    shutil.copy(ROOT / "data" / "suifenhe-2023.txt", seed)
    shutil.copy(REAL_REPORTS / "huaian-2024.pdf", seed)
    yield from _serve(tmp_path_factory.mktemp("reportqa-report-page-home"), seed)


@pytest.fixture(scope="module")
def page(server):
    with browser_page(server.url) as pg:
        yield pg


@pytest.fixture(scope="module")
def hongze(page):
    results = upload(page, [{"name": n, "mimeType": "application/pdf", "buffer": (REAL_REPORTS / n).read_bytes()}
                            for n in HONGZE])
    assert results.count("已入库") == 2, results
    ids = re.findall(r"\S*洪泽区\S*-20\d\d", page.locator("#rq-reports").inner_text())
    assert len(set(ids)) == 2, ids
    return sorted(set(ids))


def open_report(page, report_id: str):
    """The 报告详情 tab on one report, chosen from its list as a user would."""
    page.get_by_role("tab", name="报告详情").click()
    page.locator("#rq-rp-report input").click()
    page.get_by_role("option").filter(has_text=f"({report_id})").first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("([id]) => (document.querySelector('#rq-rp-meta')?.innerText || '').includes(id)",
                           arg=[report_id], timeout=60_000)
    page.wait_for_selector("#rq-rp-content .rq-rp-sections", timeout=60_000)
    page.wait_for_timeout(500)


def cell(page, table: str, row: str, column_index: int = -1):
    """The <td> of a grid's row whose label contains row (the last column, 总计, by default)."""
    tr = page.locator(f"{GRID.format(table)} tr").filter(has=page.locator("th.rq-rowlabel", has_text=row)).first
    return tr.locator("td").nth(column_index)


def test_r1_identification_and_sections(page):
    open_report(page, "淮安市人民政府-2024")
    meta = page.locator("#rq-rp-meta").inner_text()
    assert "淮安市人民政府" in meta and "2024" in meta and "huaian-2024.pdf" in meta and "PDF" in meta, meta
    assert meta.count("识别依据：标题行") == 2 and meta.count("可信度 1.00") == 2, meta  # body and year
    assert "待核实" not in meta and re.search(r"共 \d+ 页", meta), meta
    assert page.locator("#rq-rp-body textarea").input_value() == "淮安市人民政府"
    assert page.locator("#rq-rp-year textarea").input_value() == "2024"
    numbers = [n.get_attribute("data-number") for n in page.locator("#rq-rp-content .rq-rp-sec .rq-rp-num").all()]
    assert numbers == list("一二三四五六"), numbers
    sec = page.locator("#rq-rp-content .rq-rp-sec").filter(has_text="五、存在的主要问题").first
    assert re.search(r"第 \d+–\d+ 字 · \d+ 字", sec.locator("summary").inner_text())
    assert not sec.locator(".rq-context").is_visible()
    sec.locator("summary").click()
    assert sec.locator(".rq-context").is_visible() and len(sec.locator(".rq-context").inner_text()) > 20
    chunks = page.locator("#rq-rp-content details.rq-rp-chunks")
    assert re.search(r"检索用段落（\d+ 个", chunks.locator("summary").first.inner_text())
    assert not chunks.locator(".rq-rp-chunk").first.is_visible()  # collapsed
    page.locator("#rq-rp-meta").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13r-report-page-top.png"))


def test_r2_grid_cells_open_their_rows(page):
    grid = page.locator(GRID.format("applications"))
    head = grid.locator("tr").first
    assert [(g.inner_text().strip(), g.get_attribute("colspan")) for g in head.locator("th.rq-group").all()] == \
        [("法人或其他组织", "5")]
    assert [t.inner_text().strip() for t in head.locator("th.rq-leaf").all()] == ["自然人", "总计"]
    assert [t.inner_text().strip() for t in grid.locator("tr").nth(1).locator("th.rq-leaf").all()] == \
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert grid.locator("tr.rq-rowgroup th", has_text="（三）不予公开").count() == 1
    total = cell(page, "applications", "本年新收")
    assert total.inner_text().strip() == "3119"
    assert not grid.locator(".rq-src:visible").count()
    total.locator("a.rq-cellsrc").click()
    source = grid.locator(".rq-src:visible")
    assert source.count() == 1
    assert "本年新收" in source.inner_text() and re.search(r"原文第 \d+–\d+ 字 · 第\d+页", source.inner_text())
    assert source.locator("mark.rq-row").inner_text().startswith("一、本年新收政府信息公开申请数量")
    assert source.locator("mark.rq-picked").inner_text() == "3119"
    assert "rq-picked" in total.get_attribute("class")
    cell(page, "applications", "本年新收", 0).locator("a").click()  # another cell of the row: its own characters
    assert source.locator("mark.rq-picked").inner_text() == "3001"
    grids = page.locator("#rq-rp-content .rq-rp-table")
    assert grids.count() >= 3 and page.locator(GRID.format("review_litigation")).count() == 1
    total.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13r-report-page-grid.png"))


def test_r3_findings_linked_to_cells(page, hongze):
    report_2023 = next(i for i in hongze if i.endswith("2023"))
    open_report(page, report_2023)
    findings = page.locator("#rq-rp-content .rq-rp-findings .rq-finding")
    finding = findings.filter(has_text="第四部分「行政复议」：总计为 0").first
    assert "维持、纠正、其他、尚未审结之和为 11" in finding.inner_text()
    assert not re.search(r"review_litigation|applications\.", page.locator("#rq-rp-content").inner_text())
    link = finding.locator("a.rq-jump").filter(has_text="行政复议·总计").first
    target = link.get_attribute("href")[1:]
    flagged = page.locator(f"#{target}")
    assert flagged.inner_text().strip().startswith("0") and "rq-flag" in flagged.get_attribute("class")
    assert page.locator(f"{GRID.format('review_litigation')} td.rq-flag").count() >= 5
    link.click()
    page.wait_for_timeout(900)
    assert "rq-picked" in flagged.get_attribute("class")
    row = page.locator(f"{GRID.format('review_litigation')} .rq-src:visible")
    assert row.count() == 1 and row.locator("mark.rq-picked").inner_text() == "0"
    box = flagged.bounding_box()
    assert box and 0 <= box["y"] <= page.viewport_size["height"]  # scrolled to the cell
    page.screenshot(path=str(SHOTS / "13r-finding-to-cell.png"))
    flagged.locator("a.rq-flag-link").first.click()  # and back from the cell to its finding
    page.wait_for_timeout(900)
    fbox = finding.bounding_box()
    assert fbox and 0 <= fbox["y"] <= page.viewport_size["height"]


def test_r4_compare_table_sections_as_grids(page, hongze):
    page.get_by_role("tab", name="年度对比").click()
    page.locator("#rq-cmp-body input").click()
    page.get_by_role("option").filter(has_text="洪泽区").first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelector('#rq-cmp-new input')?.value === '2024'", timeout=30_000)
    assert page.locator("#rq-cmp-old input").input_value() == "2023"
    page.locator("#rq-cmp-section input").click()
    page.get_by_role("option", name="三、收到和处理政府信息公开申请情况").click()
    page.keyboard.press("Escape")
    page.click("#rq-cmp-run")
    page.wait_for_selector("#rq-compare .rq-cmp-grid", timeout=60_000)
    grid = page.locator("#rq-compare .rq-cmp-grid[data-table='applications']")
    assert grid.locator("th.rq-group", has_text="法人或其他组织").count() == 1
    tr = grid.locator("tr").filter(has=page.locator("th.rq-rowlabel", has_text="本年新收")).first
    total = tr.locator("td").last
    assert "rq-chg" in total.get_attribute("class")
    assert total.locator("del").inner_text() == "21" and total.locator("ins").inner_text() == "95"
    assert re.sub(r"\s", "", total.inner_text()) == "21→95"
    assert re.search(r"\d+ 格有变化", grid.inner_text())
    same = grid.locator("td:not(.rq-chg)").first  # unchanged cells show the one value
    assert same.locator("del").count() == 0
    assert not page.locator("#rq-compare details.rq-cmp-lines table").first.is_visible()  # the lines folded below
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13r-compare-grids.png"))
    page.screenshot(path=str(SHOTS / "13r-compare-grids-full.png"), full_page=True)


def test_r5_relabel_from_the_page(page):
    open_report(page, "绥芬河市-2023")
    page.fill("#rq-rp-body textarea", "绥芬河市人民政府")
    page.fill("#rq-rp-year textarea", "2023")
    page.click("#rq-rp-save")
    page.wait_for_selector("#rq-rp-saved", state="visible", timeout=30_000)
    assert "已将 绥芬河市-2023 改为：绥芬河市人民政府 2023年" in page.locator("#rq-rp-saved").inner_text()
    page.wait_for_function("() => (document.querySelector('#rq-rp-meta')?.innerText || '').includes('人工修改')",
                           timeout=30_000)
    assert "绥芬河市人民政府" in page.locator("#rq-rp-meta").inner_text()
    page.screenshot(path=str(SHOTS / "13r-relabelled.png"))
    page.get_by_role("tab", name="报告管理").click()
    page.wait_for_function("() => (document.querySelector('#rq-reports')?.innerText || '').includes('绥芬河市人民政府')",
                           timeout=30_000)
    # and 查看 in the list's form opens this page on the report chosen there
    page.locator("#rq-fix-id input").click()
    page.get_by_role("option", name="淮安市人民政府-2024").click()
    page.click("#rq-view")
    page.wait_for_function("() => (document.querySelector('#rq-rp-meta')?.innerText || '').includes('淮安市人民政府-2024')",
                           timeout=30_000)
    assert page.locator("#rq-rp-content .rq-rp-table").count() >= 3


def test_r6_hostile_report_is_inert(page):
    from tests.generator import generate_report
    good = generate_report(31, body="青松市", year=2022)
    text = good.text.replace("（五）监督保障", f"（五）监督保障{XSS}", 1)
    text = text.replace("二、主动公开政府信息情况", f"（六）其他{XSS}情况\n\n全年公开{XSS}信息。\n\n二、主动公开政府信息情况", 1)
    results = upload(page, [{"name": "青松市2022-hostile.txt", "mimeType": "text/plain",
                             "buffer": text.encode("utf-8")}])
    assert "已入库" in results, results
    report_id = re.search(r"青松市\S*-2022", page.locator("#rq-reports").inner_text()).group(0)
    open_report(page, report_id)
    content = page.locator("#rq-rp-content")
    for sec in content.locator(".rq-rp-sec").all():
        sec.locator("summary").click()
    content.locator("details.rq-rp-chunks > summary").click()
    assert XSS in content.text_content()
    assert content.locator("script, img").count() == 0
    assert page.locator("#rq-rp-meta img, #rq-rp-meta script").count() == 0
    assert page.evaluate("() => window.__rq_xss") is None and not page.dialogs
    hostile = content.locator(".rq-rp-sec").filter(has_text="<img src=x onerror=alert(1)>").last
    assert "<script>alert(1)</script>" in hostile.inner_text()
    hostile.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13r-hostile-inert.png"))


def test_r7_phone(page, server):
    context = page.context.browser.new_context(locale="zh-CN", **PHONE)  # the same Chromium, a phone's screen
    phone = context.new_page()
    dialogs = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        phone.goto(server.url, timeout=120_000)
        phone.wait_for_selector("#rq-question textarea", timeout=120_000)
        open_report(phone, "淮安市人民政府-2024")
        width = phone.viewport_size["width"]
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        total = cell(phone, "applications", "本年新收")
        total.locator("a.rq-cellsrc").click()
        source = phone.locator(f"{GRID.format('applications')} .rq-src:visible")
        assert source.locator("mark.rq-picked").inner_text() == "3119"
        phone.wait_for_timeout(300)
        phone.screenshot(path=str(SHOTS / "13r-phone-report-page.png"))
        box = source.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box  # readable without scrolling sideways
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        assert not dialogs
    finally:
        context.close()
