"""Issue 13 in a real headless Chromium: citations you can follow (F) and conversations that last (G).

[n] in an answer links to its citation card (hover shows the quote); the API's history argument
answers as the chat does after the same questions; conversations are kept per browser in the store
folder, listed, reopened after a reload, deleted after a confirmation, and exported only on demand
(Markdown and PDF)."""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web import ask, new_conversation  # noqa: E402
from tests.web_server import SHOTS, browser_page, web_server  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]

Q1 = "绥芬河市2023年收到政府信息公开申请多少件？"
Q2 = "存在的主要问题是什么？"
REFUSED = "北京市2019年行政复议案件有多少件？"


@pytest.fixture(scope="module")
def page(web_server):  # noqa: F811
    with browser_page(web_server.url) as pg:
        yield pg


def _in_view(page, selector: str) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel)?.getBoundingClientRect();
        return !!r && r.top >= -2 && r.top < window.innerHeight && r.height > 0; }""", selector)


def _conversations(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "conversations.sqlite3") as db:
        return db.execute("SELECT c.browser, c.title, COUNT(t.n) FROM conversations c "
                          "LEFT JOIN turns t ON t.conversation = c.id GROUP BY c.id ORDER BY c.created").fetchall()


def test_first_text_within_a_second(page):
    new_conversation(page)
    before = page.locator("#rq-chat .message-row").count()
    page.fill("#rq-question textarea", Q1)
    started = time.monotonic()
    page.click("#rq-send")
    page.wait_for_function("([n]) => document.querySelectorAll('#rq-chat .message-row').length >= n + 2 && "
                           "document.querySelectorAll('#rq-chat .message-row')[n + 1].innerText.trim().length > 0",
                           arg=[before], timeout=10_000, polling=50)
    assert time.monotonic() - started < 1.0
    page.wait_for_selector("#rq-sources .rq-card", timeout=120_000)


def test_citation_links_scroll_to_their_cards(page):
    new_conversation(page)
    ask(page, Q1)
    ask(page, Q2)
    refs = page.locator("#rq-chat a.rq-ref")
    assert refs.count() >= 4  # [1] in each answer and again in its 来源 line
    first = page.locator("#rq-chat a.rq-ref[href='#rq-cite-1-1']").first
    assert "30" in first.get_attribute("title") and "本年新收" in first.get_attribute("title")  # hover: the quote
    latest = page.locator("#rq-chat a.rq-ref[href='#rq-cite-2-1']").first
    quote = page.locator("#rq-cite-2-1 .rq-context mark.hit").text_content()
    assert " ".join(quote.split())[:40] in latest.get_attribute("title")
    page.evaluate("() => { document.querySelector('#rq-sources').scrollTop = 99999; window.scrollTo(0, 0); }")
    latest.click()
    page.wait_for_function("() => document.querySelector('#rq-cite-2-1')?.classList.contains('rq-flash')", timeout=5_000)
    page.wait_for_timeout(800)
    assert _in_view(page, "#rq-cite-2-1")
    page.screenshot(path=str(SHOTS / "13f-citation-link-latest.png"))

    # an earlier answer's [1]: its sources come back into the panel, and its card is flashed
    first.click()
    page.wait_for_function("() => document.querySelector('#rq-cite-1-1')?.classList.contains('rq-flash')", timeout=15_000)
    page.wait_for_timeout(800)
    assert Q1[:10] in page.locator("#rq-sources .rq-src-question").inner_text()
    assert page.locator("#rq-cite-1-1 td.hit-cell").first.inner_text().strip() == "30"
    assert _in_view(page, "#rq-cite-1-1")
    page.screenshot(path=str(SHOTS / "13f-citation-link-earlier.png"))


def test_api_history_answers_as_the_chat(page, web_server):  # noqa: F811
    from gradio_client import Client
    new_conversation(page)
    ask(page, "上海市2023年收到政府信息公开申请多少件？")
    shown = ask(page, "那绥芬河市呢？")
    got = Client(web_server.url, verbose=False).predict("那绥芬河市呢？", ["上海市2023年收到政府信息公开申请多少件？"],
                                                          api_name="/ask")
    assert got["value"] == 30 and got["answer"] in shown, (got, shown)


def test_conversations_kept_reopened_and_deleted(page, web_server):  # noqa: F811
    new_conversation(page)
    ask(page, Q1)
    ask(page, REFUSED)
    page.wait_for_function("([q]) => (document.querySelector('#rq-convs')?.innerText || '').includes(q)",
                           arg=[Q1[:12]], timeout=10_000)
    listed = page.locator("#rq-convs label").count()
    assert not (web_server.home / "exports").exists()  # no file per answer

    page.reload()  # the conversation on view comes back, and the list with it
    page.wait_for_selector("#rq-question textarea", timeout=120_000)
    page.wait_for_function("() => document.querySelectorAll('#rq-chat .message-row').length === 4", timeout=30_000)
    assert REFUSED in page.locator("#rq-chat").inner_text()
    page.wait_for_function("([n]) => document.querySelectorAll('#rq-convs label').length === n", arg=[listed])
    page.wait_for_selector("#rq-sources .rq-none")  # the last answer's sources: a refusal
    page.screenshot(path=str(SHOTS / "13g-reopened-after-reload.png"), full_page=True)

    new_conversation(page)
    ask(page, Q2)
    page.wait_for_function("([n]) => document.querySelectorAll('#rq-convs label').length === n + 1", arg=[listed])
    page.locator("#rq-convs label").filter(has_text=Q1[:12]).first.click()  # reopen the earlier one
    page.wait_for_function("([q]) => (document.querySelector('#rq-chat')?.innerText || '').includes(q)", arg=[REFUSED])
    assert Q2 not in page.locator("#rq-chat").inner_text()

    # another browser (its own localStorage) sees none of them
    context = page.context.browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    try:
        other = context.new_page()
        other.goto(web_server.url, timeout=120_000)
        other.wait_for_selector("#rq-question textarea", timeout=120_000)
        other.wait_for_selector("#rq-convs-none", state="visible", timeout=10_000)
        assert other.locator("#rq-convs label").count() == 0
    finally:
        context.close()

    before = len(_conversations(web_server.home))
    page.click("#rq-conv-delete")
    page.wait_for_selector("#rq-conv-confirm", state="visible")
    assert Q1[:10] in page.locator("#rq-conv-confirm").inner_text()
    assert len(_conversations(web_server.home)) == before  # nothing deleted before the confirmation
    page.screenshot(path=str(SHOTS / "13g-delete-conversation-confirm.png"), full_page=True)
    page.click("#rq-conv-delete-yes")
    page.wait_for_function("([n]) => document.querySelectorAll('#rq-convs label').length === n", arg=[listed])
    assert len(_conversations(web_server.home)) == before - 1
    assert page.locator("#rq-chat .message-row").count() == 0


def test_export_on_demand_markdown_and_pdf(page, web_server):  # noqa: F811
    new_conversation(page)
    ask(page, Q1)
    ask(page, REFUSED)
    with page.expect_download(timeout=30_000) as dl:
        page.click("#rq-export-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename.endswith(".md")
    assert "导出时间：" in md and f"## 问 1：{Q1}" in md and f"## 问 2：{REFUSED}" in md
    assert "检索的报告：绥芬河市2023年" in md
    assert md.count("【未找到答案】") == 1  # the refusal, marked; the answered question not
    assert "原文第" in md and "第" in md and "> 一、本年新收" in md  # the quote with its location
    with page.expect_download(timeout=30_000) as dl:
        page.click("#rq-export-pdf")
    pdf = Path(dl.value.path())
    assert pdf.read_bytes()[:5] == b"%PDF-" and dl.value.suggested_filename.endswith(".pdf")
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        text = "".join(p.extract_text() or "" for p in doc.pages)
    flat = "".join(text.split())
    assert Q1 in flat and "未找到答案" in flat and "绥芬河市" in flat and "原文第" in flat, text[:500]
    assert not (web_server.home / "exports").exists()
    page.screenshot(path=str(SHOTS / "13g-export.png"), full_page=True)
