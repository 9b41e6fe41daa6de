"""A Word or HTML report shown as its body published it, made inert, with a cited span marked.

The document is rebuilt from its own structure (headings, paragraphs, tables with their merged
cells), keeping no attribute but colspan/rowspan and no element that runs, loads or links
anything: the text of a hostile page stays text. The quote is found again in the document's text
(white space ignored, NFKC) and its characters are wrapped in <mark class="rq-hit">; a quote that
cannot be found is not guessed at.
"""
from __future__ import annotations

import html
import logging
import unicodedata
from pathlib import Path

log = logging.getLogger(__name__)

BLOCKS = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "thead",
          "tbody", "tr", "td", "th", "br", "span", "strong", "b", "em", "i", "u", "sub", "sup", "caption", "blockquote",
          "pre"}
DROPPED = {"script", "style", "noscript", "iframe", "object", "embed", "form", "input", "button", "select", "textarea",
           "link", "meta", "svg", "canvas", "template", "head", "title", "video", "audio", "img"}
KEPT_ATTRS = {"colspan", "rowspan"}
MAX_NODES = 200_000  # a page larger than this is shown as plain text


class _Doc:
    """Escaped HTML built in order, with the text pieces it holds (for finding the quote)."""

    def __init__(self):
        self.parts: list[str] = []  # html; a text piece is an int index into self.texts
        self.texts: list[str] = []

    def tag(self, markup: str) -> None:
        self.parts.append(markup)

    def text(self, text: str) -> None:
        self.parts.append(len(self.texts))  # type: ignore[arg-type]
        self.texts.append(text)

    def render(self, quote: str) -> str:
        marked = _marked_chars(self.texts, quote)
        out = []
        for part in self.parts:
            if isinstance(part, int):
                out.append(_text_html(self.texts[part], marked.get(part, ())))
            else:
                out.append(part)
        return "".join(out)


def _flat(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", ch) if not c.isspace())


def _marked_chars(texts: list[str], quote: str) -> dict[int, set[int]]:
    """{text piece: positions in it} of the characters that spell the quote."""
    stream, owner = [], []
    for t, text in enumerate(texts):
        for i, ch in enumerate(text):
            for c in _flat(ch):
                stream.append(c)
                owner.append((t, i))
    needle = _flat(quote)
    at = "".join(stream).find(needle) if needle else -1
    marked: dict[int, set[int]] = {}
    if at >= 0:
        for t, i in owner[at:at + len(needle)]:
            marked.setdefault(t, set()).add(i)
    return marked


def _text_html(text: str, marked) -> str:
    if not marked:
        return html.escape(text)
    out, open_ = [], False
    for i, ch in enumerate(text):
        if (i in marked) != open_:
            out.append("<mark class='rq-hit'>" if not open_ else "</mark>")
            open_ = not open_
        out.append(html.escape(ch))
    return "".join(out) + ("</mark>" if open_ else "")


def _attrs(element) -> str:
    kept = []
    for name in KEPT_ATTRS:
        value = str(element.get(name, "")).strip()
        if value.isdigit() and 0 < int(value) < 100:
            kept.append(f' {name}="{value}"')
    return "".join(kept)


def _walk_html(node, doc: _Doc, budget: list[int]) -> None:
    from bs4 import Comment, NavigableString, Tag

    for child in node.children:
        budget[0] -= 1
        if budget[0] < 0:
            return
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            doc.text(str(child))
        elif isinstance(child, Tag):
            name = child.name.lower()
            if name in DROPPED:
                continue
            if name not in BLOCKS:  # a, font, center …: their text, not their behaviour
                _walk_html(child, doc, budget)
                continue
            if name == "br":
                doc.tag("<br>")
                continue
            doc.tag(f"<{name}{_attrs(child)}>")
            _walk_html(child, doc, budget)
            doc.tag(f"</{name}>")


def _html_doc(path: Path) -> _Doc:
    from bs4 import BeautifulSoup

    from ingest.readers.html import _check_depth, _decode  # the reader's own decoding and depth limit

    markup, _encoding = _decode(path.read_bytes(), path.name)
    _check_depth(markup, path.name)
    soup = BeautifulSoup(markup, "lxml")
    doc = _Doc()
    _walk_html(soup.body or soup, doc, [MAX_NODES])
    return doc


def _docx_doc(path: Path) -> _Doc:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    doc = _Doc()
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            doc.tag("<p>")
            doc.text(Paragraph(block, document).text)
            doc.tag("</p>")
        elif tag == "tbl":
            doc.tag("<table>")
            for row in Table(block, document).rows:
                doc.tag("<tr>")
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats in python-docx's row
                        continue
                    seen.add(id(cell._tc))
                    doc.tag("<td>")
                    doc.text(cell.text)
                    doc.tag("</td>")
                doc.tag("</tr>")
            doc.tag("</table>")
    return doc


def published_html(path: str | Path, source_format: str, quote: str = "") -> str | None:
    """The document as inert HTML with the quote marked; None when the file is gone or unreadable."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        doc = _docx_doc(path) if source_format == "docx" else _html_doc(path)
        return doc.render(quote)
    except Exception as exc:  # a damaged or replaced file: the answer stands without it
        log.warning("%s: could not be shown as published: %s", path.name, exc)
        return None
