"""Data objects that cross module boundaries.

Every span is ``(report_id, start, end)`` into the one canonical text of a report, and
``quote == canonical_text[start:end]`` holds everywhere: that is the contract evaluators audit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True)
class PageSpan:
    """Where a stretch of canonical text came from in the source file (PDF page, Word/HTML block)."""

    start: int
    end: int
    page: int  # 1-based page (PDF) or block number (HTML/Word); 1 for plain text
    ocr: bool = False


@dataclass(frozen=True)
class ReaderOutput:
    """What a reader yields: canonical text, where each part came from, and metadata hints."""

    text: str
    source_format: str  # "txt" | "md" | "pdf" | "docx" | "html"
    encoding: str
    pages: tuple[PageSpan, ...] = ()
    title_hint: str | None = None  # e.g. an HTML <title> or a PDF's metadata title


@dataclass(frozen=True)
class ReportMeta:
    body: str | None  # issuing body as written, e.g. 绥芬河市 / 淮安市洪泽区人民政府
    year: int | None  # the report year (the year reported on), not the publication year
    published: str | None  # ISO date, e.g. 2024-01-22
    title: str | None
    format_version: Literal["2021", "2019", "unknown"]
    place: str | None = None  # the place part of the body, e.g. 绥芬河市
    body_type: str | None = None  # e.g. 人民政府, 自然资源局, 办公室
    body_cue: str | None = None  # which cue decided the body (title, published_as, opening, given, ...)
    body_confidence: float = 0.0  # 0..1; below LOW_CONFIDENCE the report list marks it
    year_cue: str | None = None
    year_confidence: float = 0.0
    aliases: tuple[str, ...] = ()  # short names the report gives its body (以下简称龙华局)


LOW_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Section:
    report_id: str
    path: str  # "一、总体情况" or "一、总体情况 / （二）依申请公开政府信息情况"
    number: str  # "一".."六" (top level); sub-items carry their parent's number
    level: int  # 1 = top section, 2 = sub-item
    heading: str
    start: int
    end: int


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    report_id: str
    section: str  # section path
    start: int
    end: int
    text: str
    kind: Literal["narrative", "table"] = "narrative"


@dataclass(frozen=True)
class Fact:
    """One table cell, or one number stated in the narrative.

    ``start/end`` is the span of the cell's row (tables) or of the sentence (narrative);
    ``value_start/value_end`` the number itself. ``value`` is None for a blank or "/" cell.
    """

    report_id: str
    table: str  # canonical table key (reportqa/schema/tables.json) or "narrative"
    row_key: str
    row_label: str  # as written
    column_key: str
    column_label: str  # as written
    value: Decimal | None
    raw: str  # the cell as written
    unit: str
    start: int
    end: int
    value_start: int
    value_end: int
    kind: Literal["table", "narrative"] = "table"


@dataclass(frozen=True)
class Finding:
    """A consistency-rule result that did not hold (a warning; the report is still stored)."""

    report_id: str
    rule: str  # e.g. "applications.balance"
    message: str  # readable by a person
    expected: str
    found: str
    cells: tuple[tuple[str, str, str], ...] = ()  # (table, row_key, column_key)
    spans: tuple[tuple[int, int], ...] = ()


@dataclass
class ParsedReport:
    """Everything computed in memory for one report before any store is touched."""

    report_id: str
    version: str  # content hash of the canonical text + pipeline version
    source_path: str
    source_format: str
    encoding: str
    text: str
    meta: ReportMeta
    pages: tuple[PageSpan, ...]
    sections: list[Section] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class StoredReport:
    report_id: str
    version: str
    body: str | None
    year: int | None
    published: str | None
    title: str | None
    format_version: str
    source_path: str
    source_format: str
    n_chunks: int
    n_facts: int
    n_findings: int
    place: str | None = None
    body_type: str | None = None
    body_cue: str | None = None
    body_confidence: float = 0.0
    year_cue: str | None = None
    year_confidence: float = 0.0
    aliases: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        """Body or year unknown, or found by weak cues only: shown as such so a person can relabel."""
        return (not self.body or not self.year or self.body_confidence < LOW_CONFIDENCE
                or self.year_confidence < LOW_CONFIDENCE)

    @property
    def display_body(self) -> str:
        """The body as shown: its name, or the report id while the body is unknown."""
        return self.body or self.report_id

    @property
    def display_name(self) -> str:
        """洪泽区人民政府2023年: how answers name a report."""
        return f"{self.display_body}{self.year or ''}年"


@dataclass(frozen=True)
class CellRef:
    table: str  # canonical table key
    row: str  # row label as written
    column: str  # column label as written
    row_key: str = ""
    column_key: str = ""


@dataclass(frozen=True)
class Citation:
    report_id: str
    title: str
    body: str
    year: int | None
    section: str
    start: int
    end: int
    quote: str
    cell: CellRef | None = None
    page: int | None = None
    score: float | None = None
    ocr: bool = False  # the quote comes from a page read by OCR


@dataclass
class Answer:
    question: str
    route: Literal["table", "text", "none"]
    answer: str
    value: float | int | None = None
    unit: str | None = None
    reports: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings shown beside the answer (e.g. a failed check)
