"""OCR for PDF pages without a text layer (scans) and for tables set as images, with Tesseract
(Debian: `apt-get install tesseract-ocr tesseract-ocr-chi-sim`), called as a subprocess for its
TSV word boxes.

Tables are rebuilt from the picture, not from the words alone: ruling lines are found in the image
(long horizontal / vertical runs of dark pixels), erased before OCR (they confuse the recogniser),
and used as the grid: rows are the bands between horizontal rules, cells the spans between the
vertical rules that cross the band (a merged cell is one span: its text goes into its first slot,
the covered slots stay empty, as pdfplumber reports a ruled text table). Words outside ruled
tables are grouped into lines by their vertical position and split into cells at wide gaps, so an
unruled table comes out as rows too. The result uses the items of the PDF reader (lines and
tables in page coordinates), so one assembly serves text-layer and OCR'd pages.
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

from ingest.readers.normalise import clean_cell, fix_chars, squeeze_spaces

DPI = 300
LANG = "chi_sim"
INSTALL_HINT = ("install Tesseract OCR with `apt-get install tesseract-ocr tesseract-ocr-chi-sim` "
                "(scripts/install.sh --test does this)")
_DARK = 150  # grey level below which a pixel is ink
_CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "Z": "2",
                                    "S": "5", "B": "8", "，": ",", "。": "."})


_LONE_DIGIT = {"]": "1", "[": "1", "|": "1", "l": "1", "I": "1", "!": "1", "O": "0", "o": "0", "〇": "0"}


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


def ocr_available() -> bool:
    return ocr_status() is None


# --------------------------------------------------------------------------- the picture

def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels belonging to horizontal runs of at least `length` set pixels (row-wise opening)."""
    h, w = mask.shape
    if w < length:
        return np.zeros_like(mask)
    c = np.zeros((h, w + 1), dtype=np.int32)
    np.cumsum(mask, axis=1, out=c[:, 1:])
    full = (c[:, length:] - c[:, :-length]) == length  # window [j, j+length) all set
    out = np.zeros((h, w + 1), dtype=np.int32)
    # dilate back: pixel x is covered if some full window starts in (x-length, x]
    out[:, : w - length + 1] += full
    out[:, length: w + 1] -= full[:, : w + 1 - length]
    return np.cumsum(out, axis=1)[:, :w] > 0


def _segments(lines: np.ndarray, axis_len_min: int):
    """Horizontal rule segments of a run mask: (y0, y1, x0, x1) with neighbouring pixel rows merged."""
    segs = []
    rows = np.nonzero(lines.any(axis=1))[0]
    for y in rows:
        xs = np.nonzero(lines[y])[0]
        breaks = np.nonzero(np.diff(xs) > 1)[0]
        starts = np.r_[xs[0], xs[breaks + 1]]
        ends = np.r_[xs[breaks], xs[-1]]
        for x0, x1 in zip(starts, ends):
            if x1 - x0 + 1 < axis_len_min:
                continue
            for s in segs:
                if s[1] >= y - 2 and abs(s[2] - x0) < 6 and abs(s[3] - x1) < 6:
                    s[1] = y
                    break
            else:
                segs.append([y, y, int(x0), int(x1)])
    return [tuple(s) for s in segs]


def _rules(gray: np.ndarray, dpi: int):
    ink = gray < _DARK
    length_h = int(dpi * 0.3)
    length_v = int(dpi * 0.22)
    h_mask = _runs(ink, length_h)
    v_mask = _runs(ink.T, length_v).T
    h = _segments(h_mask, length_h)
    v = _segments(v_mask.T, length_v)  # transposed: (x0, x1, y0, y1)
    return h_mask | v_mask, h, v


def _tables(h, v):
    """Ruled tables: horizontal rules joined by vertical rules into groups -> (bbox, h, v)."""
    tables: list[dict] = []
    for seg in sorted(h):
        y0, y1, x0, x1 = seg
        for t in tables:
            bx0, by0, bx1, by1 = t["bbox"]
            lo, hi = max(x0, bx0) - 4, min(x1, bx1) + 4
            if x0 < bx1 and x1 > bx0 and any(vy0 <= by1 + 4 and vy1 >= y0 - 4 and lo <= (vx0 + vx1) / 2 <= hi
                                             for vx0, vx1, vy0, vy1 in v):
                t["h"].append(seg)
                t["bbox"] = (min(bx0, x0), by0, max(bx1, x1), max(by1, y1))
                break
        else:
            tables.append({"bbox": (x0, y0, x1, y1), "h": [seg]})
    out = []
    for t in tables:
        bx0, by0, bx1, by1 = t["bbox"]
        vs = [s for s in v if bx0 - 4 <= (s[0] + s[1]) / 2 <= bx1 + 4 and s[2] <= by1 + 4 and s[3] >= by0 - 4]
        if len(t["h"]) >= 2 and len(vs) >= 2:
            out.append((t["bbox"], t["h"], vs))
    return out


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


