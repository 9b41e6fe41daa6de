"""One report, all or nothing, across the stores.

1. parse, chunk, extract facts, check consistency and embed — all in memory, so a bad file fails
   before anything is written;
2. the store writes it all or nothing (`Stores.write_report`): on PostgreSQL one transaction; in the
   embedded store, under its writer lock, the vectors first, then the SQLite rows (report, sections,
   chunks + keyword tokens, facts, findings) in one transaction, the commit point (the replaced
   version goes to the report's history), then the replaced version's vectors are removed.
Readers only see the committed version; what a writer that died left behind is removed by the
next process that holds the writer lock, never by a reader.

A new version that would lose what the stored one holds (table cells, most of its text) is not
stored unless the caller says replace=True: a truncated or damaged copy never silently replaces
a good report.
"""
from __future__ import annotations

import hashlib
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Literal

import numpy as np

from ingest.chrome import chrome_spans
from ingest.chunks import make_chunks
from ingest.identify import is_report_text
from ingest.consistency import check_report
from ingest.metadata import extract_metadata
from ingest.narrative import narrative_facts
from ingest.readers import ReaderError, read_file, supported_suffixes
from ingest.sections import find_sections
from ingest.tables.extract import extract_tables
from reportqa.chunk_text import embedding_text, search_text  # noqa: F401  (importable from here, as before)
from reportqa.config import PIPELINE_VERSION
from reportqa.names import displayable
from reportqa.stores import Stores
from reportqa.stores.keywords import tokenize
from reportqa.stores.vector_space import VectorSpaceChanged, embed_chunks
from reportqa.types import Chunk, ParsedReport

log = logging.getLogger(__name__)

Status = Literal["ingested", "unchanged", "replaced", "rejected", "kept"]  # kept: a replacement refused

# A new version keeping less than this share of the stored version's text is a loss, not an update
# (a cut-off copy); corrections and added paragraphs stay well above it.
REPLACE_MIN_TEXT_SHARE = 0.8


@dataclass(frozen=True)
class IngestResult:
    path: str
    status: Status
    report_id: str | None = None
    message: str = ""
    n_chunks: int = 0
    n_facts: int = 0
    n_findings: int = 0


class NotAReportError(ReaderError):
    """The file reads as text but is not a recognisable annual report."""


def make_report_id(body: str | None, year: int | None, path: Path) -> str:
    """Stable across runs and content changes: the body and year, else the file name."""
    base = f"{body}-{year}" if body and year else (f"{body}" if body else path.stem)
    safe = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", base).strip("._-")
    return safe[:80] or "report"


def parse_report(path: Path, *, body: str | None = None, year: int | None = None) -> ParsedReport:
    """Read and analyse one file in memory. Raises ReaderError (naming the file) for bad input."""
    path = Path(path)
    read = read_file(path)
    text = read.text
    sections = find_sections("_", text)
    tables = extract_tables("_", text, sections)
    meta = extract_metadata(text, path, table_format=tables.format_version, title_hint=read.title_hint, body=body, year=year)
    n_headings = len([s for s in sections if s.level == 1 and s.number])
    if not is_report_text(text, n_headings, len(tables.facts)):
        raise NotAReportError(path.name, "no recognisable 政府信息公开工作年度报告: the text has neither the report's "
                                         "name, nor its standard section headings (一、总体情况 …), nor a statistics table")
    for damaged in tables.damaged_rows:  # stored below as findings (rule table.row_cells)
        log.warning("%s: damaged table row: %s", path.name, damaged.message)
    chrome = chrome_spans(text)
    report_id = make_report_id(meta.body, meta.year, path)
    version = hashlib.sha256(
        "\x00".join([PIPELINE_VERSION, text, str(meta.body), str(meta.year), read.source_format]).encode()
    ).hexdigest()[:16]
    sections = [s.__class__(**{**s.__dict__, "report_id": report_id}) for s in sections]
    facts = [f.__class__(**{**f.__dict__, "report_id": report_id}) for f in tables.facts]
    facts += narrative_facts(report_id, text, sections, skip=chrome)
    report = ParsedReport(
        report_id=report_id, version=version, source_path=displayable(str(path)), source_format=read.source_format,
        encoding=read.encoding, text=text, meta=meta, pages=read.pages or (), sections=sections,
        chunks=make_chunks(report_id, version, text, sections, skip=chrome), facts=facts,
    )
    report.findings = [f.__class__(**{**f.__dict__, "report_id": report_id}) for f in tables.damaged_rows] \
        + check_report(report_id, facts)
    return report


def _embed_chunks(stores: Stores, chunks: list[Chunk]) -> np.ndarray:
    return embed_chunks(stores.facts, stores.embedder, chunks)


def replacement_loss(stores: Stores, report: ParsedReport) -> str | None:
    """What the stored version of this report holds that the new one would lose (None: nothing)."""
    if stores.facts.report_version(report.report_id) is None:
        return None
    stored = {(f.table, f.row_key, f.column_key) for f in stores.facts.facts(report.report_id, kind="table")
              if f.value is not None}
    new = {(f.table, f.row_key, f.column_key) for f in report.facts if f.kind == "table" and f.value is not None}
    lost = stored - new
    if lost:
        return f"it would replace the stored {report.report_id} but lacks {len(lost)} of its {len(stored)} table cells"
    stored_text = stores.facts.report_text(report.report_id) or ""
    stored_chars = len(stored_text)
    if len(report.text) < stored_chars and stored_text.startswith(report.text.rstrip()):
        return f"it would replace the stored {report.report_id} but is the start of it, cut off ({len(report.text)} of {stored_chars} characters)"
    if len(report.text) < REPLACE_MIN_TEXT_SHARE * stored_chars:
        return (f"it would replace the stored {report.report_id} but has only {len(report.text)} of its "
                f"{stored_chars} characters of text")
    return None


