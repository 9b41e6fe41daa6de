"""Numbers stated in the narrative ("政府门户网站公开各类信息 7366 条", "政务新媒体22个") as facts.

Each becomes a Fact with table "narrative": the clause it sits in (as written) says what is
counted, the unit follows the number, and the span is the sentence, so a question about it can be
answered exactly and cited.
"""
from __future__ import annotations

import re

from ingest.chunks import leaf_segments
from ingest.tables.cells import parse_value
from reportqa.vocabulary import TABLE_SECTIONS, sentence_spans, to_simplified
from reportqa.types import Fact, Section

_UNITS = ("万人次", "人次", "个工作日", "工作日", "亿元", "万元", "元", "万条", "万件", "条", "个", "件", "项", "次", "场", "家",
          "篇", "期", "份", "批", "人", "户", "部", "名", "套", "台", "天", "宗", "封", "起", "大类", "类", "%", "％", "余条", "余件", "余个", "余次")
_NUMBER_UNIT = re.compile(
    r"(?<![\d０-９.第〔\[])([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(余|多)?\s*(" + "|".join(sorted({u.lstrip("余") for u in _UNITS}, key=len, reverse=True)) + r")"
)
_CLAUSE_SPLIT = re.compile(r"[，,；;：:。！？、（）()]")  # brackets too: 共受理121件（其中新收112件
_NOT_A_COUNT = re.compile(r"^\s*(?:年|月|日|号|时|岁)")


def narrative_facts(report_id: str, text: str, sections: list[Section],
                    skip: list[tuple[int, int]] = ()) -> list[Fact]:
    """skip: spans that are not report text (page chrome: 索引号, dates, view counts)."""
    facts: list[Fact] = []
    for section, start, end in leaf_segments(sections):
        in_table_section = section.number in TABLE_SECTIONS
        for s_start, s_end in sentence_spans(text, start, end):
            if any(x < s_end and s_start < y for x, y in skip):
                continue
            if in_table_section and not _is_prose(text[s_start:s_end]):
                continue  # a table row: its numbers are the table's facts
            facts.extend(_sentence_facts(report_id, text, s_start, s_end))
    return facts


_PROSE_PUNCTUATION = re.compile(r"[，,；;。]")


def _is_prose(sentence: str) -> bool:
    """A sentence written as prose, not a table row: many reports put their narrative under the
    heading of a table section (二、主动公开政府信息情况 then 一是在网站设置…等13个板块)."""
    return "|" not in sentence and "\t" not in sentence and bool(_PROSE_PUNCTUATION.search(sentence)) \
        and len(re.findall(r"[\u4e00-\u9fff]", sentence)) >= 12


def _sentence_facts(report_id: str, text: str, start: int, end: int) -> list[Fact]:
    sentence = text[start:end]
    flat = to_simplified(sentence)  # units of a traditional copy (條 個 項) match too
    if len(flat) != len(sentence):
        flat = sentence
    out = []
    counts = [(m, parse_value(m.group(1))) for m in _NUMBER_UNIT.finditer(flat) if not _NOT_A_COUNT.match(flat[m.end(1):])]
    counts = [(m, value) for m, value in counts if value is not None]
    for i, (m, value) in enumerate(counts):
        clause_start, clause_end = _clause_bounds(sentence, m.start(), m.end())
        # two counts in one clause (领导信箱来件94件和…热线工单共计7639件): the words before a number are
        # its own, so a number's clause starts after the count before it and, when another count
        # follows in the clause, ends with its own unit
        if i:
            clause_start = max(clause_start, counts[i - 1][0].end())
        if i + 1 < len(counts) and counts[i + 1][0].start() < clause_end:
            clause_end = m.end()
        clause = sentence[clause_start:clause_end]
        unit = m.group(3)
        subject = (sentence[clause_start:m.start()] + sentence[m.end():clause_end]).strip()
        out.append(Fact(
            report_id=report_id, table="narrative", row_key=re.sub(r"\s+", "", subject) or clause,
            row_label=clause, column_key="比例" if unit in ("%", "％") else "数量", column_label=unit,
            value=value, raw=sentence[m.start():m.end()], unit=("余" + unit) if m.group(2) else unit,
            start=start, end=end, value_start=start + m.start(1), value_end=start + m.end(1), kind="narrative",
        ))
    return out


def _clause_bounds(sentence: str, lo: int, hi: int) -> tuple[int, int]:
    """The number's own clause. A 、 ends it only where the list goes on with another number
    (政务新媒体22个、网站3个); otherwise it lists what the number is about (对29项…利益、…的政策文件进行了解读)."""
    pinyin = {i for m in _PINYIN.finditer(sentence) for i in range(m.start(), m.end())}

    def splits(i: int) -> bool:
        return bool(_CLAUSE_SPLIT.match(sentence[i])) and i not in pinyin

    a = lo
    while a > 0 and not splits(a - 1):
        a -= 1
    while a > 0 and sentence[a - 1] == "、" and \
            not _HAS_NUMBER.search(sentence[_stretch_start(sentence, a - 1, splits):a - 1]):
        a = _stretch_start(sentence, a - 1, splits)
    b = hi
    while b < len(sentence) and not splits(b):
        b += 1
    while b < len(sentence) and sentence[b] == "、" and \
            not _HAS_NUMBER.search(sentence[b + 1:_stretch_end(sentence, b + 1, splits)]):
        b = _stretch_end(sentence, b + 1, splits)
    return a, b


# mirrors of traditional-script pages insert pinyin after characters (就業(yè)): not a bracketed clause
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_HAS_NUMBER = re.compile(r"[0-9０-９]+(?![0-9０-９]*\s*[年月日号])")  # a count, not a date


def _stretch_start(sentence: str, i: int, splits) -> int:
    while i > 0 and not splits(i - 1):
        i -= 1
    return i


def _stretch_end(sentence: str, i: int, splits) -> int:
    while i < len(sentence) and not splits(i):
        i += 1
    return i
