"""Where each statistics table of a report lies in its canonical text, and which format (2021 or
2019) its headers are written in. Section 二's five tables are found by their title lines (or,
with a title lost, by their first row's label); the tables of sections 三 and 四 fill their
section."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.tables.cells import split_cells
from reportqa.schema import TableSpec, normalise_label, table_specs
from reportqa.types import Section


@dataclass(frozen=True)
class TableRegion:
    table: str
    start: int
    end: int


_TOP_SECTION_TABLES = {"applications": "三", "review_litigation": "四"}
_SECTION_TWO_TABLES = ("20.1", "20.5", "20.6", "20.8", "20.9")


def find_regions(text: str, top: dict[str, Section]) -> list[TableRegion]:
    regions: list[TableRegion] = []
    two = top.get("二")
    lo = two.start if two else 0
    hi = two.end if two else (top["三"].start if "三" in top else len(text))
    anchors = []
    for key in _SECTION_TWO_TABLES:
        for anchor in table_specs()[key].anchors:
            pos = _find_anchor(text, anchor, lo, hi)
            if pos is not None:
                anchors.append((pos, key))
                break
    found = {key for _pos, key in anchors}
    for key in _SECTION_TWO_TABLES:
        if key not in found and two is not None:
            pos = _find_first_row(text, table_specs()[key], lo, hi, {p for p, _k in anchors})
            if pos is not None:
                anchors.append((pos, key))
    anchors.sort()
    for i, (pos, key) in enumerate(anchors):
        end = anchors[i + 1][0] if i + 1 < len(anchors) else hi
        regions.append(TableRegion(key, pos, end))
    for key, number in _TOP_SECTION_TABLES.items():
        section = top.get(number)
        if section is not None:
            heading_end = text.find("\n", section.start)
            start = heading_end + 1 if 0 <= heading_end < section.end else section.start
            regions.append(TableRegion(key, start, section.end))
    return regions


_ANY_BRACKET = re.compile(r"[（()）〈〉《》<>「」【】\[\]{}｛｝]")


def _find_anchor(text: str, anchor: str, lo: int, hi: int) -> int | None:
    # Anchors differ in bracket width and spacing (and OCR reads （ as 〈): compare on a normalised
    # form without brackets, line by line.
    target = _ANY_BRACKET.sub("", normalise_label(anchor, keep_brackets=True))
    pos = lo
    for line in text[lo:hi].split("\n"):
        if target in _ANY_BRACKET.sub("", normalise_label(line, keep_brackets=True)):
            return pos
        pos += len(line) + 1
    return None


def _find_first_row(text: str, spec: TableSpec, lo: int, hi: int, taken: set[int]) -> int | None:
    """A section 二 table whose title line is missing or misread ('第二十条第（用）项' from OCR):
    it starts at the first line whose label is one of its rows (row labels differ between them)."""
    forms = {f for row in spec.rows for f in row.match_forms if len(f) >= 2}
    pos = lo
    for line in text[lo:hi].split("\n"):
        # the first cell written: "规章\t0…", "| 规章 | 0 |", "规章 | 0 | 0 |"
        first = next((c for c in re.split(r"[\t|]", line) if c.strip()), "") if line.strip() else ""
        if pos not in taken and first.strip() and normalise_label(first) in forms:
            return pos
        pos += len(line) + 1
    return None


def detect_format(text: str, regions: list[TableRegion], hint: str) -> str:
    if hint in ("2021", "2019"):
        return hint
    specs = table_specs()
    for region in regions:
        spec = specs[region.table]
        if region.table in ("applications", "review_litigation"):
            continue
        forms_2019 = {f for c in spec.columns.get("2019", ()) for f in c.match_forms}
        forms_2021 = {f for c in spec.columns.get("2021", ()) for f in c.match_forms}
        labels = {normalise_label(c.text) for c in split_cells(text, region.start, region.end) if c.is_label}
        if labels & forms_2019 - forms_2021:
            return "2019"
        if labels & forms_2021 - forms_2019:
            return "2021"
    if "第二十条第（九）项" in text or "第二十条第(九)项" in text:
        return "2019"
    return "2021" if regions else "unknown"