class ReplacementRefused(ValueError):
    """The new version would lose part of the stored one; the stored version is kept."""


def store_report(stores: Stores, report: ParsedReport, *, replace: bool = False) -> Status:
    """Raises ReplacementRefused when the new version would lose part of the stored one (unless replace)."""
    if stores.facts.report_version(report.report_id) == report.version:
        return "unchanged"
    loss = None if replace else replacement_loss(stores, report)
    if loss:
        raise ReplacementRefused(f"{Path(report.source_path).name}: {loss}; say --replace to store it anyway")
    vectors = _embed_chunks(stores, report.chunks)  # the slow step, before anything is written
    tokens = {c.chunk_id: " ".join(tokenize(search_text(c))) for c in report.chunks}
    return stores.write_report(report, tokens, vectors)


def ingest_file(stores: Stores, path: Path, *, body: str | None = None, year: int | None = None,
                replace: bool = False) -> IngestResult:
    parsed = parse_file(path, body=body, year=year)
    return parsed if isinstance(parsed, IngestResult) else store_parsed(stores, path, parsed, replace=replace)


def parse_file(path: Path, *, body: str | None = None, year: int | None = None) -> ParsedReport | IngestResult:
    """The parsed report, or the IngestResult saying why the file is rejected."""
    try:
        return _parse(path, body=body, year=year)
    except ReaderError as exc:
        return IngestResult(str(path), "rejected", message=str(exc))
    except (OSError, ValueError) as exc:
        return IngestResult(str(path), "rejected", message=f"{Path(path).name}: {exc}")


def store_parsed(stores: Stores, path: Path, report: ParsedReport, *, replace: bool = False) -> IngestResult:
    counts = (len(report.chunks), len(report.facts), len(report.findings))
    try:
        status = store_report(stores, report, replace=replace)
    except ReplacementRefused as exc:
        return IngestResult(str(path), "kept", report.report_id, str(exc), *counts)
    except VectorSpaceChanged as exc:
        return IngestResult(str(path), "rejected", report.report_id, f"{Path(path).name}: {exc}", *counts)
    return IngestResult(str(path), status, report.report_id, "", *counts)


def _parse(path: Path, *, body: str | None, year: int | None) -> ParsedReport:
    """In the isolated parser process (ingest/isolation.py) unless limits say otherwise."""
    from ingest.isolation import shared_parser
    from reportqa.config import ParseLimits
    if not ParseLimits.current().isolate:
        return parse_report(path, body=body, year=year)
    return shared_parser().parse(path, body=body, year=year)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the report files inside folders (recursively, sorted)."""
    out: list[Path] = []
    suffixes = supported_suffixes()
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in suffixes))
        else:
            out.append(p)
    return out


def ingest_paths(stores: Stores, paths: Iterable[str | Path], *, body: str | None = None, year: int | None = None,
                 progress: bool = True, on_result: Callable[[IngestResult], None] | None = None,
                 replace: bool = False, workers: int = 1) -> list[IngestResult]:
    """One result per file, in the files' order. Parsing runs ahead of embedding (ingest/parallel.py);
    with workers > 1, that many processes (one embedding thread each) share the files."""
    from ingest import parallel

    files = expand_paths(paths)
    options = dict(body=body, year=year, replace=replace)
    if workers > 1 and len(files) > 1:
        stream = parallel.in_workers(stores, files, min(workers, len(files)), **options)
    else:
        stream = parallel.overlapped(stores, files, **options)
    results: dict[int, IngestResult] = {}
    bar = None
    if progress and len(files) > 1:
        from tqdm import tqdm
        bar = tqdm(total=len(files), unit="report", file=sys.stderr, desc="ingest")
    try:
        for index, result in stream:
            results[index] = result
            if on_result:
                on_result(result)
            if bar:
                bar.update(1)
                bar.set_postfix_str(f"{files[index].name[:30]}: {result.status}")
    finally:
        stream.close()
        if bar:
            bar.close()
    return [results[i] for i in sorted(results)]


def restore_report(stores: Stores, report_id: str, version: str) -> IngestResult:
    """Bring back a replaced or deleted version from the report's history: its text is read again
    (as text: a PDF's page map is not kept) under its own body and year, replacing what is stored."""
    archived = stores.facts.archived(report_id, version)
    if archived is None:
        return IngestResult(report_id, "rejected", report_id, f"{report_id}: no version {version!r} in its history")
    import tempfile
    with tempfile.TemporaryDirectory(prefix="reportqa-restore-") as tmp:
        path = Path(tmp) / f"{_safe_stem(report_id)}.txt"
        path.write_text(archived["text"], encoding="utf-8")
        result = ingest_file(stores, path, body=archived["body"], year=archived["year"], replace=True)
    return IngestResult(archived["source_path"] or report_id, result.status, result.report_id, result.message,
                        result.n_chunks, result.n_facts, result.n_findings)


def _safe_stem(name: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff-]+", "_", name)[:80] or "report"

