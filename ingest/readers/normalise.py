"""Helpers shared by the layout readers (PDF, Word, HTML): character repair, CJK-aware line
joining, table rows as tab-separated lines, and assembling blocks into canonical text + spans.

Canonical text layout: one paragraph per line; blocks (paragraphs, tables) separated by a blank
line; a table is one line per row, cells separated by a single TAB, covered (merged) cells empty.
"""
from __future__ import annotations

import re
import unicodedata

from reportqa.types import PageSpan

# CJK Radicals Supplement (U+2E80-U+2EF3): NFKC maps only two of them, so map the rest by hand.
_RADICALS_SUPPLEMENT = dict(zip(
    "⺀⺁⺂⺃⺄⺅⺆⺇⺈⺉⺊⺋⺌⺍⺎⺏⺐⺑⺒⺓⺔⺕⺖⺗⺘⺙⺛⺜⺝⺞⺟⺠⺡⺢⺣⺤⺥⺦⺧⺨⺩⺪⺫⺬⺭⺮⺯⺰⺱⺲⺳⺴⺵⺶⺷⺸⺹⺺⺻⺼⺽⺾⺿⻀⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎⻏⻐⻑⻒⻓⻔⻕⻖⻗⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "冫厂乙乚乛亻冂几刀刂卜卩小小尢尢尣兀巳彐彑彑忄忄扌攵旡月月歹母民氵氺灬爫爫丬牜犭王疋目示礻竹糸纟罒罒罒罒网羊羊羊老聿肀月臼艹艹艹虎衤覀西见角角讠贝足车辶辶辶阝钅長镸长门阝阝雨青韦页风飞食飠飠饣首马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟",
))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f"}

CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE_RE = re.compile(rf"(?<=[{CJK}“”‘’])[ \t]+(?=[{CJK}“”‘’])")
_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_PUNCT_SPACE_RE = re.compile(rf"[ \t]+(?=[{_PUNCT}])|(?<=[{_PUNCT}])[ \t]+")
_MULTI_SPACE_RE = re.compile(r"[ \t]{2,}")
_CJK_CHAR_RE = re.compile(rf"[{CJK}“”‘’]")

HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章节部分])")
LABEL_START_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.、．]|[（(]?本列)")
_PAGE_NUMBER_RES = [
    re.compile(r"^[-—–－~\s]*\d{1,4}[-—–－~\s]*$"),
    re.compile(r"^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"),
    re.compile(r"^\d+\s*/\s*\d+$"),
    re.compile(r"^(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?$", re.I),
]
NUMBER_RE = re.compile(r"^[-+]?[\d０-９][\d０-９,，.．]*%?$")


def fix_chars(text: str) -> str:
    """Map Kangxi radicals / radical-supplement / compatibility ideographs to ordinary CJK;
    drop invisible characters; other characters (full-width digits, brackets) stay as they are."""
    out = []
    for ch in text:
        cp = ord(ch)
        if 0x2F00 <= cp <= 0x2FD5 or 0xF900 <= cp <= 0xFAFF:
            ch = unicodedata.normalize("NFKC", ch)
        elif 0x2E80 <= cp <= 0x2EF3:
            ch = _RADICALS_SUPPLEMENT.get(ch, unicodedata.normalize("NFKC", ch))
        out.append(ch)
    return "".join(out).translate(_INVISIBLE).translate(_SPACES)


def squeeze_spaces(text: str) -> str:
    """Remove spaces between two CJK characters (justified or letter-spaced text), collapse runs."""
    text = _PUNCT_SPACE_RE.sub("", _CJK_SPACE_RE.sub("", text))
    return _MULTI_SPACE_RE.sub(" ", text).strip()


def join_pieces(pieces) -> str:
    """Join wrapped lines of one paragraph: no separator at a CJK boundary, a space between Latin words."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and not (_CJK_CHAR_RE.match(out[-1]) or _CJK_CHAR_RE.match(piece[0])) \
                and not out.endswith(("-", "/", "@")):
            out += " "
        out += piece
    return squeeze_spaces(out)


def clean_cell(value) -> str:
    """One table cell as it goes into a tab-separated row: lines joined, no tabs, trimmed."""
    if value is None:
        return ""
    text = fix_chars(str(value)).replace("\t", " ").replace("\r", "\n")
    return join_pieces(text.split("\n"))


def clean_paragraph(text: str) -> str:
    return join_pieces(fix_chars(text).replace("\t", " ").replace("\r", "\n").split("\n"))


def is_page_number(line: str) -> bool:
    line = line.strip()
    return bool(line) and any(r.match(line) for r in _PAGE_NUMBER_RES)


def is_number(cell: str) -> bool:
    return bool(NUMBER_RE.match(cell.strip()))


def rows_to_lines(rows) -> list[str]:
    """Grid rows (lists of cell strings, '' for covered/empty cells) to tab-separated lines."""
    lines = []
    for row in rows:
        cells = [clean_cell(c) for c in row]
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def expand_grid(rows) -> list[list[str]]:
    """Expand HTML-like rows of (text, rowspan, colspan) into a grid: a merged cell's text sits in
    its top-left slot, covered slots are ''."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        line: list[str | None] = []
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in pending:
                line.append(pending.pop((r, c)))
                c += 1
            line.append(text)
            for dc in range(1, max(colspan, 1)):
                line.append("")
            for dr in range(1, max(rowspan, 1)):
                for dc in range(max(colspan, 1)):
                    pending[(r + dr, c + dc)] = ""
            c += max(colspan, 1)
        while (r, c) in pending:
            line.append(pending.pop((r, c)))
            c += 1
        grid.append(line)
    width = max((len(x) for x in grid), default=0)
    return [[x or "" for x in row] + [""] * (width - len(row)) for row in grid]


class TextBuilder:
    """Accumulates blocks (paragraph strings or lists of table lines) tagged with a page/block
    number and produces the canonical text with contiguous PageSpans covering it in order."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.marks: list[tuple[int, int]] = []  # (offset, page) where a page's content starts

    def _mark(self, page: int) -> None:
        if not self.marks or self.marks[-1][1] != page:
            self.marks.append((self.length, page))

    def _write(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def add(self, text: str, page: int, sep: str = "\n\n") -> None:
        if not text:
            return
        if self.length:
            self._write(sep)
        self._mark(page)
        self._write(text)

    def result(self) -> tuple[str, tuple[PageSpan, ...]]:
        text = "".join(self.parts)
        spans = []
        for i, (start, page) in enumerate(self.marks):
            end = self.marks[i + 1][0] if i + 1 < len(self.marks) else len(text)
            spans.append(PageSpan(0 if i == 0 else start, end, page))
        return text, tuple(spans)


def meaningful_title(title: str | None) -> str | None:
    if not title:
        return None
    title = squeeze_spaces(fix_chars(title))
    generic = {"政府信息公开工作年度报告", "年度报告", "untitled", "无标题", "document", "文档"}
    if len(title) < 4 or title.lower() in generic or title.lower().startswith(("microsoft word", "wps")):
        return None
    return title
