"""Split a report into search chunks: sentence-packed, never across a section boundary.

Each chunk is an exact span of the canonical text (`chunk.text == text[start:end]`), tagged with
its section path, so a hit can be quoted and highlighted in place.
"""
from __future__ import annotations

import hashlib

from reportqa.types import Chunk, Section
from reportqa.vocabulary import TABLE_SECTIONS, sentence_spans, trim_span as _trim

NARRATIVE_MAX_CHARS = 300
TABLE_MAX_CHARS = 400


def leaf_segments(sections: list[Section]) -> list[tuple[Section, int, int]]:
    """Stretches of text that belong to exactly one innermost section."""
    out = []
    for sec in sections:
        if sec.level != 1:
            continue
        subs = sorted((s for s in sections if s.level == 2 and sec.start <= s.start < sec.end), key=lambda s: s.start)
        cursor = sec.start
        for sub in subs:
            if sub.start > cursor:
                out.append((sec, cursor, sub.start))
            out.append((sub, sub.start, sub.end))
            cursor = sub.end
        if cursor < sec.end:
            out.append((sec, cursor, sec.end))
    return out


def make_chunks(report_id: str, version: str, text: str, sections: list[Section],
                skip: list[tuple[int, int]] = ()) -> list[Chunk]:
    """skip: spans that are not report text (page chrome): no chunk holds them."""
    chunks: list[Chunk] = []
    for section, start, end in leaf_segments(sections):
        is_table = section.number in TABLE_SECTIONS
        limit = TABLE_MAX_CHARS if is_table else NARRATIVE_MAX_CHARS
        pieces = _line_spans(text, start, end) if is_table else sentence_spans(text, start, end)
        pieces = [(a, b) for a, b in pieces if not any(x < b and a < y for x, y in skip)]
        for a, b in _pack(pieces, limit):
            chunks.append(Chunk(
                chunk_id=chunk_id(report_id, version, a, b), report_id=report_id, section=section.path,
                start=a, end=b, text=text[a:b], kind="table" if is_table else "narrative",
            ))
    return chunks


def chunk_id(report_id: str, version: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{report_id}\x00{version}\x00{start}\x00{end}".encode()).hexdigest()[:20]
    return f"c{digest}"


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for line in text[start:end].split("\n"):
        a, b = _trim(text, pos, pos + len(line))
        if b > a:
            spans.append((a, b))
        pos += len(line) + 1
    return spans


def _pack(pieces: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Join consecutive pieces while the joined span stays within limit; a longer piece is cut."""
    packed: list[tuple[int, int]] = []
    for a, b in pieces:
        while b - a > limit:  # one very long sentence or row
            packed.append((a, a + limit))
            a += limit
        if packed and b - packed[-1][0] <= limit and packed[-1][1] <= a:
            packed[-1] = (packed[-1][0], b)
        else:
            packed.append((a, b))
    return packed
