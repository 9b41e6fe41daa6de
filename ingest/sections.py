"""Find the six standard sections and their sub-items (（一）… / (一)…), with offsets.

Headings are recognised by number *and* wording, in order, because the tables of section 三
carry row labels that look like headings (一、本年新收… / 四、结转下年度继续办理).
"""
from __future__ import annotations

import re
import unicodedata

from reportqa.vocabulary import to_simplified
from reportqa.types import Section
from reportqa.vocabulary import PREAMBLE, SECTION_NUMBERS as NUMERALS, SECTION_WORDS, section_at

_HEADING = re.compile(r"^[ \t\u3000]*([一二三四五六])[ \u3000]*[、.．,，][ \u3000]*(\S.*)$")
_SUB_ITEM = re.compile(r"^[ \t\u3000]*([（(][ \u3000]*[一二三四五六七八九十]+[ \u3000]*[)）])[ \u3000]*(\S.*)$")
_NOT_A_ROW = re.compile(r"[\t|]")


def find_sections(report_id: str, text: str) -> list[Section]:
    lines = _lines_with_offsets(text)
    tops: list[tuple[str, int, str]] = []  # (number, start, heading)
    wanted = 0
    for start, line in lines:
        if wanted >= len(NUMERALS):
            break
        m = _HEADING.match(line)
        if not m or _NOT_A_ROW.search(line):
            continue
        number, rest = m.group(1), m.group(2)
        idx = NUMERALS.index(number)
        if idx < wanted or len(rest) > 60:
            continue
        flat = to_simplified(unicodedata.normalize("NFKC", rest).replace(" ", ""))  # 總體情況 too
        if any(w in flat for w in SECTION_WORDS[number]):
            tops.append((number, start + line.index(number), line.strip()))
            wanted = idx + 1
    sections: list[Section] = []
    if tops and tops[0][1] > 0:
        sections.append(Section(report_id, PREAMBLE, "", 1, PREAMBLE, 0, tops[0][1]))
    elif not tops:
        return [Section(report_id, PREAMBLE, "", 1, PREAMBLE, 0, len(text))]
    for i, (number, start, heading) in enumerate(tops):
        end = tops[i + 1][1] if i + 1 < len(tops) else len(text)
        end = _trim_end(text, start, end)
        sections.append(Section(report_id, heading, number, 1, heading, start, end))
        if number in ("一", "五", "六"):
            sections.extend(_sub_items(report_id, text, lines, number, heading, start, end))
    return sections


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n\u3000":
        end -= 1
    return end


def _sub_items(report_id: str, text: str, lines, number: str, parent: str, lo: int, hi: int) -> list[Section]:
    found = []
    for start, line in lines:
        if not lo < start < hi or _NOT_A_ROW.search(line):
            continue
        m = _SUB_ITEM.match(line)
        if not m:
            continue
        heading = line.strip()
        cut = re.search(r"[。：:]", heading)
        if len(heading) > 40 and cut:
            heading = heading[: cut.start()]
        found.append((start + len(line) - len(line.lstrip()), heading))
    subs = []
    for i, (start, heading) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else hi
        subs.append(Section(report_id, f"{parent} / {heading}", number, 2, heading, start, _trim_end(text, start, end)))
    return subs


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


__all__ = ["find_sections", "section_at", "PREAMBLE"]
