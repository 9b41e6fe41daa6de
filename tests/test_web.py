"""End to end in a real headless Chromium: the web app started as `reportqa serve` in a subprocess."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.web import safe_name  # noqa: E402
from tests.web_server import SHOTS, browser_page, web_server  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]

XSS = "<script>window.__rq_xss = 1</script><img src=x onerror=\"window.__rq_xss = 2\">"
MARKDOWN = "全年在[星光专栏](http://evil.example/a)**刊发稿件4321篇**。"  # report text that looks like Markdown
SOURCES_JS = ("() => [...document.querySelectorAll('#rq-sources .rq-card, #rq-sources .rq-none, #rq-sources .rq-empty')]"
              ".map(e => e.outerHTML).join('')")
ANSWER_TIMEOUT = 180_000  # ms; the first question may wait for models


def test_safe_name():
    assert safe_name("../../etc/passwd") == "passwd.txt"
    assert safe_name("..\\..\\x.PDF") == "x.pdf"
    assert safe_name("a b<script>.docx") == "a_b_script.docx"
    assert safe_name("...") == "report.txt"
    assert safe_name("绥芬河市2023年报告.htm") == "绥芬河市2023年报告.htm"
    assert "/" not in safe_name("/abs/path/..") and ".." not in safe_name("/abs/path/..")


@pytest.fixture(scope="module")
def page(web_server):  # noqa: F811
    with browser_page(web_server.url) as pg:
        yield pg


def ask(page, question: str) -> str:
    """Ask in the chat; return the last assistant message once the sources panel was updated."""
    before = page.locator("#rq-chat .message-row").count()
    sources = page.evaluate(SOURCES_JS)
    page.fill("#rq-question textarea", question)
    page.click("#rq-send")
    page.wait_for_function(
        "([n]) => document.querySelectorAll('#rq-chat .message-row').length >= n + 2", arg=[before],
        timeout=ANSWER_TIMEOUT)
    page.wait_for_function(  # streaming done: the sources panel shows this answer
        f"([old]) => {{ const now = ({SOURCES_JS})(); return now !== old && /rq-card|rq-none/.test(now); }}",
        arg=[sources], timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(700)
    return page.locator("#rq-chat .message-row").last.inner_text()


def new_conversation(page):
    page.get_by_role("button", name="新对话").click()
    page.wait_for_selector("#rq-sources .rq-empty")


def test_numeric_question(page):
    answer = ask(page, "绥芬河市2023年收到政府信息公开申请多少件？")
    assert "30" in answer, answer
    assert "[1]" in answer
    card = page.locator("#rq-sources .rq-card").first
    assert "绥芬河市" in card.inner_text()
    mark = card.locator(".rq-context mark.hit").first.inner_text()
    assert "30" in mark and "本年新收" in mark, mark
    assert page.locator("#rq-sources td.hit-cell").first.inner_text().strip() == "30"
    page.screenshot(path=str(SHOTS / "01-numeric-answer.png"), full_page=True)


def test_narrative_question_and_full_text(page):
    new_conversation(page)
    answer = ask(page, "存在的主要问题是什么？")
    assert "政策解读" in answer, answer
    marks = page.locator("#rq-sources .rq-context mark.hit").all_inner_texts()
    assert any("政策解读" in m for m in marks), marks
    full = page.locator("#rq-sources details.rq-full").first
    full.locator("summary").click()
    box = full.locator(".rq-fulltext")
    assert "六、其他需要报告的事项" in box.inner_text()
    assert box.locator("mark.hit").is_visible()
    page.screenshot(path=str(SHOTS / "02-narrative-answer-full-text.png"), full_page=True)


def test_follow_up_not_found_and_export(page, web_server):  # noqa: F811
    answer = ask(page, "那2022年呢？")
    assert "未在报告中找到" in answer, answer
    assert page.locator("#rq-sources .rq-none").is_visible()
    page.screenshot(path=str(SHOTS / "03-follow-up-not-found.png"), full_page=True)
    assert not (web_server.home / "exports").exists()  # answers write no files: export is on demand
    with page.expect_download(timeout=30_000) as dl:
        page.click("#rq-export-md")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "## 问 1：存在的主要问题是什么？" in text and "## 问 2：那2022年呢？" in text
    assert "政策解读" in text and "> " in text and "【未找到答案】" in text


def test_upload_and_ask_about_it(page, web_server, tmp_path):  # noqa: F811
    from tests.generator import generate_report
    good = generate_report(11, body="青松市", year=2022)
    bad = generate_report(12, body="白河县", year=2021, inconsistent=frozenset({"applications.balance"}))
    expected = good.cells[("applications", "本年新收", "总计")]
    files = [
        {"name": "青松市2022年报告<img src=x onerror=alert(1)>.txt", "mimeType": "text/plain",
         "buffer": (good.text.rstrip() + "\n" + XSS + "\n" + MARKDOWN + "\n").encode("utf-8")},
        {"name": bad.suggested_filename(), "mimeType": "text/plain", "buffer": bad.text.encode("utf-8")},
    ]
    page.get_by_role("tab", name="报告管理").click()
    page.locator("#rq-upload input[type=file]").set_input_files(files)
    page.wait_for_timeout(1500)
    page.click("#rq-ingest")
    page.wait_for_function("() => (document.querySelector('#rq-results')?.innerText || '').includes('白河县')",
                           timeout=ANSWER_TIMEOUT)
    page.wait_for_function("() => (document.querySelector('#rq-reports')?.innerText || '').includes('青松市')",
                           timeout=60_000)
    page.wait_for_timeout(1500)  # let the refreshed tables settle before the screenshot
    results = page.locator("#rq-results").inner_text()
    assert results.count("已入库") == 2, results
    uploads = web_server.home / "uploads"
    stored = [p for p in uploads.rglob("*") if p.is_file()]
    assert len(stored) == 2 and all(re.fullmatch(r"[\w\u4e00-\u9fff-]+\.txt", p.name) for p in stored), stored
    page.screenshot(path=str(SHOTS / "04-upload-results.png"), full_page=True)

    page.get_by_role("tab", name="一致性审核").click()
    audit = page.locator("#rq-audit")
    page.wait_for_function("() => (document.querySelector('#rq-audit')?.innerText || '').includes('白河县')")
    assert audit.locator(".rq-warn").count() >= 1 and audit.locator(".rq-warn mark.hit").count() >= 1
    page.screenshot(path=str(SHOTS / "05-audit.png"), full_page=True)

    page.get_by_role("tab", name="问答").click()
    new_conversation(page)
    answer = ask(page, "青松市2022年收到政府信息公开申请多少件？")
    assert f"{expected}件" in answer.replace(" ", ""), answer
    assert "青松市" in page.locator("#rq-sources .rq-card").first.inner_text()
    # report text is shown as text, never run: the injected markup is visible verbatim in the full text
    full_text = page.locator("#rq-sources .rq-fulltext").first.text_content()
    assert XSS in full_text
    assert page.evaluate("() => window.__rq_xss") is None and not page.dialogs
    page.screenshot(path=str(SHOTS / "06-uploaded-report-answer.png"), full_page=True)

    # Markdown in report text is shown as written: no link, no bold, the quote verbatim
    new_conversation(page)
    answer = ask(page, "青松市2022年在星光专栏刊发稿件多少篇？")
    assert "**刊发稿件4321篇**" in answer, answer
    assert page.locator("#rq-chat strong, #rq-chat em").count() == 0
    assert MARKDOWN in page.locator("#rq-sources .rq-card").first.inner_text()
    assert page.locator("#rq-chat a[href*='evil.example'], #rq-sources a[href*='evil.example']").count() == 0
    page.screenshot(path=str(SHOTS / "06b-markdown-shown-as-written.png"), full_page=True)

    # the filter restricts the question to the chosen body
    new_conversation(page)
    page.locator("#rq-bodies input").click()
    page.get_by_role("option", name="青松市").click()
    page.keyboard.press("Escape")
    answer = ask(page, "收到政府信息公开申请多少件？")
    assert "青松市" in answer and f"{expected}件" in answer.replace(" ", ""), answer
    assert "绥芬河市" not in page.locator("#rq-sources").inner_text()
    page.screenshot(path=str(SHOTS / "07-filtered-by-body.png"), full_page=True)


def test_delete_report(page, web_server):  # noqa: F811
    uploads = [p for p in (web_server.home / "uploads").rglob("*") if p.is_file()]
    page.get_by_role("tab", name="报告管理").click()
    page.locator("#rq-victim input").click()
    page.get_by_role("option", name="白河县-2021").click()
    page.get_by_role("button", name="删除报告").click()
    page.wait_for_selector("#rq-delete-confirm", state="visible")  # nothing is deleted before the confirmation
    assert "白河县" in page.locator("#rq-delete-question").inner_text()
    assert "白河县" in page.locator("#rq-reports").inner_text()
    page.click("#rq-delete-yes")
    page.wait_for_function("() => !(document.querySelector('#rq-reports')?.innerText || '').includes('白河县')",
                           timeout=60_000)
    assert "已删除 白河县-2021" in page.locator("#rq-removed").inner_text()
    left = [p for p in (web_server.home / "uploads").rglob("*") if p.is_file()]
    assert len(left) == len(uploads) - 1 and not any("白河县" in p.name for p in left), left
    page.screenshot(path=str(SHOTS / "08-after-delete.png"), full_page=True)


def test_unknown_body_marked_and_relabelled_in_the_page(page):
    """A real report page that never names its body (我委) is stored, marked 待核实 in the report list,
    refused by name; once relabelled in the page, answered under the new name without re-ingest."""
    text = (ROOT / "tests" / "realcorpus" / "reports" / "a034.txt").read_bytes()
    page.reload()  # a fresh page: no body filter left from earlier tests
    page.wait_for_selector("#rq-question textarea", timeout=120_000)
    page.get_by_role("tab", name="报告管理").click()
    page.locator("#rq-upload input[type=file]").set_input_files(
        [{"name": "附件1.txt", "mimeType": "text/plain", "buffer": text}])
    page.wait_for_timeout(1500)
    page.click("#rq-ingest")
    page.wait_for_function("() => (document.querySelector('#rq-reports')?.innerText || '').includes('待核实')",
                           timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(1000)
    listing = page.locator("#rq-reports").inner_text()
    assert "附件1" in listing, listing
    assert listing.count("待核实") == 1, listing  # only this report's body is unknown

    question = "朔州市卫健委2022年在门户网站发布了多少篇工作动态？"
    page.get_by_role("tab", name="问答").click()
    new_conversation(page)
    assert "资料库中没有" in ask(page, question)

    page.get_by_role("tab", name="报告管理").click()
    page.locator("#rq-fix-id input").click()
    page.get_by_role("option", name="附件1").click()
    page.fill("#rq-fix-body textarea", "朔州市卫生健康委员会")
    page.fill("#rq-fix-year textarea", "2022")
    page.click("#rq-fix")
    page.wait_for_function("() => (document.querySelector('#rq-reports')?.innerText || '').includes('朔州市卫生健康委员会')",
                           timeout=60_000)
    assert "已将 附件1 改为" in page.locator("#rq-fixed").inner_text()
    page.screenshot(path=str(SHOTS / "09-relabelled.png"), full_page=True)

    page.get_by_role("tab", name="问答").click()
    new_conversation(page)
    answer = ask(page, question)
    assert "152篇" in answer.replace(" ", "") and "朔州市卫生健康委员会" in answer, answer
