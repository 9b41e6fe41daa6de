"""Plain-text and Markdown reports: decode, normalise line endings, nothing else.

The decoded text is the canonical text; every offset points into it, so nothing here may
change characters beyond line endings and a leading BOM.
"""
from __future__ import annotations

from pathlib import Path

from ingest.readers.errors import ReaderError
from reportqa.types import PageSpan, ReaderOutput

_ENCODINGS = ("utf-8", "gb18030")


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if not data.strip():
        raise ReaderError(name, "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReaderError(name, "the file is binary, not text (it contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", name), "utf-16"
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ReaderError(name, "the text is neither UTF-8 nor GB18030/GBK; save it as UTF-8 and try again")


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReaderError(name, f"the text does not decode as {encoding}: {exc.reason} at byte {exc.start}") from exc


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> ReaderOutput:
    text, encoding = decode_bytes(path.read_bytes(), path.name)
    text = normalise_newlines(text)
    _reject_control_garbage(text, path.name)
    fmt = "md" if path.suffix.lower() in {".md", ".markdown"} else "txt"
    return ReaderOutput(text=text, source_format=fmt, encoding=encoding, pages=(PageSpan(0, len(text), 1),))


def _reject_control_garbage(text: str, name: str) -> None:
    # Binary files that happen to decode (GB18030 accepts almost any byte pairs) are full of control characters.
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\t\f")
    if sample and bad / len(sample) > 0.01:
        raise ReaderError(name, "the file looks binary: it is full of control characters")
