"""File names as they can be stored and shown.

A name may hold bytes that are not UTF-8 (zip archives made on Windows), newlines and control
characters. Python carries undecodable bytes as lone surrogates, which SQLite, JSON and terminals
refuse; everywhere a name is stored or shown it goes through `displayable` first.
"""
from __future__ import annotations


def displayable(text: str) -> str:
    """Undecodable bytes as \\xNN, control characters (a newline in a name) escaped, the rest as is."""
    try:
        raw = str(text).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = str(text).encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)
