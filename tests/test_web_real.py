"""Issue 13 with real published reports, in a real headless Chromium: the server starts with the
sample and huaian-2024.pdf; the two 洪泽区 PDFs are uploaded through the page as a user would.

A  table cells stay apart in quotes (178 | 37, never 17837), the quote text verbatim
B  the 已入库 line, 入库 without a file, upload errors in Chinese, delete with a confirmation
C  the audit names sections as the template does and quotes each affected row once
D  the section-四 grid has the official two-level header
E  对比上一年 compares the cited report with its body's previous year, or says there is none
I  one body under two names is one choice of the body filter
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web import ANSWER_TIMEOUT, ask, new_conversation  # noqa: E402
from tests.web_server import REAL_REPORTS, SHOTS, browser_page, web_server_real  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]

HONGZE = ["hongze-2023.pdf", "hongze-2024.pdf"]


@pytest.fixture(scope="module")
def page(web_server_real):  # noqa: F811
    with browser_page(web_server_real.url) as pg:
        yield pg


def upload(page, files: list[dict]) -> str:
    """Files uploaded and ingested in the 报告管理 tab; the results table's text."""
    page.get_by_role("tab", name="报告管理").click()
    page.locator("#rq-upload input[type=file]").set_input_files(files)
    page.wait_for_timeout(1500)
    page.click("#rq-ingest")
    names = [re.sub(r"\.\w+$", "", f["name"]) for f in files]
    page.wait_for_function("([names]) => names.every(n => (document.querySelector('#rq-results')?.innerText || '')"
                           ".includes(n))", arg=[names], timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(1500)  # the refresh of every list of reports after it
    return page.locator("#rq-results").inner_text()


@pytest.fixture(scope="module")
def hongze(page):
    """Both 洪泽区 reports uploaded through the page; the 2023 one under the short name its title
    line gives (洪泽区人民政府), as a user saw it, the 2024 one under the full name."""
    before = page.locator("#rq-loaded").inner_text()
    assert "已入库 2 份报告" in before, before
    results = upload(page, [{"name": n, "mimeType": "application/pdf", "buffer": (REAL_REPORTS / n).read_bytes()}
                            for n in HONGZE])
    assert results.count("已入库") == 2, results
    page.wait_for_function("() => (document.querySelector('#rq-loaded')?.innerText || '').includes('已入库 4 份报告')",
                           timeout=30_000)
    listing = page.locator("#rq-reports").inner_text()
    ids = re.findall(r"\S*洪泽区\S*-2023", listing)
    assert ids, listing
    if "\n洪泽区人民政府\n" not in listing:  # identified under the full name: give it the title line's short name
        page.locator("#rq-fix-id input").click()
        page.get_by_role("option", name=ids[0]).click()
        page.fill("#rq-fix-body textarea", "洪泽区人民政府")
        page.fill("#rq-fix-year textarea", "2023")
        page.click("#rq-fix")
        page.wait_for_function("() => /\\n洪泽区人民政府\\n/.test(document.querySelector('#rq-reports')?.innerText || '')",
                               timeout=30_000)
    page.get_by_role("tab", name="问答").click()
    return ids[0]


def test_i_one_body_two_names_is_one_filter_choice(page, hongze):
    new_conversation(page)
    page.locator("#rq-bodies input").click()
    options = page.get_by_role("option").all_inner_texts()
    hz = [o for o in options if "洪泽区" in o]
    assert len(hz) == 1 and "淮安市洪泽区人民政府" in hz[0] and "洪泽区人民政府" in hz[0].replace("淮安市洪泽区", ""), options
    page.get_by_role("option", name=hz[0]).click()
    page.keyboard.press("Escape")
    page.screenshot(path=str(SHOTS / "13i-one-body-filter.png"), full_page=True)
    answer = ask(page, "2023年收到政府信息公开申请多少件？")
    assert "资料库中没有" not in answer and "21件" in answer.replace(" ", ""), answer
    answer = ask(page, "2024年收到政府信息公开申请多少件？")
    assert "95件" in answer.replace(" ", ""), answer
    assert "淮安市人民政府" not in page.locator("#rq-sources").inner_text()
    page.screenshot(path=str(SHOTS / "13i-filtered-2023-and-2024.png"), full_page=True)
    page.reload()  # the filter is left behind for the other tests
    page.wait_for_selector("#rq-question textarea", timeout=120_000)


def _separators(page, selector: str) -> list[dict]:
    """Each drawn tab in the first element matching selector: the gap between the cells either side
    of it (px) and its border."""
    return page.evaluate("""(sel) => {
        const box = document.querySelector(sel);
        return [...box.querySelectorAll('.rq-tab')].map(t => {
            const r = t.getBoundingClientRect(), s = getComputedStyle(t);
            const prev = t.previousSibling, next = t.nextSibling;
            const rect = (node, at) => { if (!node || node.nodeType !== 3 || !node.length) return null;
                const range = document.createRange(); range.setStart(node, at(node)); range.setEnd(node, at(node) + 1);
                return range.getBoundingClientRect(); };
            const a = rect(prev, n => n.length - 1), b = rect(next, () => 0);
            return {gap: a && b && Math.abs(a.top - b.top) < 4 ? b.left - a.right : null,
                    border: parseFloat(s.borderLeftWidth), style: s.borderLeftStyle, text: t.textContent};
        });
    }""", selector)


def test_a_numbers_stay_apart_and_quotes_verbatim(page, web_server_real):  # noqa: F811
    from gradio_client import Client
    new_conversation(page)
    question = "淮安市2024年行政复议结果纠正多少件？"
    answer = ask(page, question)
    assert "64件" in answer.replace(" ", ""), answer
    card = "#rq-sources .rq-card"
    mark = page.locator(f"{card} .rq-context mark.hit").first
    shown = mark.text_content()
    quote = Client(web_server_real.url, verbose=False).predict(question, api_name="/ask")["citations"][0]["quote"]
    assert shown == quote and "178\t37\t351\t13" in quote  # the page keeps the report's characters, tabs included
    assert "17837" not in mark.inner_text() and "35113" not in mark.inner_text()
    seps = _separators(page, f"{card} .rq-context mark.hit")
    assert len(seps) == quote.count("\t") and all(s["text"] == "\t" for s in seps)
    assert all(s["border"] >= 1 and s["style"] == "solid" for s in seps), seps
    assert all(s["gap"] is not None and s["gap"] >= 8 for s in seps), seps  # a visible gap with a rule in it
    page.locator(f"{card} details.rq-full summary").first.click()
    full = _separators(page, f"{card} .rq-fulltext mark.hit")
    assert full and all(s["gap"] >= 8 and s["border"] >= 1 for s in full if s["gap"] is not None), full
    page.locator(f"{card} .rq-context").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13a-cells-apart.png"))


def test_d_review_litigation_grid_has_two_level_header(page):
    new_conversation(page)
    ask(page, "淮安市2024年行政复议结果纠正多少件？")
    grid = page.locator("#rq-sources .rq-card .rq-table table").first
    rows = grid.locator("tr")
    top = [(c.inner_text().strip(), c.get_attribute("colspan")) for c in rows.nth(0).locator("th.rq-group").all()]
    assert top == [("行政复议", "5"), ("行政诉讼", "10")], top
    middle = [(c.inner_text().strip(), c.get_attribute("colspan")) for c in rows.nth(1).locator("th.rq-group").all()]
    assert middle == [("未经复议直接起诉", "5"), ("复议后起诉", "5")], middle
    leaves = [c.inner_text().replace("\n", "").strip() for c in grid.locator("th.rq-leaf").all()]
    assert leaves == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3, leaves
    assert "." not in grid.inner_text() and "行政诉讼.复议后起诉" not in grid.inner_text()
    lines = grid.locator("th.rq-leaf").evaluate_all("""ths => ths.map(t => { const r = document.createRange();
        r.selectNodeContents(t); return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; })""")
    assert max(lines) <= 2, lines  # 结果/维持: two characters a line at least, never one per line
    hit = grid.locator("td.hit-cell")
    assert hit.inner_text().strip() == "64"
    assert grid.locator("th.rq-leaf.hit-col").inner_text().replace("\n", "") == "结果纠正"
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13d-two-level-header.png"))


def test_c_audit_names_sections_and_quotes_each_row_once(page, hongze):
    page.get_by_role("tab", name="一致性审核").click()
    page.wait_for_function("() => (document.querySelector('#rq-audit')?.innerText || '').includes('洪泽区')", timeout=30_000)
    audit = page.locator("#rq-audit")
    text = audit.inner_text()
    assert "第四部分 政府信息公开行政复议、行政诉讼情况" in text
    assert not re.search(r"review_litigation|applications|narrative_vs_table|crossyear\.|表 \w", text), text
    card = audit.locator(".rq-card").filter(has_text="洪泽区人民政府 2023年").first
    finding = card.locator(".rq-finding").filter(has_text="行政复议").first
    lines = finding.locator(".rq-context")
    texts = lines.all_inner_texts()
    assert len(texts) == len(set(texts)) == 1, texts  # the row once, not five times
    assert lines.first.locator("mark.hit").count() == 5  # its five cells marked in it
    assert "行政复议·总计" in finding.inner_text()
    page.screenshot(path=str(SHOTS / "13c-audit.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()


def test_e_previous_year_of_the_cited_report(page, hongze):
    new_conversation(page)
    ask(page, "淮安市洪泽区人民政府2023年存在的主要问题是什么？")
    page.wait_for_selector("#rq-pick-note", state="visible", timeout=10_000)
    assert "2023年" in page.locator("#rq-pick-note").inner_text() and "没有" in page.locator("#rq-pick-note").inner_text()
    assert not page.locator("#rq-pick-row").is_visible()  # never 2023 against 2024
    page.screenshot(path=str(SHOTS / "13e-no-previous-year.png"), full_page=True)

    ask(page, "淮安市洪泽区人民政府2024年存在的主要问题是什么？")
    page.wait_for_selector("#rq-pick-open", state="visible", timeout=10_000)
    assert "2023↔2024" in page.locator("#rq-pick input").input_value()
    page.click("#rq-pick-open")
    page.wait_for_selector("#rq-compare .rq-cmp-section", state="visible", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.locator("#rq-cmp-old input").input_value() == "2023"
    assert page.locator("#rq-cmp-new input").input_value() == "2024"
    # the tab's choices were refreshed after the upload, without a reload
    page.locator("#rq-cmp-body input").click()
    assert any("洪泽区" in o for o in page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    page.screenshot(path=str(SHOTS / "13e-compare-previous-year.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()


def test_b_upload_feedback_in_chinese_and_delete_with_confirmation(page, web_server_real):  # noqa: F811
    from tests.generator import generate_report
    page.get_by_role("tab", name="报告管理").click()
    page.click("#rq-ingest")  # no file chosen
    page.wait_for_selector("#rq-ingest-note", state="visible", timeout=10_000)
    assert "请先选择" in page.locator("#rq-ingest-note").inner_text()

    good = generate_report(21, body="青松市", year=2022)
    results = upload(page, [
        {"name": "空白.txt", "mimeType": "text/plain", "buffer": b""},
        {"name": "not-a-pdf.pdf", "mimeType": "application/pdf", "buffer": b"hello, this is no PDF"},
        {"name": "note.txt", "mimeType": "text/plain", "buffer": "今天天气很好，我们去公园散步。".encode()},
        {"name": good.suggested_filename(), "mimeType": "text/plain", "buffer": good.text.encode("utf-8")},
    ])
    assert results.count("未入库") == 3, results
    said = re.sub(r"not-a-pdf|note\.txt", "", results)  # the file names as written
    assert not re.search(r"[A-Za-z]{4,}", said), results  # every reason in Chinese
    assert "文件是空的" in results and "不是 PDF" in results and "无法识别" in results
    page.wait_for_function("() => (document.querySelector('#rq-loaded')?.innerText || '').includes('青松市')",
                           timeout=30_000)
    page.screenshot(path=str(SHOTS / "13b-upload-errors-in-chinese.png"), full_page=True)

    stored = int(re.search(r"已入库 (\d+) 份报告", page.locator("#rq-loaded").inner_text()).group(1))
    uploads = web_server_real.home / "uploads"
    copies = [p for p in uploads.rglob("*") if p.is_file() and "青松市" in p.name]
    assert len(copies) == 1
    page.locator("#rq-victim input").click()
    page.get_by_role("option", name="青松市-2022").click()
    page.click("#rq-delete")
    page.wait_for_selector("#rq-delete-confirm", state="visible")
    assert "青松市2022年" in page.locator("#rq-delete-question").inner_text()
    page.screenshot(path=str(SHOTS / "13b-delete-confirmation.png"), full_page=True)
    page.click("#rq-delete-no")  # cancelled: nothing happens
    page.wait_for_selector("#rq-delete-confirm", state="hidden")
    assert "青松市" in page.locator("#rq-reports").inner_text() and copies[0].exists()
    page.click("#rq-delete")
    page.click("#rq-delete-yes")
    page.wait_for_function("() => !(document.querySelector('#rq-reports')?.innerText || '').includes('青松市')",
                           timeout=60_000)
    assert not copies[0].exists() and not copies[0].parent.exists()  # the uploaded original is gone too
    assert (ROOT / "data" / "suifenhe-2023.txt").exists()
    page.wait_for_function("() => !(document.querySelector('#rq-loaded')?.innerText || '').includes('青松市')",
                           timeout=30_000)
    assert f"已入库 {stored - 1} 份报告" in page.locator("#rq-loaded").inner_text()
