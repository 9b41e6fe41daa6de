"""Names as they are stored and shown: file names, and reports as answers name them.

A name may hold bytes that are not UTF-8 (zip archives made on Windows), newlines and control
characters. Python carries undecodable bytes as lone surrogates, which SQLite, JSON and terminals
refuse; everywhere a name is stored or shown it goes through `displayable` first.
"""
from __future__ import annotations

from reportqa.types import StoredReport


def displayable(text: str) -> str:
    """Undecodable bytes as \\xNN, control characters (a newline in a name) escaped, the rest as is."""
    try:
        raw = str(text).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = str(text).encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii") for ch in text)


def report_name(report: StoredReport | None) -> str:
    return report.display_name if report is not None else ""


def searched_names(reports: list[StoredReport], limit: int = 8) -> str:
    """The reports an answer searched, as a sentence names them (长 lists cut with 等 N 份报告)."""
    names = [f"{r.display_name}报告" for r in reports]
    if len(names) > limit:
        return "、".join(names[:limit]) + f" 等 {len(names)} 份报告"
    return "、".join(names) or "（无）"


def body_list(reports: list[StoredReport]) -> str:
    """The distinct bodies of reports, sorted, for an error that says what is stored."""
    return "、".join(sorted({r.display_body for r in reports}))


def report_list(reports: list[StoredReport], limit: int = 12) -> str:
    """洪泽区人民政府2023年、… 等 N 份: the reports an across-bodies answer left out."""
    names = [r.display_name for r in reports]
    return "、".join(names[:limit]) + (f" 等 {len(names)} 份" if len(names) > limit else "")
