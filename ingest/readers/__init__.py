"""Readers turn a file into canonical text plus layout hints (ReaderOutput). One module per format.

Tables found by a layout-aware reader (PDF, Word, HTML) are written into the canonical text as
one line per table row, cells separated by a tab, so one table extractor serves every format.
"""
from __future__ import annotations

from pathlib import Path

from ingest.readers.errors import ReaderError
from ingest.readers.text import read_text
from reportqa.types import ReaderOutput

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
MAX_FILE_BYTES = 50 * 1024 * 1024


def supported_suffixes() -> set[str]:
    return set(TEXT_SUFFIXES) | set(_layout_readers())


def _layout_readers() -> dict:
    readers = {}
    try:
        from ingest.readers.pdf import read_pdf
        readers[".pdf"] = read_pdf
    except ImportError:
        pass
    try:
        from ingest.readers.docx import read_docx
        readers[".docx"] = read_docx
        readers[".doc"] = read_docx
    except ImportError:
        pass
    try:
        from ingest.readers.html import read_html
        readers[".html"] = read_html
        readers[".htm"] = read_html
    except ImportError:
        pass
    return readers


def read_file(path: Path) -> ReaderOutput:
    path = Path(path)
    if not path.is_file():
        raise ReaderError(path.name, "no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReaderError(path.name, f"the file is {size // (1024 * 1024)} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES or suffix == "":
        return _within_line_limit(path, read_text(path))
    reader = _layout_readers().get(suffix)
    if reader is None:
        raise ReaderError(path.name, f"unsupported file type {suffix!r}; supported: {', '.join(sorted(supported_suffixes()))}")
    return _within_line_limit(path, reader(path))


def _within_line_limit(path: Path, output: ReaderOutput) -> ReaderOutput:
    from reportqa.config import ParseLimits
    limit = ParseLimits.current().max_line_chars
    longest = max((len(line) for line in output.text.split("\n")), default=0)
    if longest > limit:
        raise ReaderError(path.name, f"it has a line of {longest} characters; the limit is {limit}")
    return output
