"""The original beside the answer (issue 13, item 2): the PDF page with the cited characters
marked, and Word/HTML reports rebuilt as published, inert, with the quote marked.

Real files first: the 洪泽区 2024 PDF (its page 4 read by hand holds 个别部门对复杂申请件的研判能力
不足); Word and HTML from the generator, whose text it knows, and a hand-written hostile page."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from ingest.readers.pdf_view import page_view, quote_boxes
from ingest.readers.published_view import published_html
from tests.generator import generate_report
from tests.renderers import render_docx, render_html

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-reports"
QUOTE = "个别部门对复杂申请件的研判能力不足"


@pytest.mark.skipif(not (REAL / "hongze-2024.pdf").exists(), reason="real reports not present")
def test_pdf_page_marks_every_character_of_the_quote():
    view = page_view(REAL / "hongze-2024.pdf", 4, QUOTE)
    assert view is not None and view.page == 4 and view.pages >= 4
    assert len(view.boxes) == len(QUOTE)  # one box per character, none missed, none extra
    image = Image.open(io.BytesIO(view.png))
    assert image.size == (view.width, view.height)
    for x0, top, x1, bottom in view.boxes:
        assert 0 <= x0 < x1 <= view.width and 0 <= top < bottom <= view.height
    # the marked region is amber, the same region of the unmarked page is not
    plain = Image.open(io.BytesIO(page_view(REAL / "hongze-2024.pdf", 4, "").png)).convert("RGB")
    x0, top, x1, bottom = view.boxes[0]
    centre = ((x0 + x1) // 2, top + 1)
    assert image.convert("RGB").getpixel(centre) != plain.getpixel(centre)


@pytest.mark.skipif(not (REAL / "hongze-2024.pdf").exists(), reason="real reports not present")
def test_a_quote_not_on_the_page_is_not_guessed():
    assert page_view(REAL / "hongze-2024.pdf", 1, QUOTE).boxes == ()
    assert page_view(REAL / "hongze-2024.pdf", 99, QUOTE) is None
    assert page_view(REAL / "missing.pdf", 1, QUOTE) is None


def test_quote_boxes_ignore_white_space_and_full_width_forms():
    chars = [{"text": t, "x0": i, "top": 0, "x1": i + 1, "bottom": 1} for i, t in enumerate("共收到 ２１ 件申请")]
    assert len(quote_boxes(chars, "收到21件")) == 5


def _marked_text(markup: str) -> str:
    return "".join(re.findall(r"<mark class='rq-hit'>(.*?)</mark>", markup, flags=re.S))


@pytest.mark.parametrize("render, fmt", [(render_html, "html"), (render_docx, "docx")])
def test_word_and_html_rebuilt_with_the_quote_marked(tmp_path, render, fmt):
    report = generate_report(7, body="青山市人民政府", year=2023, layout="tab")
    path = render(report.text, tmp_path / f"r.{fmt}")
    sentence = next(line for line in report.text.splitlines() if len(line) > 30 and "。" in line).strip()
    quote = sentence[:25]
    markup = published_html(path, fmt, quote)
    assert markup is not None
    assert re.sub(r"\s", "", _marked_text(markup)) == re.sub(r"\s", "", quote)
    assert "<table" in markup and "<td" in markup  # the tables as tables


def test_a_hostile_page_stays_inert(tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><head><script>alert(1)</script><style>body{}</style></head><body onload='x()'>"
        "<h1>某县2023年政府信息公开工作年度报告</h1><p onclick='steal()'>共收到申请<b>21</b>件。"
        "<a href='javascript:alert(2)'>链接</a><img src=x onerror=alert(3)><iframe src='http://x'></iframe>"
        "&lt;script&gt;alert(4)&lt;/script&gt;</p><table><tr><td colspan='2' style='x'>合计</td></tr></table>"
        "</body></html>", encoding="utf-8")
    markup = published_html(page, "html", "共收到申请21件")
    assert _marked_text(markup).replace("</mark>", "") == "共收到申请21件"
    lowered = markup.lower()
    for bad in ("<script", "onload", "onclick", "onerror", "javascript:", "<iframe", "<img", "<a ", "style=", "href"):
        assert bad not in lowered, bad
    assert "&lt;script&gt;" in markup  # text that looks like markup is shown as text
    assert 'colspan="2"' in markup
