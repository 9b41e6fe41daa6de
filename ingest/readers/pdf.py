"""PDF reports (text layer) via pdfplumber: ruled tables become tab-separated rows, the rest
becomes paragraphs (layout-wrapped lines joined), page headers/footers/page numbers dropped.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

from ingest.readers.errors import ReaderError
from ingest.readers.normalise import (HEADING_RE, LABEL_START_RE, TextBuilder, clean_cell, fix_chars,
                                      is_number, is_page_number, join_pieces, meaningful_title,
                                      rows_to_lines)
from reportqa.types import PageSpan, ReaderOutput

_EDGE_ZONE = 0.1  # top/bottom share of the page where running headers and page numbers live
_OCR_HINT = ("it has no text layer (a scanned PDF) and OCR is not available here: install Tesseract with "
             "`apt-get install tesseract-ocr tesseract-ocr-chi-sim` (scripts/install.sh --test does), "
             "or provide a PDF with a text layer")


def read_pdf(path: Path) -> ReaderOutput:
    import pdfplumber

    path = Path(path)
    head = path.read_bytes()[:1024]
    if not head.strip():
        raise ReaderError(path.name, "the file is empty")
    if b"%PDF" not in head:
        raise ReaderError(path.name, "this is not a PDF file (no %PDF header)")
    from reportqa.config import ParseLimits
    limits = ParseLimits.from_env()
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > limits.max_pages:
                raise ReaderError(path.name, f"the PDF has {len(pdf.pages)} pages; the limit is {limits.max_pages}")
            title = _metadata_title(pdf)
            pages = [_read_page(page) for page in pdf.pages]
            needs = [_ocr_regions(page) for page in pdf.pages]
    except ReaderError:
        raise
    except Exception as exc:  # pdfminer raises many types for broken files
        # pdfplumber wraps pdfminer's error: PdfminerException(PDFPasswordIncorrect())
        message = " ".join(f"{type(e).__name__} {e!r}" for e in (exc, *exc.args, exc.__cause__, exc.__context__)
                           if e is not None).lower()
        if "password" in message or "encrypt" in message:
            raise ReaderError(path.name, "the PDF is encrypted (password-protected); save an unprotected copy") from exc
        raise ReaderError(path.name, f"the PDF is damaged or truncated and cannot be read ({type(exc).__name__})") from exc
    if not pages:
        raise ReaderError(path.name, "the PDF has no pages")
    ocr_pages: set[int] = set()
    if any(needs):
        from ingest.readers.ocr import ocr_status
        if ocr_status() is None:
            n_ocr = sum(1 for regions in needs if regions)
            if n_ocr > limits.max_ocr_pages:
                raise ReaderError(path.name, f"{n_ocr} pages need OCR (no text layer); the limit is {limits.max_ocr_pages} pages")
            ocr_pages = _run_ocr(path, pages, needs, limits.max_page_pixels)
        elif _text_amount(pages) < 20:
            raise ReaderError(path.name, _OCR_HINT + f" ({ocr_status()})")
        # else: a page whose tables are pictures is read without them (OCR is not installed)
    if _text_amount(pages) < 20:
        raise ReaderError(path.name, "it has no text layer (a scanned PDF) and OCR found no text in it")
    _drop_running_lines(pages)
    text, spans = _assemble(pages)
    spans = tuple(PageSpan(s.start, s.end, s.page, s.page in ocr_pages) for s in spans)
    return ReaderOutput(text=text, source_format="pdf", encoding="pdf", pages=spans,
                        title_hint=title or _first_page_title(pages))


def _text_amount(pages) -> int:
    return sum(len(item["text"]) for items, _ in pages for item in items if item["kind"] == "line") + \
        sum(len(item["rows"]) for items, _ in pages for item in items if item["kind"] == "table")


def _ocr_regions(page) -> list[tuple[float, float, float, float]]:
    """What of a page must be read by OCR: the whole page when it has (almost) no text layer, else
    the large images with no text over them (a table pasted as a picture)."""
    box = (0.0, 0.0, float(page.width), float(page.height))
    if len(page.chars) < 10:
        return [box]
    regions = []
    for img in page.images:
        x0, top, x1, bottom = max(img["x0"], 0), max(img["top"], 0), min(img["x1"], page.width), min(img["bottom"], page.height)
        if (x1 - x0) * (bottom - top) < 0.06 * page.width * page.height or (x1 - x0) < 0.3 * page.width:
            continue
        inside = sum(1 for c in page.chars if x0 <= c["x0"] <= x1 and top <= c["top"] <= bottom)
        if inside < 10:
            regions.append((x0, top, x1, bottom))
    return regions


def _run_ocr(path: Path, pages, needs, max_pixels: int) -> set[int]:
    """OCR the regions (rendered with pdfium, read by Tesseract in parallel) into the page items.

    Pages are rendered a few at a time (a scan's pages are not all held in memory at once), blank
    pages are skipped after a cheap low-resolution look, and a page too large for max_pixels at
    the OCR resolution is rendered at a lower one."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    import pypdfium2 as pdfium

    from ingest.readers.ocr import DPI, ocr_items

    workers = max(1, os.cpu_count() or 1)
    height = {i: pages[i][1] for i in range(len(pages))}
    todo = [(index, regions) for index, regions in enumerate(needs) if regions]
    done: set[int] = set()
    doc = pdfium.PdfDocument(str(path))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for batch_start in range(0, len(todo), workers):
                jobs = []
                for index, regions in todo[batch_start:batch_start + workers]:  # pdfium renders one page at a time
                    page = doc[index]
                    width_pt, height_pt = page.get_size()
                    if _is_blank(page):
                        continue
                    dpi = min(DPI, 72 * (max_pixels / max(1.0, width_pt * height_pt)) ** 0.5)
                    image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                    for x0, top, x1, bottom in regions:
                        s = dpi / 72
                        crop = image.crop((int(x0 * s), int(top * s), int(x1 * s), int(bottom * s)))
                        whole_page = len(regions) == 1 and (x0, top) == (0, 0) and bottom >= pages[index][1] - 1
                        jobs.append((index, crop, (x0, top), whole_page, dpi))
                results = list(pool.map(lambda j: ocr_items(j[1], dpi=round(j[4]), origin=j[2], page_height=height[j[0]]), jobs))
                for (index, _crop, _origin, whole_page, _dpi), items in zip(jobs, results):
                    if not items:
                        continue
                    page_items = pages[index][0]
                    if whole_page:
                        page_items.clear()  # a scanned page: its few text-layer characters are read again by OCR
                    page_items.extend(items)
                    page_items[:] = _text_tables(sorted(page_items, key=lambda it: it["top"]))
                    done.add(index + 1)
    finally:
        doc.close()
    return done


def _is_blank(page) -> bool:
    """No ink at 18 dpi (a blank or nearly white page): nothing for OCR to read."""
    import numpy as np
    small = np.asarray(page.render(scale=0.25, grayscale=True).to_pil())
    return small.size == 0 or int((small < 200).sum()) < 3


def _metadata_title(pdf) -> str | None:
    try:
        raw = pdf.doc.info[0].get("Title") if pdf.doc.info else None
    except Exception:
        return None
    if hasattr(raw, "resolve"):
        raw = raw.resolve()
    if isinstance(raw, bytes):
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raw = raw.decode("utf-16", errors="ignore")
        else:
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                raw = raw.decode("latin-1")
    return meaningful_title(raw) if isinstance(raw, str) else None


def _visible(obj) -> bool:
    # Word/WPS exports paint white, unstroked rectangles behind text lines; they are not ruling lines.
    if obj.get("object_type") == "rect" and not obj.get("stroke"):
        colour = obj.get("non_stroking_color")
        if colour in ((1, 1, 1), (1.0, 1.0, 1.0), (1,), 1, [1, 1, 1]):
            return False
    return True


def _outline(bbox):
    x0, top, x1, bottom = bbox
    h = [dict(x0=x0, x1=x1, top=y, bottom=y, width=x1 - x0, height=0, object_type="line") for y in (top, bottom)]
    v = [dict(x0=x, x1=x, top=top, bottom=bottom, width=0, height=bottom - top, object_type="line") for x in (x0, x1)]
    return h, v


def _find_tables(page):
    tables = [t for t in page.find_tables() if _is_table(t.extract())]
    if not tables:
        return []
    # Close cells whose outer border is missing (e.g. the top edge of a table continued from the
    # previous page) by adding each table's outline as explicit ruling lines, then look again.
    h, v = [], []
    for t in tables:
        hh, vv = _outline(_extent(page, t.bbox))
        h += hh
        v += vv
    found = page.find_tables({"explicit_horizontal_lines": h, "explicit_vertical_lines": v})
    return [(t.bbox, t.extract()) for t in found if _is_table(t.extract())]


def _extent(page, bbox):
    """The table's box grown to the ends of its vertical rulings: a row cut by the page break has
    side and column rules but no bottom rule, so pdfplumber leaves it out of the table."""
    x0, top, x1, bottom = bbox
    for e in page.vertical_edges if hasattr(page, "vertical_edges") else []:
        if x0 - 1 <= e["x0"] <= x1 + 1 and e["bottom"] >= top and e["top"] <= bottom:
            top, bottom = min(top, e["top"]), max(bottom, e["bottom"])
    return x0, top, x1, bottom


def _is_table(rows) -> bool:
    return len(rows) >= 1 and any(sum(1 for c in row if c not in (None, "")) >= 2 for row in rows)


def _read_page(page):
    page = page.filter(_visible)
    tables = _find_tables(page)

    def outside(obj):
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b, _ in tables)

    items = [{"kind": "table", "top": b[1], "rows": rows} for b, rows in tables]
    for line in page.filter(outside).extract_text_lines(strip=True, return_chars=True):
        text = fix_chars(line["text"]).strip()
        if not text:
            continue
        chars = line["chars"]
        size = statistics.median(c["size"] for c in chars)
        in_edge = line["bottom"] < page.height * _EDGE_ZONE or line["top"] > page.height * (1 - _EDGE_ZONE)
        if in_edge and is_page_number(text):
            continue
        items.append({"kind": "line", "top": line["top"], "x0": line["x0"], "x1": line["x1"], "size": size,
                      "text": text, "edge": in_edge, "cells": _gap_cells(chars, size)})
    items.sort(key=lambda it: it["top"])
    return _text_tables(items), page.height


