"""PDF reports (text layer) via pdfplumber: ruled tables become tab-separated rows, the rest
becomes paragraphs (layout-wrapped lines joined, pdf_layout.py), page headers/footers/page
numbers dropped. Pages without a text layer, and tables pasted as pictures, are read by OCR
(ocr.py) when Tesseract is installed.
"""
from __future__ import annotations

import logging
import statistics
from pathlib import Path

from ingest.readers.errors import ReaderError
from ingest.readers.normalise import clean_cell, fix_chars, is_page_number, meaningful_title
from ingest.readers.page_items import CELL_GAP_EMS, PageItem, in_edge_zone
from ingest.readers.pdf_layout import assemble, drop_running_lines, first_page_title, text_tables
from reportqa.types import PageSpan, ReaderOutput

log = logging.getLogger(__name__)

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
    limits = ParseLimits.current()
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
        raise _open_error(path, exc) from exc
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
        else:  # a page whose tables are pictures is read without them (OCR is not installed)
            for index, regions in enumerate(needs):
                if regions:
                    log.warning("%s: page %d: %d picture(s) left unread (%s)", path.name, index + 1, len(regions),
                                ocr_status())
    if _text_amount(pages) < 20:
        raise ReaderError(path.name, "it has no text layer (a scanned PDF) and OCR found no text in it")
    drop_running_lines(pages)
    text, spans = assemble(pages)
    spans = tuple(PageSpan(s.start, s.end, s.page, s.page in ocr_pages) for s in spans)
    return ReaderOutput(text=text, source_format="pdf", encoding="pdf", pages=spans,
                        title_hint=title or first_page_title(pages))


def _open_error(path: Path, exc: Exception) -> ReaderError:
    # pdfplumber wraps pdfminer's error: PdfminerException(PDFPasswordIncorrect())
    message = " ".join(f"{type(e).__name__} {e!r}" for e in (exc, *exc.args, exc.__cause__, exc.__context__)
                       if e is not None).lower()
    if "password" in message or "encrypt" in message:
        return ReaderError(path.name, "the PDF is encrypted (password-protected); save an unprotected copy")
    return ReaderError(path.name, f"the PDF is damaged or truncated and cannot be read ({type(exc).__name__})")


def _text_amount(pages) -> int:
    return sum(len(item.text) for items, _ in pages for item in items if item.is_line) + \
        sum(len(item.rows) for items, _ in pages for item in items if item.is_table)


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

    from ingest.readers.ocr import ocr_items

    workers = max(1, os.cpu_count() or 1)
    height = {i: pages[i][1] for i in range(len(pages))}
    todo = [(index, regions) for index, regions in enumerate(needs) if regions]
    done: set[int] = set()
    doc = pdfium.PdfDocument(str(path))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for batch_start in range(0, len(todo), workers):
                # pdfium renders one page at a time
                jobs = _render_jobs(path, doc, pages, todo[batch_start:batch_start + workers], max_pixels)
                results = list(pool.map(lambda j: ocr_items(j[1], dpi=round(j[4]), origin=j[2], page_height=height[j[0]]), jobs))
                for (index, _crop, _origin, whole_page, _dpi), items in zip(jobs, results):
                    if not items:
                        log.warning("%s: page %d: OCR found no text in a picture; skipped", path.name, index + 1)
                        continue
                    page_items = pages[index][0]
                    if whole_page:
                        page_items.clear()  # a scanned page: its few text-layer characters are read again by OCR
                    page_items.extend(items)
                    page_items[:] = text_tables(sorted(page_items, key=lambda it: it.top))
                    done.add(index + 1)
    finally:
        doc.close()
    return done


def _render_jobs(path: Path, doc, pages, batch, max_pixels: int) -> list[tuple]:
    """(page index, region image, region origin, whole page?, dpi) for the regions of a batch of pages."""
    from ingest.readers.ocr import DPI

    jobs = []
    for index, regions in batch:
        page = doc[index]
        width_pt, height_pt = page.get_size()
        if _is_blank(page):
            log.warning("%s: page %d is blank; skipped (nothing for OCR to read)", path.name, index + 1)
            continue
        dpi = min(DPI, 72 * (max_pixels / max(1.0, width_pt * height_pt)) ** 0.5)
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        for x0, top, x1, bottom in regions:
            s = dpi / 72
            crop = image.crop((int(x0 * s), int(top * s), int(x1 * s), int(bottom * s)))
            whole_page = len(regions) == 1 and (x0, top) == (0, 0) and bottom >= pages[index][1] - 1
            jobs.append((index, crop, (x0, top), whole_page, dpi))
    return jobs


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


# --------------------------------------------------------------------------- the text layer

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


def _read_page(page) -> tuple[list[PageItem], float]:
    page = page.filter(_visible)
    tables = _find_tables(page)

    def outside(obj):
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b, _ in tables)

    items = [PageItem.table(b[1], rows) for b, rows in tables]
    for line in page.filter(outside).extract_text_lines(strip=True, return_chars=True):
        text = fix_chars(line["text"]).strip()
        if not text:
            continue
        chars = line["chars"]
        size = statistics.median(c["size"] for c in chars)
        in_edge = in_edge_zone(line["top"], line["bottom"], page.height)
        if in_edge and is_page_number(text):
            continue
        items.append(PageItem.line(top=line["top"], x0=line["x0"], x1=line["x1"], size=size, text=text, edge=in_edge,
                                   cells=_gap_cells(chars, size)))
    items.sort(key=lambda it: it.top)
    return text_tables(items), page.height


def _gap_cells(chars, size):
    """Split a text line at wide gaps: cells of a table drawn without ruling lines."""
    cells, current, prev = [], [], None
    for c in sorted(chars, key=lambda c: c["x0"]):
        if prev is not None and c["x0"] - prev["x1"] > CELL_GAP_EMS * size:
            cells.append("".join(current))
            current = []
        current.append(c["text"])
        prev = c
    cells.append("".join(current))
    return [clean_cell(c) for c in cells if c.strip()]
