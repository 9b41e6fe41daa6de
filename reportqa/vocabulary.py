"""The report's vocabulary, written once for ingest and retrieval alike.

How text is made comparable (NFKC, traditional → simplified, no white space), how it splits into
sentences, how a year is written, what a heading line looks like, and the six standard sections of
the mandated format (their wording and kind are data: `schema/sections.json`).

Everything here is for *matching*: texts stored and quoted stay exactly as written, so offsets into
the canonical text stay exact.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportqa.types import Fact, Section

# --------------------------------------------------------------------------- normalisation

_WHITE = re.compile(r"[\s\u3000]+")


@lru_cache(maxsize=1)
def _t2s():
    """Traditional → simplified (OpenCC); identity when the converter is missing, so a
    traditional-character copy then matches less well but nothing fails."""
    try:
        from opencc import OpenCC
        return OpenCC("t2s").convert
    except Exception:
        return lambda s: s


def to_simplified(text: str) -> str:
    """A simplified-character form of text. OpenCC's t2s conversions keep the length, but callers
    that map positions back must check."""
    if not text or text.isascii():
        return text
    if len(text) <= 64:  # names and questions, converted again for every report a question is matched against
        return _short_to_simplified(text)
    return _t2s()(text)


@lru_cache(maxsize=262_144)
def _short_to_simplified(text: str) -> str:
    return _t2s()(text)


def compact(text: str) -> str:
    """NFKC without white space: full-width digits and Kangxi radicals read as the plain ones, and
    a line break inside a word (PDF text layers) does not split it."""
    return _WHITE.sub("", unicodedata.normalize("NFKC", str(text)))


def matching_form(text: str) -> str:
    """compact() in simplified characters: the form two names or labels are compared in."""
    return to_simplified(compact(text))


# --------------------------------------------------------------------------- years

YEAR = r"(?:19|20)\d\d"
# "2023年", "2023 年", "2023": the year a question or a text names (group 1 is the digits)
YEAR_MENTION = re.compile(r"((?:19|20)\d\d)\s*年?")


def years_in(text: str) -> list[int]:
    return [int(y) for y in YEAR_MENTION.findall(text)]


# --------------------------------------------------------------------------- sentences

# A clause closed by ； is a sentence for search and quoting: the reports list their measures as
# 一是…；二是…； and a quote should be the one measure asked about. When two years are aligned
# sentence by sentence (`semicolons=False`), a list edited item by item would otherwise pair every
# item with every other, so there only 。！？ and line breaks end a sentence.
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]?|\n+")
_SENTENCE_END_NO_SEMICOLON = re.compile(r"[。！？!?]+[”’」』)）]*|\n+")
_LINE_END = re.compile(r"\n+")


def sentence_spans(text: str, start: int, end: int, *, semicolons: bool = True,
                   lines: bool = False) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as trimmed (start, end) spans of text. lines=True: one per line
    (table sections, where a row is the unit)."""
    pattern = _LINE_END if lines else (_SENTENCE_END if semicolons else _SENTENCE_END_NO_SEMICOLON)
    spans, pos = [], start
    for m in pattern.finditer(text, start, end):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    return [s for s in (trim_span(text, a, b) for a, b in spans) if s[1] > s[0]]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --------------------------------------------------------------------------- headings

NUMBERED_HEADING = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)、.．]")


def is_heading(sentence: str) -> bool:
    """A heading or a title line (五、存在的主要问题…, 武昌经开区(滨江)管委会): a label of what
    follows, never an answer itself."""
    s = sentence.strip()
    return (len(s) <= 30 and bool(NUMBERED_HEADING.match(s))) or \
        (len(s) <= 16 and not re.search(r"[，,。；;:：\d]", s)) or \
        (len(s) <= 40 and bool(re.search(r"(?:年度报告|工作报告|年报)$", s)))


# --------------------------------------------------------------------------- the standard sections

_SECTIONS_FILE = Path(__file__).with_name("schema") / "sections.json"
PREAMBLE = "前言"


@dataclass(frozen=True)
class StandardSection:
    number: str  # 一 … 六
    name: str
    words: tuple[str, ...]  # wording that recognises its heading
    kind: str  # "table" | "narrative"


@lru_cache(maxsize=1)
def _sections_data() -> dict:
    return json.loads(_SECTIONS_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def standard_sections() -> tuple[StandardSection, ...]:
    return tuple(StandardSection(s["number"], s["name"], tuple(s["words"]), s["kind"])
                 for s in _sections_data()["sections"])


SECTION_NUMBERS = "".join(s.number for s in standard_sections())
SECTION_WORDS = {s.number: s.words for s in standard_sections()}
TABLE_SECTIONS = frozenset(s.number for s in standard_sections() if s.kind == "table")
NARRATIVE_SECTIONS = frozenset(s.number for s in standard_sections() if s.kind == "narrative")
# The applicant columns of table 三 (without 总计), in the template's order.
APPLICANT_COLUMNS = tuple(_sections_data()["applicant_columns"])


def section_number(name: str | None) -> str | None:
    """'五', '五、', '5', '存在的主要问题' → '五' (None when not recognisable)."""
    if not name:
        return None
    flat = compact(name)
    if flat[:1] in SECTION_NUMBERS:
        return flat[0]
    if flat.isdigit() and 1 <= int(flat) <= len(SECTION_NUMBERS):
        return SECTION_NUMBERS[int(flat) - 1]
    flat = to_simplified(flat)
    for number, words in SECTION_WORDS.items():
        if any(w in flat for w in words):
            return number
    return None


def top_sections(sections: list[Section]) -> dict[str, Section]:
    """The standard sections found in a report, by number."""
    return {s.number: s for s in sections if s.level == 1 and s.number in SECTION_NUMBERS}


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section containing offset."""
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level > best.level):
            best = s
    return best


def section_body_span(text: str, section: Section) -> tuple[int, int]:
    """The section without its heading line."""
    nl = text.find("\n", section.start, section.end)
    start = section.end if nl < 0 else nl + 1
    while start < section.end and text[start].isspace():
        start += 1
    return start, section.end


# --------------------------------------------------------------------------- narrative restating a cell

# Narrative clauses that state a table figure: (pattern on the clause, table, row, column).
NARRATIVE_TO_CELL = (
    (re.compile(r"(受理|收到|新收).*(申请|依申请)|依申请公开.*(受理|收到)"), "applications", "本年新收", "总计"),
    (re.compile(r"予以公开"), "applications", "予以公开", "总计"),
    (re.compile(r"部分公开"), "applications", "部分公开", "总计"),
    (re.compile(r"(转下年|结转下年)"), "applications", "结转下年度", "总计"),
    (re.compile(r"本机关不掌握"), "applications", "无法提供.本机关不掌握相关政府信息", "总计"),
    (re.compile(r"行政复议"), "review_litigation", "复议诉讼", "行政复议.总计"),
)


def narrative_cell_for(fact: Fact) -> tuple[str, str, str] | None:
    """The table cell a narrative number restates, if its clause names one clearly."""
    if fact.kind != "narrative" or fact.unit not in ("件", "个", "次"):
        return None
    clause = fact.row_label
    for pattern, table, row, column in NARRATIVE_TO_CELL:
        if pattern.search(clause):
            return table, row, column
    return None
