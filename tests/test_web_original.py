"""The original beside the answer (issue 13, item 2), in a real headless Chromium: a cited PDF page
as an image with the cited row marked, turned page by page; a text report says it has no other
original. The server starts with the sample and huaian-2024.pdf (tests/web_server.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web import ask  # noqa: E402
from tests.web_server import SHOTS, browser_page, web_server_real  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def page(web_server_real):  # noqa: F811
    with browser_page(web_server_real.url) as pg:
        yield pg


def _note(page) -> str:
    return page.locator("#rq-original-note").inner_text()


def test_a_cited_pdf_page_is_shown_with_the_cell_marked(page):
    answer = ask(page, "淮安市2024年行政复议其他结果多少件？")
    assert "178" in answer, answer  # the 其他结果 cell, read by hand from page 5 of the PDF
    page.wait_for_function("() => (document.querySelector('#rq-original-note')?.innerText || '').includes('第 5 /')",
                           timeout=60_000)
    assert "已在页面上标出引用位置" in _note(page)
    image = page.locator("#rq-page img")
    image.wait_for(state="visible", timeout=30_000)
    size = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size[0] > 800 and size[1] > size[0]  # a portrait page, not a thumbnail
    page.locator("#rq-original").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "13-original-pdf-page.png"), full_page=True)

    page.click("#rq-page-next")
    page.wait_for_function("() => (document.querySelector('#rq-original-note')?.innerText || '').includes('第 6 /')",
                           timeout=30_000)
    assert "本页未找到引用原文" in _note(page)  # turned away from the cited page: nothing marked there
    page.click("#rq-page-prev")
    page.wait_for_function("() => (document.querySelector('#rq-original-note')?.innerText || '').includes('第 5 /')",
                           timeout=30_000)


def test_a_text_report_has_no_other_original(page):
    ask(page, "绥芬河市2023年收到政府信息公开申请多少件？")
    page.wait_for_function("() => (document.querySelector('#rq-original-note')?.innerText || '').includes('纯文本')",
                           timeout=60_000)
    assert not page.locator("#rq-page img").is_visible()
