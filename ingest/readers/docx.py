"""Word (.docx) reports via python-docx: paragraphs and tables in document order. Table cells are
read from the XML so merged cells come out as the grid: w:gridSpan gives the text once followed by
empty cells, a w:vMerge continuation is an empty cell (the label sits on its first row only).
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from ingest.readers.errors import ReaderError
from ingest.readers.normalise import TextBuilder, clean_cell, clean_paragraph, meaningful_title, rows_to_lines
from reportqa.types import ReaderOutput

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> ReaderOutput:
    path = Path(path)
    data = path.read_bytes()
    if not data.strip(b"\x00 \r\n\t"):
        raise ReaderError(path.name, "the file is empty")
    if data.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() == ".doc":
        raise ReaderError(path.name, _doc_message(path))
    if not zipfile.is_zipfile(path):
        raise ReaderError(path.name, "the Word file is damaged or not a .docx (it is not a ZIP package)")
    _check_package(path)
    try:
        import docx

        document = docx.Document(str(path))
    except Exception as exc:
        raise ReaderError(path.name, f"the Word file is damaged or not a .docx ({type(exc).__name__})") from exc

    builder = TextBuilder()
    block = 0
    for kind, content in _blocks(document.element.body):
        if kind == "p":
            text = content
        else:
            text = "\n".join(rows_to_lines(content))
        if text:
            block += 1
            builder.add(text, block)
    text, spans = builder.result()
    if not text.strip():
        raise ReaderError(path.name, "the Word document contains no text")
    try:
        title = meaningful_title(document.core_properties.title)
    except Exception:
        title = None
    return ReaderOutput(text=text, source_format="docx", encoding="docx", pages=spans, title_hint=title)


MAX_GRID_SPAN = 64  # columns one cell may span: report tables have under 20; a huge gridSpan is an attack


def _check_package(path: Path) -> None:
    """Refuse a ZIP that would unpack to far more than any report (a decompression bomb) before
    python-docx reads it. Declared sizes bound what zipfile reads, so they can be trusted here."""
    from reportqa.config import ParseLimits
    limits = ParseLimits.current()
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReaderError(path.name, f"the Word file is damaged or not a .docx ({type(exc).__name__})") from exc
    if len(entries) > limits.max_zip_entries:
        raise ReaderError(path.name, f"the package has {len(entries)} entries; the limit is {limits.max_zip_entries}")
    total = sum(e.file_size for e in entries)
    largest = max((e.file_size for e in entries), default=0)
    if total > limits.max_unpacked_mb * 2**20 or largest > limits.max_unpacked_mb * 2**20 // 5:
        raise ReaderError(path.name, f"it unpacks to {max(total, largest * 5) // 2**20} MB (one part "
                                     f"{largest // 2**20} MB); the limit is {limits.max_unpacked_mb} MB, a fifth of it for one part")


def _doc_message(path: Path) -> str:
    msg = "this is an old Word .doc file; only .docx is supported: open it in Word/WPS and save it as .docx"
    if shutil.which("soffice") or shutil.which("libreoffice"):
        msg += f", or convert it with `soffice --headless --convert-to docx {path.name}`"
    return msg


def _blocks(parent):
    """Yield ('p', text) and ('tbl', rows) in document order, looking inside content controls."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == W + "p":
            text = _paragraph_text(child)
            if text:
                yield "p", text
        elif tag == W + "tbl":
            rows = _table_rows(child)
            if rows:
                yield "tbl", rows
        elif tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif tag in (W + "customXml", W + "ins"):
            yield from _blocks(child)


def _paragraph_text(p) -> str:
    parts = []
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr", W + "delText"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append(" ")
        elif node.tag in (W + "br", W + "cr"):
            parts.append("\n")
    return clean_paragraph("".join(parts))


def _table_rows(tbl) -> list[list[str]]:
    rows = []
    for tr in tbl.iterchildren(W + "tr"):
        row: list[str] = []
        tr_pr = tr.find(W + "trPr")
        row += [""] * min(MAX_GRID_SPAN, _int_val(tr_pr, "gridBefore", 0))
        for tc in tr.iterchildren(W + "tc", W + "sdt"):
            tc = tc if tc.tag == W + "tc" else (tc.find(".//" + W + "tc"))
            if tc is None:
                continue
            tc_pr = tc.find(W + "tcPr")
            span = min(MAX_GRID_SPAN, max(1, _int_val(tc_pr, "gridSpan", 1)))
            v_merge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
            continued = v_merge is not None and v_merge.get(W + "val", "continue") != "restart"
            text = "" if continued else clean_cell("\n".join(_paragraph_text(p) for p in tc.iter(W + "p")))
            row += [text] + [""] * (span - 1)
        row += [""] * min(MAX_GRID_SPAN, _int_val(tr_pr, "gridAfter", 0))
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _int_val(pr, name: str, default: int) -> int:
    if pr is None:
        return default
    node = pr.find(W + name)
    if node is None:
        return default
    try:
        return int(node.get(W + "val", default))
    except (TypeError, ValueError):
        return default
