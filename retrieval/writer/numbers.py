"""Numbers as written in Chinese report text and in a model's draft, read into comparable mentions.

A mention is (value, unit, approximate): 1856.554万元 → (1856.554, 万元, False); 7000余条 → (7000, 条, True).
Full-width digits and thousands separators are normalised (NFKC, 1,856 → 1856); small Chinese numerals
before a measure word (七件, 二十三条) are read too, so a model cannot slip a number past the guard by
writing it in characters. 一 alone (一个平台, 一次性, 进一步) is idiom far more often than a count, so it
is left out: the one number the guard does not read."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Longest first: 万元 before 元 and 万, 人次 before 人.
UNITS = ("亿元", "万元", "元", "万件", "万条", "万人次", "人次", "万人", "万次", "万", "件", "条", "个", "项", "次",
         "人", "家", "篇", "期", "场", "份", "户", "部", "起", "批", "天", "日", "月", "年", "%", "‰", "倍",
         "小时", "分钟")
_COUNT_UNITS = "件条个项次家篇期场份户部批"  # measure words after which a Chinese numeral is a count
_UNIT = "|".join(re.escape(u) for u in UNITS)
_NUMBER = re.compile(rf"(?<!第)(?<![\d.])(?P<pre>约|近|逾|超过|大约)?(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?)[ \t]*(?P<approx>余|多)?[ \t]*(?P<unit>{_UNIT})?")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(rf"(?<!第)(?<![\d.])(?P<pre>约|近|逾|超过|大约)?(?P<cn>[零〇一二两三四五六七八九十百千]+)[ \t]*(?P<approx>余|多)?[ \t]*(?P<unit>[{_COUNT_UNITS}])")
MARKER = re.compile(r"\[(\d+)\]")
_LIST_ITEM = re.compile(r"(?m)^\s*(?:[-*•·]|\d+[.、)）])\s*")


@dataclass(frozen=True)
class Mention:
    value: Decimal
    unit: str  # "" when the number stands alone (a table cell)
    approximate: bool  # 约/近/逾/超过 before, 余/多 after
    text: str  # as written

    @property
    def is_year(self) -> bool:
        return self.unit == "年" and self.value == self.value.to_integral_value() and 1949 <= self.value <= 2100

    def same_figure(self, other: "Mention") -> bool:
        return self.value == other.value and self.unit == other.unit


def normalise(text: str) -> str:
    """Full-width digits and signs as ASCII (NFKC), so ３０件 and 30件 read alike."""
    return unicodedata.normalize("NFKC", text or "")


def _chinese_value(cn: str) -> int | None:
    """二十三 → 23, 一百零五 → 105, 十二 → 12; None for what is not a plain number under 10,000."""
    total, digit = 0, None
    for ch in cn:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            continue
        scale = {"十": 10, "百": 100, "千": 1000}[ch]
        total += (1 if digit is None else digit) * scale
        digit = None
    return total + (digit or 0) if cn else None


def mentions(text: str) -> list[Mention]:
    """Every number in text with its unit (a space between them or not); [n] markers, list numbering (1. 2、) and ordinals (第3) left out."""
    flat = _LIST_ITEM.sub(" ", MARKER.sub(" ", normalise(text)))
    found = []
    for m in _NUMBER.finditer(flat):
        try:
            value = Decimal(m["num"].replace(",", ""))
        except InvalidOperation:  # cannot happen with the pattern; a mention is never dropped silently
            value = Decimal(-1)
        found.append(Mention(value, m["unit"] or "", bool(m["pre"] or m["approx"]), m[0]))
    for m in _CN_NUMBER.finditer(flat):
        value = _chinese_value(m["cn"])
        if value is not None and m["cn"] != "一":
            found.append(Mention(Decimal(value), m["unit"], bool(m["pre"] or m["approx"]), m[0]))
    return found
