"""Report metadata: issuing body, year, publication date, title, format version.

From the text first (title line, intro sentence, date line), then the file name; command-line
values override both. The body is also split into its place (绥芬河市) and body type (自然资源局)
so that questions naming a body loosely can be matched.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from reportqa.schema import to_simplified
from reportqa.types import ReportMeta

_TITLE_WORDS = re.compile(r"政府信息公开(?:工作)?年度报告|信息公开工作年度报告|年度报告")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_PLACE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?(?:市|自治州|州|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:区|县|旗|市))?(?:[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))?"
)
_BODY_TYPES = ("人民政府办公室", "人民政府办公厅", "人民政府", "政府办公室", "政府办", "政府")


def _clean(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text))


def _simplified(text: str) -> str:
    """Traditional → simplified for matching, only when the length is kept (so positions found in
    the simplified form slice the text as written)."""
    converted = to_simplified(text)
    return converted if len(converted) == len(text) else text


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


def _title_line(text: str) -> str | None:
    for line in text.split("\n")[:15]:
        if _TITLE_WORDS.search(_simplified(line)) and len(_clean(line)) <= 60:
            return line.strip()
    return None


def _body_from_title(title: str) -> str | None:
    flat = _clean(title)
    flat = re.sub(r"^[《〈<]|[》〉>]$", "", flat)
    m = _YEAR_IN_TITLE.search(flat)
    head = flat[: m.start()] if m else flat[: len(_TITLE_WORDS.split(_simplified(flat))[0])]
    head = head.strip("《》〈〉()（）:：-—_ ")
    head = head[: len(re.sub(r"(关于|的)$", "", _simplified(head)))]
    return head if 2 <= len(head) <= 30 and re.search(r"[\u4e00-\u9fff]", head) else None


def _body_from_text(text: str) -> str | None:
    # "现发布《绥芬河市 2023 年政府信息公开工作年度报告》" and similar inside the intro
    head = text[:5000]
    flat = _simplified(head)
    for m in re.finditer(r"《([^《》]{2,40}?)\s*(?:19|20)\d\d\s*年(?:度)?\s*政府信息公开", flat[:3000]):
        candidate = _clean(head[m.start(1):m.end(1)])
        if candidate and "条例" not in _simplified(candidate):
            return candidate
    m = re.search(r"本报告由([\u4e00-\u9fff]{2,30}?)(?:编制|发布|制作)", flat)
    return head[m.start(1):m.end(1)] if m else None


def _year(title: str | None, text: str, filename: str) -> int | None:
    if title:
        m = _YEAR_IN_TITLE.search(_clean(title))
        if m:
            return int(m.group(1))
    m = re.search(r"((?:19|20)\d\d)年(?:度)?(?:政府信息公开|信息公开)", _simplified(_clean(text[:3000])))
    if m:
        return int(m.group(1))
    m = re.search(r"(?:19|20)\d\d", filename)
    return int(m.group(0)) if m else None


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


def _body_from_filename(path: Path) -> str | None:
    stem = _clean(path.stem)
    m = _YEAR_IN_TITLE.search(stem) or re.search(r"(?:19|20)\d\d", stem)
    head = stem[: m.start()] if m else stem
    head = re.sub(r"[_\-—.\d]+$", "", head)
    return head if re.search(r"[\u4e00-\u9fff]{2,}", head) else None


def extract_metadata(text: str, path: Path, *, table_format: str = "unknown", title_hint: str | None = None,
                     body: str | None = None, year: int | None = None) -> ReportMeta:
    title = _title_line(text) or title_hint
    found_body = body or (title and _body_from_title(title)) or _body_from_text(text) or _body_from_filename(path)
    found_year = year or _year(title, text, path.name)
    place, body_type = split_body(found_body)
    return ReportMeta(
        body=found_body, year=found_year, published=_published(text, found_year), title=title,
        format_version=_format_version(text, found_year, table_format), place=place, body_type=body_type,
    )
