"""PDF page items into canonical text: runs of gap-split lines become tables, running headers
and footers are dropped, layout-wrapped lines are joined into paragraphs, tables go in as
tab-separated rows (a table continued over a page break stays one table). Pure: works on the
page items of pdf.py / ocr.py, no PDF library."""
from __future__ import annotations

import re
import statistics
from collections import Counter

from ingest.readers.normalise import (HEADING_RE, LABEL_START_RE, TextBuilder, clean_cell, is_number, join_pieces,
                                      meaningful_title, rows_to_lines)
from ingest.readers.page_items import PageItem

# a page: (its items in reading order, its height in points)
Page = tuple[list[PageItem], float]


def text_tables(items: list[PageItem]) -> list[PageItem]:
    """Runs of lines that split into >= 3 wide-gap cells with >= 2 numbers become a table."""
    out, run = [], []
    for it in items + [None]:
        tabular = it is not None and it.is_line and len(it.cells) >= 3 and sum(is_number(c) for c in it.cells) >= 2
        if tabular:
            run.append(it)
            continue
        if run:
            out.append(PageItem.table(run[0].top, [r.cells for r in run]))
            run = []
        if it is not None:
            out.append(it)
    return out


def drop_running_lines(pages: list[Page]) -> None:
    """Running headers/footers: the same line in the top/bottom zone of at least half the pages."""
    if len(pages) < 3:
        return
    counts = Counter(it.text for items, _ in pages for it in items if it.is_line and it.edge)
    running = {t for t, n in counts.items() if n >= max(2, len(pages) // 2)}
    for items, _ in pages:
        items[:] = [it for it in items if not (it.is_line and it.edge and it.text in running)]


def assemble(pages: list[Page]):
    """(text, page marks) of the builder: paragraphs and tables in page order."""
    lines = [it for items, _ in pages for it in items if it.is_line]
    sizes = Counter(round(it.size) for it in lines) or Counter({12: 1})
    body = sizes.most_common(1)[0][0]
    body_lines = [it for it in lines if round(it.size) == body and len(it.text) > 8] or lines \
        or [PageItem.line(top=0.0, x0=0, x1=1e9, size=0.0, text="", edge=False, cells=())]
    left = min(statistics.median_low([it.x0 for it in body_lines]), min(it.x0 for it in body_lines) + 4)
    right = max(it.x1 for it in body_lines)

    builder = TextBuilder()
    para: list[tuple[str, int]] = []
    table: list[tuple[list[list[str]], int]] = []  # segments (rows, page) of the table being read
    prev = None

    def flush():
        nonlocal para, table
        if para:
            _add_paragraph(builder, para)
        for i, (rows, page_no) in enumerate(table):
            lines_ = rows_to_lines(rows)
            if lines_:
                builder.add("\n".join(lines_), page_no, sep="\n" if i else "\n\n")
        para, table = [], []

    for page_no, (items, _height) in enumerate(pages, start=1):
        for idx, it in enumerate(items):
            if it.is_table:
                rows = [[clean_cell(c) for c in row] for row in it.rows]
                if table and idx == 0 and table[-1][1] == page_no - 1:
                    _repair_split_labels(table[-1][0], rows)  # the table goes on over the page break
                else:
                    flush()
                table.append((rows, page_no))
                prev = None
                continue
            if table:
                flush()
            if prev is not None and not _starts_paragraph(it, prev, left, right, body):
                para.append((it.text, page_no))
            else:
                flush()
                para = [(it.text, page_no)]
            prev = it
    flush()
    return builder.result()


def _starts_paragraph(it: PageItem, prev: PageItem, left, right, body) -> bool:
    size, psize = it.size, prev.size
    if size > 1.2 * body and psize > 1.2 * body and abs(size - psize) < 1:
        return False  # a title set over several lines
    if abs(size - psize) > 1.5 or HEADING_RE.match(it.text):
        return True
    if it.x0 > left + 1.2 * size:  # first-line indent, or a centred line
        return True
    return prev.x1 < right - 1.5 * psize  # the previous line stopped short: it ended a paragraph


def _add_paragraph(builder: TextBuilder, pieces) -> None:
    text = join_pieces(p for p, _ in pieces)
    first_page = pieces[0][1]
    builder.add(text, first_page)
    # A paragraph running over a page break: mark where the next page's part begins.
    head = join_pieces(p for p, pg in pieces if pg == first_page)
    if len(head) < len(text) and text.startswith(head):
        cut = len(head) + (1 if text[len(head)] == " " else 0)
        later = [pg for _, pg in pieces if pg != first_page]
        builder.marks.append((builder.length - len(text) + cut, later[0]))


_CONT_RE = re.compile(r"^[\u4e00-\u9fff]")
_TITLE_ROW_RE = re.compile(r"^第[一二三四五六七八九十]+[条條]")


def _repair_split_labels(prev_rows, rows) -> None:
    """A group label broken by the page break ('（四）无' / '法提供'): the continued table's first row
    carries a label fragment that does not start a label; glue it to the label above it."""
    if not rows or not prev_rows or len(rows[0]) != len(prev_rows[-1]):
        return
    first = rows[0]
    if sum(1 for c in first if c) < 2 or any(_TITLE_ROW_RE.match(c) for c in first if c):
        return  # the next table's title row ('第二十条第（六）项'), not the rest of a label
    for col, cell in enumerate(first):
        if not cell or is_number(cell) or LABEL_START_RE.match(cell) or not _CONT_RE.match(cell):
            continue
        for row in reversed(prev_rows):
            if row[col]:
                if not is_number(row[col]) and LABEL_START_RE.match(row[col]):  # '（四）无', not '信息内容'
                    row[col] += cell
                    first[col] = ""
                break


def first_page_title(pages: list[Page]) -> str | None:
    """The largest-type lines at the top of page 1 (the report title), if set larger than the body."""
    lines = [it for it in pages[0][0] if it.is_line] if pages else []
    if len(lines) < 2:
        return None
    big = max(it.size for it in lines)
    if big < 1.15 * statistics.median(it.size for it in lines):
        return None
    picked = [it.text for it in lines if abs(it.size - big) < 1][:3]
    return meaningful_title(join_pieces(picked))
