"""The 年度对比 tab in a real headless Chromium: two years of one generated body side by side,
and the one-click comparison from a cited passage in the 问答 tab."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.test_web import ask, new_conversation  # noqa: E402
from tests.web_server import PAIR_BODY, SHOTS, browser_page, web_server_pair  # noqa: E402,F401

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def page(web_server_pair):  # noqa: F811
    with browser_page(web_server_pair.url) as pg:
        yield pg


def _choose(page, elem_id: str, name: str):
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=name).first.click()
    page.keyboard.press("Escape")


def _changed_row(page, new_sentence: str):
    rows = page.locator("#rq-compare tr.rq-cmp-changed")
    for i in range(rows.count()):
        if rows.nth(i).locator("td.new").inner_text().strip().rstrip("沿用").strip() == new_sentence:
            return rows.nth(i)
    return None


def test_compare_tab(page, web_server_pair):  # noqa: F811
    prev, cur, truth = web_server_pair.pair
    page.get_by_role("tab", name="年度对比").click()
    page.locator("#rq-cmp-body input").click()
    option = page.get_by_role("option").filter(has_text=PAIR_BODY).first
    assert option.is_visible()
    assert page.get_by_role("option").filter(has_text="绥芬河").count() == 0  # one year only: not offered
    option.click()
    page.keyboard.press("Escape")
    # the two latest years are filled in
    page.wait_for_function("([y]) => document.querySelector('#rq-cmp-new input')?.value === y", arg=[str(truth.year)])
    assert page.locator("#rq-cmp-old input").input_value() == str(truth.prev_year)
    page.click("#rq-cmp-run")
    page.wait_for_selector("#rq-compare table.rq-cmp", timeout=60_000)
    html = page.locator("#rq-compare").inner_html()
    assert [s for s in re.findall(r"data-section=\"(.)\"", html)] == list("一二三四五六")
    assert re.search(r"相似度 \d+%", page.locator("#rq-compare").inner_text())

    # a planted edit: old words struck through on the left, new ones marked on the right
    found = [(old, new, _changed_row(page, new)) for old, new in truth.changed]
    found = [f for f in found if f[2] is not None]
    assert found, truth.changed
    old, new, row = found[0]
    assert row.locator("td.old").inner_text().strip() == old
    assert row.locator("td.old del").count() >= 1 and row.locator("td.new ins").count() >= 1
    dels, inss = row.locator("td.old del").all_inner_texts(), row.locator("td.new ins").all_inner_texts()
    assert all(d in old for d in dels) and all(t in new for t in inss)
    # a planted new sentence is green on the right, with nothing on the left
    added = page.locator("#rq-compare tr.rq-cmp-added td.new").all_inner_texts()
    assert any(a.strip() == truth.added[0] for a in added), (truth.added, added)
    removed = page.locator("#rq-compare tr.rq-cmp-removed td.old").all_inner_texts()
    assert any(r.strip() in truth.removed for r in removed), (truth.removed, removed)
    assert page.locator("#rq-compare .rq-cmp-flag").count() >= 1  # reused sentences are flagged 沿用
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "09-compare.png"), full_page=True)

    # one section only
    _choose(page, "rq-cmp-section", "五、存在的主要问题及改进情况")
    page.click("#rq-cmp-run")
    page.wait_for_function("() => document.querySelectorAll('#rq-compare .rq-cmp-section').length === 1")
    assert page.locator("#rq-compare .rq-cmp-section").get_attribute("data-section") == "五"


def test_compare_from_citation(page, web_server_pair):  # noqa: F811
    prev, cur, truth = web_server_pair.pair
    page.get_by_role("tab", name="问答").click()
    ask(page, f"{PAIR_BODY}{truth.year}年存在的主要问题是什么？")
    page.wait_for_selector("#rq-pick-open", state="visible", timeout=30_000)
    assert PAIR_BODY in page.locator("#rq-pick input").input_value()  # the body and its previous year
    assert f"{truth.prev_year}↔{truth.year}" in page.locator("#rq-pick input").input_value()
    page.screenshot(path=str(SHOTS / "10a-citation-compare-control.png"), full_page=True)
    page.click("#rq-pick-open")
    page.wait_for_selector("#rq-compare .rq-cmp-section", state="visible", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.locator("#rq-cmp-new input").input_value() == str(truth.year)
    assert page.locator("#rq-cmp-old input").input_value() == str(truth.prev_year)
    sections = page.locator("#rq-compare .rq-cmp-section")
    assert sections.count() == 1 and sections.first.get_attribute("data-section") == "五"
    assert "五" in page.locator("#rq-cmp-section input").input_value()
    page.screenshot(path=str(SHOTS / "10-compare-from-citation.png"), full_page=True)


def test_compare_from_citation_of_the_earlier_year(page, web_server_pair):  # noqa: F811
    """A citation of the body's earliest year is never compared with a later one: the page says
    there is no previous year."""
    prev, cur, truth = web_server_pair.pair
    page.get_by_role("tab", name="问答").click()
    new_conversation(page)
    ask(page, f"{PAIR_BODY}{truth.prev_year}年存在的主要问题是什么？")
    page.wait_for_selector("#rq-pick-note", state="visible", timeout=30_000)
    note = page.locator("#rq-pick-note").inner_text()
    assert f"{truth.prev_year}年" in note and "没有" in note, note
    assert not page.locator("#rq-pick-row").is_visible()
    page.screenshot(path=str(SHOTS / "10b-no-previous-year.png"), full_page=True)


def test_compare_choices_on_page_load(page, web_server_pair):  # noqa: F811
    """The tab's bodies come from the store when the page loads, not when the server started."""
    page.reload()
    page.wait_for_selector("#rq-question textarea", timeout=120_000)
    page.get_by_role("tab", name="年度对比").click()
    page.wait_for_function("() => (document.querySelector('#rq-cmp-body input')?.value || '').length > 0", timeout=30_000)
    assert PAIR_BODY in page.locator("#rq-cmp-body input").input_value()
    assert page.locator("#rq-cmp-old input").input_value() and page.locator("#rq-cmp-new input").input_value()