def _gap_cells(chars, size):
    """Split a text line at wide gaps: cells of a table drawn without ruling lines."""
    cells, current, prev = [], [], None
    for c in sorted(chars, key=lambda c: c["x0"]):
        if prev is not None and c["x0"] - prev["x1"] > 1.8 * size:
            cells.append("".join(current))
            current = []
        current.append(c["text"])
        prev = c
    cells.append("".join(current))
    return [clean_cell(c) for c in cells if c.strip()]


def _text_tables(items):
    """Runs of lines that split into >= 3 wide-gap cells with >= 2 numbers become a table."""
    out, run = [], []
    for it in items + [None]:
        tabular = it is not None and it["kind"] == "line" and len(it["cells"]) >= 3 \
            and sum(is_number(c) for c in it["cells"]) >= 2
        if tabular:
            run.append(it)
            continue
        if run:
            out.append({"kind": "table", "top": run[0]["top"], "rows": [r["cells"] for r in run]})
            run = []
        if it is not None:
            out.append(it)
    return out


def _drop_running_lines(pages) -> None:
    """Running headers/footers: the same line in the top/bottom zone of at least half the pages."""
    if len(pages) < 3:
        return
    counts = Counter(it["text"] for items, _ in pages for it in items if it["kind"] == "line" and it["edge"])
    running = {t for t, n in counts.items() if n >= max(2, len(pages) // 2)}
    for items, _ in pages:
        items[:] = [it for it in items if not (it["kind"] == "line" and it["edge"] and it["text"] in running)]


def _assemble(pages):
    lines = [it for items, _ in pages for it in items if it["kind"] == "line"]
    sizes = Counter(round(it["size"]) for it in lines) or Counter({12: 1})
    body = sizes.most_common(1)[0][0]
    body_lines = [it for it in lines if round(it["size"]) == body and len(it["text"]) > 8] or lines or [{"x0": 0, "x1": 1e9}]
    left = min(statistics.median_low([it["x0"] for it in body_lines]), min(it["x0"] for it in body_lines) + 4)
    right = max(it["x1"] for it in body_lines)

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
            if it["kind"] == "table":
                rows = [[clean_cell(c) for c in row] for row in it["rows"]]
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
                para.append((it["text"], page_no))
            else:
                flush()
                para = [(it["text"], page_no)]
            prev = it
    flush()
    return builder.result()


def _starts_paragraph(it, prev, left, right, body) -> bool:
    size, psize = it["size"], prev["size"]
    if size > 1.2 * body and psize > 1.2 * body and abs(size - psize) < 1:
        return False  # a title set over several lines
    if abs(size - psize) > 1.5 or HEADING_RE.match(it["text"]):
        return True
    if it["x0"] > left + 1.2 * size:  # first-line indent, or a centred line
        return True
    return prev["x1"] < right - 1.5 * psize  # the previous line stopped short: it ended a paragraph


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


def _first_page_title(pages) -> str | None:
    """The largest-type lines at the top of page 1 (the report title), if set larger than the body."""
    lines = [it for it in pages[0][0] if it["kind"] == "line"] if pages else []
    if len(lines) < 2:
        return None
    big = max(it["size"] for it in lines)
    if big < 1.15 * statistics.median(it["size"] for it in lines):
        return None
    picked = [it["text"] for it in lines if abs(it["size"] - big) < 1][:3]
    return meaningful_title(join_pieces(picked))
