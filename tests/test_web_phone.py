"""Issue 13 H on a 390×844 phone in a real headless Chromium: the question box is on the first screen,
the evidence is right below it and one tap on [n] away, nothing is wider than the screen, and the
page's own wording has no machine-made doubled brackets."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web import ask, new_conversation  # noqa: E402
from tests.web_server import PHONE, SHOTS, browser_page, web_server  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def phone(web_server):  # noqa: F811
    with browser_page(web_server.url, **PHONE) as pg:
        yield pg


def _box(page, selector: str) -> dict:
    return page.evaluate("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                         " return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left,"
                         " right: r.right, height: r.height}; }", selector)


def test_phone_question_box_on_first_screen(phone):
    phone.wait_for_timeout(1500)
    height = phone.viewport_size["height"]
    box, send = _box(phone, "#rq-question textarea"), _box(phone, "#rq-send")
    assert box["bottom"] <= height and send["bottom"] <= height, (box, send)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= phone.viewport_size["width"] + 1
    text = phone.locator("body").inner_text()
    assert not re.search(r"【【|】】|（（|））|「「|」」|？待核实", text)
    phone.screenshot(path=str(SHOTS / "13h-phone-first-screen.png"))


def test_phone_evidence_under_the_question_box(phone):
    new_conversation(phone)
    ask(phone, "绥芬河市2023年收到政府信息公开申请多少件？")
    height = phone.viewport_size["height"]
    ask_row, card = _box(phone, "#rq-question textarea"), _box(phone, "#rq-sources .rq-card")
    examples = _box(phone, "#rq-examples")
    assert ask_row["bottom"] <= card["top"] < examples["top"], (ask_row, card, examples)  # evidence before examples
    phone.evaluate("() => window.scrollTo(0, 0)")
    phone.wait_for_timeout(300)
    assert _box(phone, "#rq-question textarea")["bottom"] <= height  # still on the first screen, the answer above it
    assert phone.locator("#rq-chat .message-row").last.is_visible()
    phone.screenshot(path=str(SHOTS / "13h-phone-answer.png"))

    phone.locator("#rq-chat a.rq-ref").first.click()  # [1] brings its card on screen
    phone.wait_for_function("() => document.querySelector('#rq-cite-1-1')?.classList.contains('rq-flash')", timeout=5_000)
    phone.wait_for_timeout(900)
    top = phone.evaluate("() => document.querySelector('#rq-cite-1-1').getBoundingClientRect().top")
    assert 0 <= top < height / 2, top
    hit = phone.locator("#rq-cite-1-1 td.hit-cell").first
    assert hit.inner_text().strip() == "30"
    left, right = hit.evaluate("td => { const r = td.getBoundingClientRect(); return [r.left, r.right]; }")
    assert 0 <= left and right <= phone.viewport_size["width"], (left, right)  # the grid scrolled to the cited cell
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= phone.viewport_size["width"] + 1
    phone.screenshot(path=str(SHOTS / "13h-phone-citation.png"))
    phone.screenshot(path=str(SHOTS / "13h-phone-full.png"), full_page=True)
