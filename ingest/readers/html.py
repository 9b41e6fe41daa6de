"""HTML report pages via BeautifulSoup + lxml: keep only the report (drop navigation, scripts and
page furniture; pick the block holding the 年度报告 title or the densest text block), write
paragraphs one per line and <table>s as tab-separated rows with rowspan/colspan expanded.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.readers.errors import ReaderError
from ingest.readers.normalise import (TextBuilder, clean_cell, clean_paragraph, expand_grid, meaningful_title,
                                      rows_to_lines)
from reportqa.types import ReaderOutput

_DROP_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "template",
              "select", "button", "svg", "object", "embed", "head"]
_CLUTTER_RE = re.compile(r"(^|[\s_-])(nav|menu|breadcrumb|crumb|footer|sidebar|share|toolbar|topbar|copyright|"
                         r"header|banner|search|login)([\s_-]|$)", re.I)
_TITLE_RE = re.compile(r"年度报告|年报")
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3",
               "h4", "h5", "h6", "blockquote", "pre", "center", "tr", "td", "th", "tbody", "thead", "caption",
               "figure", "address", "hr", "body", "html", "font-block"}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def read_html(path: Path) -> ReaderOutput:
    from bs4 import BeautifulSoup

    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise ReaderError(path.name, "the file is empty")
    markup, encoding = _decode(data, path.name)
    _check_depth(markup, path.name)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:
        raise ReaderError(path.name, f"the HTML cannot be parsed ({type(exc).__name__})") from exc
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        marker = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
        if marker and _CLUTTER_RE.search(marker) and not tag.find("table") and not _has_title(tag):
            tag.decompose()
    root = _main_block(soup)
    if root is None:
        raise ReaderError(path.name, "the HTML page contains no text")

    builder = TextBuilder()
    blocks = []
    _walk(root, blocks, [])
    for i, block in enumerate(b for b in blocks if b):
        builder.add(block, i + 1)
    text, spans = builder.result()
    if not text.strip():
        raise ReaderError(path.name, "the HTML page contains no text")
    title = meaningful_title(page_title)
    if title is None:
        node = _title_node(root)
        title = meaningful_title(clean_paragraph(node.get_text(" "))) if node is not None else None
    return ReaderOutput(text=text, source_format="html", encoding=encoding, pages=spans, title_hint=title)


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^<>]{0,4000}?(/?)>")
# elements that never enclose others, or that pages leave unclosed as siblings
_FLAT = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track",
         "wbr", "p", "li", "td", "th", "tr", "option", "dt", "dd"}


def _check_depth(markup: str, name: str) -> None:
    """Refuse pages nested deeper than any report page before the tree is built: the parser and
    every walk over the tree would recurse that deep (RecursionError, or minutes at 100,000)."""
    from reportqa.config import ParseLimits
    limit = ParseLimits.current().max_html_depth
    depth = deepest = 0
    for m in _TAG.finditer(markup):
        closing, tag, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if tag in _FLAT or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                raise ReaderError(name, f"the page is nested {deepest} levels deep (or more); the limit is {limit}")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    declared = _META_CHARSET_RE.search(data[:4096])
    candidates = []
    if declared:
        label = declared.group(1).decode("ascii").lower()
        candidates.append("gb18030" if label in ("gbk", "gb2312", "gb18030", "x-gbk", "cp936") else label)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReaderError(name, "the page is neither UTF-8 nor GBK/GB18030 text")


def _has_title(tag) -> bool:
    return any(_TITLE_RE.search(s) for s in tag.find_all(string=True, limit=200))


def _title_node(soup):
    for level in ("h1", "h2", "h3", "h4"):
        for h in soup.find_all(level):
            if _TITLE_RE.search(h.get_text()):
                return h
    for s in soup.find_all(string=_TITLE_RE):
        if len(s.strip()) <= 80:
            return s.parent
    return None


def _text_len(tag) -> int:
    return len(re.sub(r"\s+", "", tag.get_text()))


def _main_block(soup):
    body = soup.body or soup
    if _text_len(body) == 0:
        return None
    node = _title_node(body)
    if node is not None:
        # climb from the title to the first ancestor that holds the report body too
        title_len = _text_len(node)
        for parent in node.parents:
            if parent.name in (None, "[document]"):
                break
            if parent.find("table") is not None or _text_len(parent) >= max(300, 4 * title_len):
                return parent
        return body
    # no title: the block with the most text that is not link text
    best, best_score = body, -1
    for tag in body.find_all(["div", "article", "main", "section", "td"]):
        links = sum(_text_len(a) for a in tag.find_all("a"))
        score = _text_len(tag) - 2 * links
        if score > best_score * 1.0 and score > 0:
            best, best_score = tag, score
    return best if best_score >= 0.5 * _text_len(body) else body


def _walk(tag, blocks: list[str], inline: list[str]) -> None:
    """Depth-first: inline text gathers into a paragraph, block elements and <br> end it."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment

    def flush():
        if inline:
            blocks.append(clean_paragraph("".join(inline)))
            inline.clear()

    for child in tag.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            inline.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "br":
            flush()
        elif child.name == "table":
            flush()
            if _is_data_table(child):
                blocks.append("\n".join(rows_to_lines(_table_grid(child))))
            else:  # a layout table: read its cells as ordinary content
                _walk(child, blocks, inline)
                flush()
        elif child.name in _BLOCK_TAGS:
            flush()
            _walk(child, blocks, inline)
            flush()
        else:
            _walk(child, blocks, inline)
    if tag.name in _BLOCK_TAGS:
        flush()


def _own_rows(table):
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            rows.append([c for c in tr.find_all(["td", "th"], recursive=False)])
    return rows


def _is_data_table(table) -> bool:
    if table.find("table") is not None:
        return False
    rows = _own_rows(table)
    return any(len(r) >= 2 for r in rows)


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(re.sub(r"\D", "", str(cell.get(name, "1"))) or 1), 200))
    except ValueError:
        return 1


def _table_grid(table) -> list[list[str]]:
    rows = []
    for cells in _own_rows(table):
        row = []
        for cell in cells:
            row.append((clean_cell(cell.get_text("\n")), _span(cell, "rowspan"), _span(cell, "colspan")))
        rows.append(row)
    return expand_grid(rows)
