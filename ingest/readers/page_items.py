"""What one PDF page holds once read: text lines and tables, in page coordinates (points, top
down), from the text layer (pdf.py) and from OCR (ocr.py) alike, so one assembly serves both."""
from __future__ import annotations

from dataclasses import dataclass

LINE = "line"
TABLE = "table"
EDGE_ZONE = 0.1  # top/bottom share of the page where running headers and page numbers live
CELL_GAP_EMS = 1.8  # a gap wider than this many type sizes splits a line into cells (an unruled table)


@dataclass(frozen=True)
class PageItem:
    kind: str  # LINE | TABLE
    top: float
    text: str = ""  # a line's text
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0  # a line's type size (points)
    edge: bool = False  # a line in the top or bottom edge zone
    cells: tuple[str, ...] = ()  # a line split at wide gaps
    rows: tuple[tuple, ...] = ()  # a table's rows of cells (pdfplumber writes None for a covered cell)

    @classmethod
    def line(cls, *, top: float, x0: float, x1: float, size: float, text: str, edge: bool, cells) -> PageItem:
        return cls(LINE, top, text=text, x0=x0, x1=x1, size=size, edge=edge, cells=tuple(cells))

    @classmethod
    def table(cls, top: float, rows) -> PageItem:
        return cls(TABLE, top, rows=tuple(tuple(row) for row in rows))

    @property
    def is_line(self) -> bool:
        return self.kind == LINE

    @property
    def is_table(self) -> bool:
        return self.kind == TABLE


def in_edge_zone(top: float, bottom: float, page_height: float) -> bool:
    """A line in the top or bottom edge zone of its page (running headers, page numbers)."""
    return bottom < page_height * EDGE_ZONE or top > page_height * (1 - EDGE_ZONE)
