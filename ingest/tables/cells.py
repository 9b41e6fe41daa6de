"""Turn a stretch of canonical text into a stream of cells, whatever the table layout.

Tab rows, `|` rows, Markdown tables, one cell per line (with or without `|`), cells separated by
blank lines and columns separated by runs of spaces all become the same thing: a list of
`Cell(text, start, end, line)` in reading order, with offsets into the canonical text. Empty
cells between separators on one line are kept (a blank value); blank lines are not cells.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_TAB = re.compile(r"\t")
_PIPE = re.compile(r"\|")
_SPACES = re.compile(r"[ \u3000]{2,}")
_MARKDOWN_RULE = re.compile(r"^[\s|:\-—+]+$")
_PAGE_FOOTER = re.compile(r"^(?:[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d+\s*页(?:\s*[,，/共]\s*共?\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
# A cell's number: signed or written with 增/减 (the 2019 format's 本年增/减 column), with or without a
# unit written after it (240万元, 12件).
_NUMBER = re.compile(r"^(?:[+\-－]|增加?|减少?)?\s*[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?\s*(?:万元|元|件|个|条|项|次)?$")
_UNIT_AFTER = re.compile(r"\s*(?:万元|元|件|个|条|项|次)$")
_BLANK_MARKS = {"/", "／", "-", "—", "－", "–", "——", "\\", "无", "無", "空"}
_PLAIN_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")
_NOT_LABEL_END = set("0123456789０１２３４５６７８９.．,，、")


@dataclass(frozen=True)
class Cell:
    text: str  # stripped cell text as written
    start: int  # offsets of the stripped text in the canonical text
    end: int
    line: int

    @property
    def is_empty(self) -> bool:
        return self.text == ""

    @property
    def is_value(self) -> bool:
        return is_value_text(self.text)

    @property
    def is_label(self) -> bool:
        return bool(self.text) and not self.is_value


def is_value_text(text: str) -> bool:
    return bool(_NUMBER.match(text)) or text in _BLANK_MARKS


def parse_value(text: str) -> Decimal | None:
    """Exact value of a cell: Decimal for numbers (full-width digits too), None for blank or "/"."""
    if text in _BLANK_MARKS or not text:
        return None
    plain = unicodedata.normalize("NFKC", text).replace(",", "").replace("，", "")
    plain = _UNIT_AFTER.sub("", plain)
    plain = re.sub(r"^(?:增加?)\s*", "", re.sub(r"^(?:减少?)\s*", "-", plain)).replace(" ", "")
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


def split_cells(text: str, start: int, end: int) -> list[Cell]:
    """Cells of text[start:end] in reading order."""
    cells: list[Cell] = []
    pos = start
    line_no = 0
    for line in text[start:end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        line_no += 1
        if not line.strip() or _MARKDOWN_RULE.match(line) and "-" in line:
            continue
        if _PAGE_FOOTER.match(line.strip()):
            continue
        pieces = _split_line(line)
        has_separator = len(pieces) > 1
        # "| a | b |" has empty edge pieces that are not cells.
        if line.strip().startswith("|") and pieces and not pieces[0][0].strip():
            pieces = pieces[1:]
        if line.strip().endswith("|") and pieces and not pieces[-1][0].strip():
            pieces = pieces[:-1]
        for piece, offset in pieces:
            stripped = piece.strip()
            if not stripped and not has_separator:
                continue
            lead = len(piece) - len(piece.lstrip())
            cell_start = line_start + offset + lead
            cells.extend(_split_label_and_numbers(stripped, cell_start, line_no))
    return cells


def _split_line(line: str) -> list[tuple[str, int]]:
    # One kind of separator per line: tabs, else pipes, else runs of spaces (PDF text layouts).
    separator = _TAB if "\t" in line else _PIPE if "|" in line else _SPACES
    pieces, last = [], 0
    for match in separator.finditer(line):
        pieces.append((line[last:match.start()], last))
        last = match.end()
    pieces.append((line[last:], last))
    if separator is _SPACES:  # indentation and trailing spaces separate nothing
        pieces = [p for i, p in enumerate(pieces) if p[0].strip() or 0 < i < len(pieces) - 1]
    return pieces


def _split_label_and_numbers(text: str, start: int, line: int) -> list[Cell]:
    """"行政处罚 367" or "30 0 0 0 30" (single spaces) are several cells."""
    if not text:
        return [Cell("", start, start, line)]
    parts = text.split()
    if len(parts) > 1 and all(is_value_text(p) for p in parts):
        out, pos = [], 0
        for p in parts:
            i = text.index(p, pos)
            out.append(Cell(p, start + i, start + i + len(p), line))
            pos = i + len(p)
        return out
    # a label then numbers, "行政处罚 367 0": found token by token (a regular expression with a
    # repeated group here backtracked for minutes on 行政许可 111…1x)
    k = len(parts)
    while k > 0 and _PLAIN_NUMBER.fullmatch(parts[k - 1]):
        k -= 1
    if 0 < k < len(parts) and parts[k - 1][-1] not in _NOT_LABEL_END and re.search(r"[\u4e00-\u9fff]", " ".join(parts[:k])):
        pos = 0
        for p in parts[:k]:
            pos = text.index(p, pos) + len(p)
        label = text[:pos]
        out = [Cell(label, start, start + len(label), line)]
        for p in parts[k:]:
            i = text.index(p, pos)
            out.append(Cell(p, start + i, start + i + len(p), line))
            pos = i + len(p)
        return out
    return [Cell(text, start, start + len(text), line)]
