"""Table grids from a page picture and from word boxes: pure geometry, no I/O (ocr.py runs
Tesseract and calls these).

Ruling lines are long horizontal / vertical runs of dark pixels; rows are the bands between
horizontal rules, cells the spans between the vertical rules that cross the band (a merged cell
is one span). Words (dicts with text, x0, y0, x1, y1 in pixels) are grouped into lines by their
vertical position and split into cells at wide gaps, so an unruled table comes out as rows too.
"""
from __future__ import annotations

import re
import statistics

import numpy as np

from ingest.readers.normalise import fix_chars, squeeze_spaces
from ingest.readers.page_items import CELL_GAP_EMS

DARK = 150  # grey level below which a pixel is ink
_CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1", "Z": "2",
                                    "S": "5", "B": "8", "，": ",", "。": "."})
_LONE_DIGIT = {"]": "1", "[": "1", "|": "1", "l": "1", "I": "1", "!": "1", "O": "0", "o": "0", "〇": "0"}


# --------------------------------------------------------------------------- ruling lines

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


def find_rules(gray: np.ndarray, dpi: int):
    """(mask of rule pixels, horizontal rules (y0, y1, x0, x1), vertical rules (x0, x1, y0, y1))."""
    ink = gray < DARK
    length_h = int(dpi * 0.3)
    length_v = int(dpi * 0.22)
    h_mask = _runs(ink, length_h)
    v_mask = _runs(ink.T, length_v).T
    h = _segments(h_mask, length_h)
    v = _segments(v_mask.T, length_v)  # transposed: (x0, x1, y0, y1)
    return h_mask | v_mask, h, v


def ruled_tables(h, v):
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


def grow(mask: np.ndarray, r: int) -> np.ndarray:
    """The mask widened by r pixels in each of the four directions."""
    out = mask.copy()
    for d in range(1, r + 1):
        out[d:, :] |= mask[:-d, :]
        out[:-d, :] |= mask[d:, :]
        out[:, d:] |= mask[:, :-d]
        out[:, :-d] |= mask[:, d:]
    return out


def cluster(values, gap: float = 6.0) -> list[float]:
    """Sorted values closer than gap to their neighbour merged into their mean."""
    out: list[list[float]] = []
    for v in values:
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def cell_boxes(hs, vs):
    """(row bands, column rules, {(row, col): pixel box}) of a ruled table. A cell runs from a rule
    to the next rule crossing its band (colspan) and down to the next rule crossing its column
    (rowspan); covered slots have no box."""
    ys = cluster(sorted((s[0] + s[1]) / 2 for s in hs))
    xs = cluster(sorted((s[0] + s[1]) / 2 for s in vs))
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


# --------------------------------------------------------------------------- words

def group_lines(words):
    """Words grouped into lines by their vertical centre, top to bottom, each line left to right."""
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


def fix_number(text: str) -> str:
    """OCR's letter-for-digit confusions inside what is clearly a number ('1O3' -> '103')."""
    t = text.replace(" ", "")
    if t in _LONE_DIGIT:
        return _LONE_DIGIT[t]
    fixed = t.translate(_CONFUSABLE_DIGITS)
    if fixed and sum(ch.isdigit() for ch in t) >= max(1, len(t) // 2) and all(ch.isdigit() or ch in ".,%-/" for ch in fixed):
        return fixed.rstrip(".,")
    return text


def join_words(words) -> str:
    """Words of one cell or line in reading order (sub-lines top to bottom)."""
    lines = group_lines(words)
    text = squeeze_spaces(fix_chars("".join(" ".join(w["text"] for w in ln) for ln in lines)))
    return fix_number(text)


def gap_cells(line, size_px: float) -> list[str]:
    """A line of words split at gaps wider than CELL_GAP_EMS type sizes: an unruled table's cells."""
    cells, current, prev = [], [], None
    for w in line:
        if prev is not None and w["x0"] - prev["x1"] > CELL_GAP_EMS * size_px:
            cells.append(current)
            current = []
        current.append(w)
        prev = w
    cells.append(current)
    return [c for c in (join_words(ws) for ws in cells) if c]


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def looks_numeric(text: str, crop: np.ndarray) -> bool:
    """A cell read as at most one CJK character in a short, low crop: probably a figure."""
    if text in ("无", "空", "—", "-"):
        return False
    return len(_CJK_RE.findall(text)) <= 1 and crop.shape[1] <= 8 * crop.shape[0] and crop.shape[0] < 80
