"""Report metadata: issuing body, year, publication date, title, format version.

Body and year come from every cue the text and its container offer (ingest/identify.py);
command-line values override them. The body is also split into its place (绥芬河市) and body type (自然资源局)
so that questions naming a body loosely can be matched.
"""
from __future__ import annotations

import re
from pathlib import Path

from ingest.identify import identify
from ingest.naming import simplified as _simplified
from reportqa.types import ReportMeta

_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_PLACE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?(?:市|自治州|州|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:区|县|旗|市))?(?:[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))?"
)


def split_body(body: str | None) -> tuple[str | None, str | None]:
    """(place, body type): 绥芬河市 → (绥芬河市, 人民政府); 抚远市自然资源局 → (抚远市, 自然资源局).
    A traditional-character body (淮安市洪澤區) is split on its simplified form, kept as written."""
    if not body:
        return None, None
    m = _PLACE.match(_simplified(body))
    place = body[: len(m.group(0))] if m and m.group(0) else None
    rest = body[len(place):] if place else body
    if place and not rest:
        return place, "人民政府"
    return place, rest or None


def _published(text: str, year: int | None) -> str | None:
    head_and_tail = text[:600] + "\n" + text[-400:]
    for m in _DATE.finditer(head_and_tail):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31 and (year is None or y in (year, year + 1)):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _format_version(text: str, year: int | None, table_format: str) -> str:
    if table_format in ("2021", "2019"):
        return table_format
    if "〔2021〕30" in text or "[2021]30" in text:
        return "2021"
    if "〔2019〕60" in text:
        return "2019"
    if year is not None:
        return "2021" if year >= 2021 else ("2019" if year >= 2019 else "unknown")
    return "unknown"


def extract_metadata(text: str, path: Path, *, table_format: str = "unknown", title_hint: str | None = None,
                     body: str | None = None, year: int | None = None) -> ReportMeta:
    """Body and year from every cue (ingest/identify.py); values given by the user win."""
    found = identify(text, path, title_hint=title_hint)
    found_body = body or found.body
    found_year = year or found.year
    place, body_type = split_body(found_body)
    return ReportMeta(
        body=found_body, year=found_year, published=_published(text, found_year), title=found.title,
        format_version=_format_version(text, found_year, table_format), place=place, body_type=body_type,
        body_cue="given" if body else found.body_cue, body_confidence=1.0 if body else found.body_confidence,
        year_cue="given" if year else found.year_cue, year_confidence=1.0 if year else found.year_confidence,
        aliases=() if body else found.aliases,
    )
