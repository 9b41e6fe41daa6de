"""The guard: a model's draft checked against the answer it was asked to word, before anyone sees it.

Pure functions, no model. A draft passes only when every check does:

    citations  every sentence carries at least one [n], and every [n] is one of the answer's citations
    numbers    every number (with its unit, and 余/多/约 kept) is a figure of the extractive answer or
               stands in a quote that the same sentence cites
    years      every year named is a cited report's year, or is written in the answer or a cited quote
    bodies     every body or place named is a cited report's body, or is written in the answer or a quote
    empty      the draft says something

The extractive answer (the router's text, its value and unit) is the source of truth: its figures were
read from table cells or computed from them, so a draft may repeat them anywhere; anything else must
be in what the sentence cites (RAGFlow #7232: citations on the wrong chunk)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable

from reportqa.types import Answer
from retrieval.writer.numbers import MARKER, Mention, mentions, normalise

log = logging.getLogger(__name__)

LABELS = {"empty": "内容为空", "citations": "引用核对", "numbers": "数字核对", "years": "年份核对", "bodies": "机关核对"}
# A sentence ends at 。！？； or a line break; the [n] markers right after it belong to it.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+|\n|$)(?:\s*\[\d+\])*")
_FILLER = re.compile(r"[\s\W_]*", re.UNICODE)


@dataclass(frozen=True)
class Check:
    name: str  # empty | citations | numbers | years | bodies
    passed: bool
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.name]


@dataclass(frozen=True)
class GuardResult:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def failed_labels(self) -> str:
        """数字核对、引用核对: what the user's note names."""
        return "、".join(c.label for c in self.failed)

    def reasons(self) -> list[str]:
        return [f"{c.name}: {r}" for c in self.failed for r in c.reasons]


@dataclass(frozen=True)
class Sentence:
    text: str  # as written, markers included
    refs: tuple[int, ...]


def sentences(draft: str) -> list[Sentence]:
    """The draft's sentences with the [n] each carries; punctuation-only pieces are not sentences."""
    found = []
    for m in _SENTENCE.finditer(normalise(draft)):
        text = m.group(0)
        if _FILLER.fullmatch(MARKER.sub("", text)):
            continue  # a stray marker or bullet on its own line belongs to nothing
        found.append(Sentence(text.strip(), tuple(int(n) for n in MARKER.findall(text))))
    return found


def answer_figures(answer: Answer) -> list[Mention]:
    """The figures of the extractive answer: every number in its text, and its value with its unit."""
    figures = mentions(answer.answer)
    try:
        if answer.value is not None:
            value = Decimal(str(answer.value))
            figures.append(Mention(value, answer.unit or "", False, str(answer.value)))
    except InvalidOperation:
        log.warning("answer value %r is not a number", answer.value)
    return figures


def _found(m: Mention, sources: Iterable[Mention]) -> tuple[bool, Mention | None]:
    """(the same figure with the same 约数 is there, a same-figure mention that differs only in 约数).
    A number written without a unit may stand for any unit's figure of the same value."""
    near = None
    for s in sources:
        if s.value == m.value and (s.unit == m.unit or not m.unit):
            if s.approximate == m.approximate:
                return True, None
            near = s
    return False, near


def check_citations(parts: list[Sentence], n_citations: int) -> Check:
    reasons = [f"第{i}句没有引用标注：{s.text[:40]}" for i, s in enumerate(parts, 1) if not s.refs]
    reasons += [f"[{n}] 不存在（共 {n_citations} 条引用）" for s in parts for n in s.refs if not 1 <= n <= n_citations]
    return Check("citations", not reasons, tuple(dict.fromkeys(reasons)))


def check_numbers(parts: list[Sentence], answer: Answer) -> Check:
    figures = answer_figures(answer)
    quotes = [mentions(c.quote) for c in answer.citations]
    reasons = []
    for s in parts:
        cited = [m for n in s.refs if 1 <= n <= len(quotes) for m in quotes[n - 1]]
        for m in mentions(s.text):
            if m.is_year:
                continue  # years: check_years
            ok, near = _found(m, figures + cited)
            if ok:
                continue
            if near is not None:
                reasons.append(f"「{m.text}」{'添加' if m.approximate else '丢失'}了约数（原文「{near.text}」）")
            else:
                reasons.append(f"「{m.text}」既不是答案中的数字，也不在该句所引原文中")
    return Check("numbers", not reasons, tuple(dict.fromkeys(reasons)))


def check_years(parts: list[Sentence], answer: Answer) -> Check:
    allowed = {Decimal(c.year) for c in answer.citations if c.year}
    allowed |= {m.value for m in mentions(answer.answer) if m.is_year}
    allowed |= {m.value for c in answer.citations for m in mentions(c.quote) if m.is_year}
    reasons = [f"「{m.text}」不是所引报告的年份" for s in parts for m in mentions(s.text)
               if m.is_year and m.value not in allowed]
    return Check("years", not reasons, tuple(dict.fromkeys(reasons)))


def _place_names(text: str) -> set[str]:
    """Place names jieba tags (ns) in the text: 北京市, 海淀区, 淮安市."""
    import jieba
    import jieba.posseg as posseg
    jieba.setLogLevel(logging.WARNING)
    return {w for w, flag in posseg.cut(text) if flag.startswith("ns") and len(w) >= 2}


def check_bodies(draft: str, answer: Answer, known_names: Iterable[str] = ()) -> Check:
    """Names the draft uses must be the cited reports' bodies or written in the answer or its quotes:
    the collection's other bodies (known_names) and any place name jieba recognises."""
    allowed = normalise("\n".join([answer.answer, *(f"{c.body}\n{c.title}\n{c.quote}" for c in answer.citations)]))
    text = normalise(MARKER.sub("", draft))
    names = {n for n in known_names if n and len(n) >= 2 and n in text} | _place_names(text)
    reasons = [f"「{n}」不是所引报告的机关，也不在所引原文中" for n in sorted(names) if n not in allowed]
    return Check("bodies", not reasons, tuple(reasons))


def known_names(reports) -> list[str]:
    """The names a draft might borrow from the collection: every stored report's body, place and short names."""
    return sorted({n for r in reports for n in (r.body, r.place, *r.aliases) if n})


def check_draft(draft: str, answer: Answer, known_names: Iterable[str] = ()) -> GuardResult:
    """Every check on one draft; known_names: the collection's bodies and places (another body's name
    in a draft is the commonest slip of a small model)."""
    parts = sentences(draft or "")
    if not parts:
        return GuardResult((Check("empty", False, ("模型没有写出内容",)),))
    return GuardResult((check_citations(parts, len(answer.citations)), check_numbers(parts, answer),
                        check_years(parts, answer), check_bodies(draft, answer, known_names)))