def _fix_number(text: str) -> str:
    """OCR's letter-for-digit confusions inside what is clearly a number ('1O3' -> '103')."""
    t = text.replace(" ", "")
    if t in _LONE_DIGIT:
        return _LONE_DIGIT[t]
    fixed = t.translate(_CONFUSABLE_DIGITS)
    if fixed and sum(ch.isdigit() for ch in t) >= max(1, len(t) // 2) and all(ch.isdigit() or ch in ".,%-/" for ch in fixed):
        return fixed.rstrip(".,")
    return text


def _join(words) -> str:
    """Words of one cell or line in reading order (sub-lines top to bottom)."""
    lines = _group_lines(words)
    text = squeeze_spaces(fix_chars("".join(" ".join(w["text"] for w in ln) for ln in lines)))
    return _fix_number(text)


def _group_lines(words):
    words = sorted(words, key=lambda w: (w["y0"] + w["y1"]) / 2)
    lines: list[list[dict]] = []
    for w in words:
        cy = (w["y0"] + w["y1"]) / 2
        if lines:
            last = lines[-1]
            ly0 = statistics.median(x["y0"] for x in last)
            ly1 = statistics.median(x["y1"] for x in last)
            if ly0 - 2 <= cy <= ly1 + 2:
                last.append(w)
                continue
        lines.append([w])
    return [sorted(ln, key=lambda w: w["x0"]) for ln in lines]


# --------------------------------------------------------------------------- page → items

def ocr_items(image, *, dpi: int = DPI, origin=(0.0, 0.0), page_height: float) -> list[dict]:
    """Items of the PDF reader (kind 'line' / 'table', page coordinates in points) for one image
    of (part of) a page rendered at `dpi`, whose top-left corner sits at `origin` on the page."""
    from PIL import Image

    gray = np.asarray(image.convert("L"))
    rule_mask, h, v = _rules(gray, dpi)
    clean = gray.copy()
    clean[_grow(rule_mask, 2)] = 255
    scale = 72.0 / dpi
    ox, oy = origin
    items = []
    tables = _tables(h, v)
    text_part = clean.copy()
    for (bx0, by0, bx1, by1), hs, vs in tables:
        text_part[max(0, by0 - 2): by1 + 3, max(0, bx0 - 2): bx1 + 3] = 255
    for rows, (bx0, by0, bx1, by1) in zip(_read_tables(clean, tables), (t[0] for t in tables)):
        if rows:
            items.append({"kind": "table", "top": oy + by0 * scale, "rows": rows})
    words = _tesseract_words(Image.fromarray(text_part), psm=4) if (text_part < _DARK).any() else []
    by_line: dict[tuple, list[dict]] = {}
    for w in words:
        by_line.setdefault(w["line"], []).append(w)
    for line in sorted((sorted(ws, key=lambda w: w["x0"]) for ws in by_line.values()), key=lambda ws: min(w["y0"] for w in ws)):
        heights = [w["y1"] - w["y0"] for w in line]
        size = statistics.median(heights) * scale / 0.88  # glyph box ≈ 0.88 em for CJK
        text = _repair_heading(_join(line))
        if not text:
            continue
        top = oy + min(w["y0"] for w in line) * scale
        bottom = oy + max(w["y1"] for w in line) * scale
        edge = bottom < page_height * 0.1 or top > page_height * 0.9
        items.append({"kind": "line", "top": top, "x0": ox + line[0]["x0"] * scale, "x1": ox + line[-1]["x1"] * scale,
                      "size": size, "text": text, "edge": edge, "cells": _gap_cells(line, size / scale)})
    items.sort(key=lambda it: it["top"])
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


def _grow(mask: np.ndarray, r: int) -> np.ndarray:
    out = mask.copy()
    for d in range(1, r + 1):
        out[d:, :] |= mask[:-d, :]
        out[:-d, :] |= mask[d:, :]
        out[:, d:] |= mask[:, :-d]
        out[:, :-d] |= mask[:, d:]
    return out


def _read_tables(clean: np.ndarray, tables) -> list[list[list[str]]]:
    """Every cell of every ruled table, read in one Tesseract call: the cells' ink is cropped and
    stacked one under the other with white space between (a 'mosaic'), so the recogniser sees
    one short line at a time and each word's position says which cell it belongs to."""
    layouts = [_cell_boxes(hs, vs) for _bbox, hs, vs in tables]
    crops = []  # (table index, row, col, crop array)
    for t, (ys, xs, cells) in enumerate(layouts):
        for (r, c), (x0, y0, x1, y1) in cells.items():
            piece = clean[y0 + 3: y1 - 2, x0 + 3: x1 - 2]
            ink = np.nonzero(piece < _DARK)
            if len(ink[0]) < 4:
                continue
            piece = piece[ink[0].min(): ink[0].max() + 1, ink[1].min(): ink[1].max() + 1]
            crops.append((t, r, c, piece))
    first = _read_mosaic(crops, psm=6, upscale=_UPSCALE)
    texts = {k: _join(ws) for k, ws in first.items()}
    # Digits: the Chinese model misreads lone figures ('22' as '跑', '6' as '0'); cells that look
    # like a number (at most one CJK character, short) are read again by the English model limited
    # to digits, and that reading is kept when it is a number.
    suspects = [c for c in crops if _looks_numeric(texts.get(c[:3], ""), c[3])]
    digits = _read_mosaic(suspects, psm=6, lang="eng", config=("tessedit_char_whitelist=0123456789.-/",), upscale=_DIGITS_UPSCALE)
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


_UPSCALE = float(os.environ.get("REPORTQA_OCR_UPSCALE", "2.0"))
_DIGITS_UPSCALE = float(os.environ.get("REPORTQA_OCR_DIGITS_UPSCALE", "1.5"))
_NUMBER = re.compile(r"^(?:-?\d+(?:\.\d+)?|/)$")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def _looks_numeric(text: str, crop: np.ndarray) -> bool:
    if text in ("无", "空", "—", "-"):
        return False
    return len(_CJK_RE.findall(text)) <= 1 and crop.shape[1] <= 8 * crop.shape[0] and crop.shape[0] < 80


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


def _cell_boxes(hs, vs):
    """(row bands, column rules, {(row, col): pixel box}) of a ruled table. A cell runs from a rule
    to the next rule crossing its band (colspan) and down to the next rule crossing its column
    (rowspan); covered slots have no box."""
    ys = _cluster(sorted((s[0] + s[1]) / 2 for s in hs))
    xs = _cluster(sorted((s[0] + s[1]) / 2 for s in vs))
    cells: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    if len(ys) < 2 or len(xs) < 2:
        return ys, xs, cells

    def v_at(x, y):  # a vertical rule at x crossing height y
        return any(abs((s[0] + s[1]) / 2 - x) < 5 and s[2] - 3 <= y <= s[3] + 3 for s in vs)

    def h_at(y, x):  # a horizontal rule at y crossing x
        return any(abs((s[0] + s[1]) / 2 - y) < 5 and s[2] - 3 <= x <= s[3] + 3 for s in hs)

    covered: set[tuple[int, int]] = set()
    for r in range(len(ys) - 1):
        mid_y = (ys[r] + ys[r + 1]) / 2
        for c in range(len(xs) - 1):
            if (r, c) in covered:
                continue
            c2 = c + 1
            while c2 < len(xs) - 1 and not v_at(xs[c2], mid_y):
                c2 += 1
            mid_x = (xs[c] + xs[c2]) / 2
            r2 = r + 1
            while r2 < len(ys) - 1 and not h_at(ys[r2], mid_x):
                r2 += 1
            covered |= {(rr, cc) for rr in range(r, r2) for cc in range(c, c2)}
            cells[(r, c)] = (int(xs[c]), int(ys[r]), int(xs[c2]), int(ys[r2]))
    return ys, xs, cells


def _gap_cells(line, size_px: float) -> list[str]:
    cells, current, prev = [], [], None
    for w in line:
        if prev is not None and w["x0"] - prev["x1"] > 1.8 * size_px:
            cells.append(current)
            current = []
        current.append(w)
        prev = w
    cells.append(current)
    return [c for c in (_join(ws) for ws in cells) if c]


def _cluster(values, gap: float = 6.0) -> list[float]:
    out: list[list[float]] = []
    for v in values:
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]
