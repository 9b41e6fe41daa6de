"""OCR for PDF pages without a text layer (scans) and for tables set as images, with Tesseract
(Debian: `apt-get install tesseract-ocr tesseract-ocr-chi-sim`), called as a subprocess for its
TSV word boxes.

Tables are rebuilt from the picture, not from the words alone (the geometry is in grid.py): ruling
lines are found in the image, erased before OCR (they confuse the recogniser), and used as the
grid; a merged cell's text goes into its first slot, the covered slots stay empty, as pdfplumber
reports a ruled text table. Words outside ruled tables become lines, split into cells at wide
gaps. The result is the PDF reader's page items (page_items.py), so one assembly serves
text-layer and OCR'd pages.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from functools import lru_cache

import numpy as np

from ingest.readers.grid import DARK, cell_boxes, find_rules, gap_cells, grow, join_words, looks_numeric, ruled_tables
from ingest.readers.normalise import clean_cell
from ingest.readers.page_items import PageItem, in_edge_zone
from reportqa.config import ParseLimits

DPI = 300
LANG = "chi_sim"
_NUMBER = re.compile(r"^(?:-?\d+(?:\.\d+)?|/)$")


@lru_cache(maxsize=1)
def ocr_status() -> str | None:
    """None when OCR can run here, else what is missing (a sentence for error messages)."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "Tesseract is not installed"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "Tesseract does not run"
    if LANG not in langs:
        return f"Tesseract's Chinese model ({LANG}) is not installed"
    return None


# --------------------------------------------------------------------------- tesseract

def _tesseract_words(image, psm: int = 6, lang: str = LANG, config: tuple[str, ...] = ()) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "page.png")
        image.save(png)
        args = ["tesseract", png, "stdout", "-l", lang, "--psm", str(psm), "-c", "preserve_interword_spaces=1"]
        for c in config:
            args += ["-c", c]
        proc = subprocess.run(args + ["tsv"], capture_output=True, timeout=600, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace")[-300:])
    words = []
    for row in csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            conf = float(row["conf"])
        except (TypeError, ValueError):
            conf = -1.0
        words.append({"text": text, "x0": int(row["left"]), "y0": int(row["top"]), "conf": conf,
                      "line": (row["block_num"], row["par_num"], row["line_num"]),
                      "x1": int(row["left"]) + int(row["width"]), "y1": int(row["top"]) + int(row["height"])})
    return [w for w in words if not (set(w["text"]) <= set("|_-—~=.,:;'\"`") and w["conf"] < 60)]


# --------------------------------------------------------------------------- page → items

def ocr_items(image, *, dpi: int = DPI, origin=(0.0, 0.0), page_height: float) -> list[PageItem]:
    """The PDF reader's page items (lines and tables, page coordinates in points) for one image
    of (part of) a page rendered at `dpi`, whose top-left corner sits at `origin` on the page."""
    from PIL import Image

    gray = np.asarray(image.convert("L"))
    rule_mask, h, v = find_rules(gray, dpi)
    clean = gray.copy()
    clean[grow(rule_mask, 2)] = 255
    scale = 72.0 / dpi
    ox, oy = origin
    items = []
    tables = ruled_tables(h, v)
    text_part = clean.copy()
    for (bx0, by0, bx1, by1), _hs, _vs in tables:
        text_part[max(0, by0 - 2): by1 + 3, max(0, bx0 - 2): bx1 + 3] = 255
    for rows, (bx0, by0, bx1, by1) in zip(_read_tables(clean, tables), (t[0] for t in tables)):
        if rows:
            items.append(PageItem.table(oy + by0 * scale, rows))
    words = _tesseract_words(Image.fromarray(text_part), psm=4) if (text_part < DARK).any() else []
    by_line: dict[tuple, list[dict]] = {}
    for w in words:
        by_line.setdefault(w["line"], []).append(w)
    for line in sorted((sorted(ws, key=lambda w: w["x0"]) for ws in by_line.values()), key=lambda ws: min(w["y0"] for w in ws)):
        heights = [w["y1"] - w["y0"] for w in line]
        size = statistics.median(heights) * scale / 0.88  # glyph box ≈ 0.88 em for CJK
        text = _repair_heading(join_words(line))
        if not text:
            continue
        top = oy + min(w["y0"] for w in line) * scale
        bottom = oy + max(w["y1"] for w in line) * scale
        items.append(PageItem.line(top=top, x0=ox + line[0]["x0"] * scale, x1=ox + line[-1]["x1"] * scale, size=size,
                                   text=text, edge=in_edge_zone(top, bottom, page_height),
                                   cells=gap_cells(line, size / scale)))
    items.sort(key=lambda it: it.top)
    return items


_LOST_NUMERAL = re.compile(r"^[^\u4e00-\u9fff]{0,2}[\u4e00-\u9fff]?\s*、\s*")


def _repair_heading(text: str) -> str:
    """Tesseract often drops or misreads the numeral of a section heading ('、收到和处理…' for
    '三、收到和处理…'): put back the numeral whose standard wording the line carries."""
    from reportqa.vocabulary import SECTION_WORDS as _SECTION_WORDS

    if re.match(r"^[一二三四五六]、", text):
        return text
    m = _LOST_NUMERAL.match(text)
    if not m:  # the numeral and its 、 both lost: a short line that starts with a section's wording
        starts = [n for n, words in _SECTION_WORDS.items() if any(text.startswith(w) for w in words)]
        return f"{starts[0]}、{text}" if len(starts) == 1 and len(text) <= 24 else text
    if len(text) > 60:
        return text
    rest = text[m.end():]
    numbers = [n for n, words in _SECTION_WORDS.items() if any(w in rest for w in words)]
    return f"{numbers[0]}、{rest}" if len(numbers) == 1 else text


# --------------------------------------------------------------------------- ruled tables

def _read_tables(clean: np.ndarray, tables) -> list[list[list[str]]]:
    """Every cell of every ruled table, read in one Tesseract call: the cells' ink is cropped and
    stacked one under the other with white space between (a 'mosaic'), so the recogniser sees
    one short line at a time and each word's position says which cell it belongs to."""
    layouts = [cell_boxes(hs, vs) for _bbox, hs, vs in tables]
    crops = []  # (table index, row, col, crop array)
    for t, (ys, xs, cells) in enumerate(layouts):
        for (r, c), (x0, y0, x1, y1) in cells.items():
            piece = clean[y0 + 3: y1 - 2, x0 + 3: x1 - 2]
            ink = np.nonzero(piece < DARK)
            if len(ink[0]) < 4:
                continue
            piece = piece[ink[0].min(): ink[0].max() + 1, ink[1].min(): ink[1].max() + 1]
            crops.append((t, r, c, piece))
    first = _read_mosaic(crops, psm=6, upscale=ParseLimits.current().ocr_upscale)
    texts = {k: join_words(ws) for k, ws in first.items()}
    # Digits: the Chinese model misreads lone figures ('22' as '跑', '6' as '0'); cells that look
    # like a number (at most one CJK character, short) are read again by the English model limited
    # to digits, and that reading is kept when it is a number.
    suspects = [c for c in crops if looks_numeric(texts.get(c[:3], ""), c[3])]
    digits = _read_mosaic(suspects, psm=6, lang="eng", config=("tessedit_char_whitelist=0123456789.-/",), upscale=ParseLimits.current().ocr_digits_upscale)
    for key, ws in digits.items():
        value = "".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"]))
        if _NUMBER.match(value):
            if texts.get(key, "").lstrip().startswith(("-", "－", "—")) and not value.startswith("-"):
                value = "-" + value  # the digits-only reading drops a minus sign it cannot place
            texts[key] = value
    out = []
    for t, (ys, xs, cells) in enumerate(layouts):
        rows = [["" for _ in range(len(xs) - 1)] for _ in range(len(ys) - 1)]
        for (r, c) in cells:
            rows[r][c] = clean_cell(texts.get((t, r, c), ""))
        out.append(rows)
    return out


def _read_mosaic(crops, *, psm: int, lang: str = LANG, config: tuple[str, ...] = (), upscale: float = 1.0) -> dict:
    """{key: words} for crops [(key..., array)] stacked into one image and read in one call."""
    from PIL import Image

    if not crops:
        return {}
    pad = 24
    width = int(max(c[-1].shape[1] for c in crops) * upscale) + 2 * pad
    height = sum(int(c[-1].shape[0] * upscale) + 1 + pad for c in crops) + pad
    mosaic = np.full((height, width), 255, dtype=np.uint8)
    spans = []
    y = pad
    for c in crops:
        p = c[-1]
        if upscale != 1:
            img = Image.fromarray(p)
            p = np.asarray(img.resize((max(1, int(img.width * upscale)), max(1, int(img.height * upscale))), Image.LANCZOS))
        mosaic[y: y + p.shape[0], pad: pad + p.shape[1]] = p
        spans.append((y - pad // 2, y + p.shape[0] + pad // 2, tuple(c[:-1])))
        y += p.shape[0] + pad
    by_cell: dict[tuple, list[dict]] = {}
    for w in _tesseract_words(Image.fromarray(mosaic), psm=psm, lang=lang, config=config):
        cy = (w["y0"] + w["y1"]) / 2
        for y0, y1, key in spans:
            if y0 <= cy < y1:
                by_cell.setdefault(key, []).append(w)
                break
    return by_cell
