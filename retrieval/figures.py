"""Exact figures from the facts store: one cell, a group total, a share, a difference.

Every figure carries the facts it was computed from, so the answer can cite each cell.
Arithmetic is Decimal; nothing is estimated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ingest.consistency import narrative_cell_for
from reportqa.stores.facts import FactStore
from reportqa.stores.keywords import tokenize
from reportqa.types import Fact
from retrieval.lexicon import CellQuery, flatten


@dataclass
class Figure:
    report_id: str
    value: Decimal | None  # None: the cell exists but is blank
    unit: str
    parts: list[Fact]  # the cells (or narrative facts) it comes from
    label: str
    is_sum: bool = False


def select_cells(cells: dict[tuple[str, str], Fact], query: CellQuery) -> list[Fact]:
    """The cells of one report's table (keyed by (row, column)) that the query names."""
    if not cells:
        return []
    columns = query.columns or tuple(sorted({c for (_r, c) in cells}))[:1]
    parts = [cells[(r, c)] for r in query.rows for c in columns if (r, c) in cells]
    if not parts:
        # 2019 tables name some columns differently (处理决定数量 vs 本年处理决定数量): take the row's only match.
        parts = [f for (r, c), f in cells.items() if r in query.rows and any(c.endswith(x) or x.endswith(c) for x in columns)]
    return parts


def lookup(facts: FactStore, report_id: str, query: CellQuery) -> Figure | None:
    parts = select_cells({(f.row_key, f.column_key): f for f in facts.facts(report_id, table=query.table)}, query)
    if not parts:
        return None
    unit = parts[0].unit
    if len(parts) == 1:
        return Figure(report_id, parts[0].value, unit, parts, query.label)
    total = sum((p.value for p in parts if p.value is not None), Decimal(0))
    return Figure(report_id, total, unit, parts, query.label, is_sum=True)


def narrative_restatement(facts: FactStore, figure: Figure) -> Fact | None:
    """A narrative sentence that states the same table figure with a different number."""
    if len(figure.parts) != 1 or figure.value is None:
        return None
    cell = figure.parts[0]
    target = (cell.table, cell.row_key, cell.column_key)
    for fact in facts.facts(figure.report_id, kind="narrative"):
        if narrative_cell_for(fact) == target and fact.value != figure.value:
            return fact
    return None


_UNIT_CUE = re.compile(r"(?:多少|几)(万人次|人次|个工作日|工作日|万元|元|条|个|件|项|次|场|家|篇|期|份|人|户|部|名|套|台|天)")
_GENERIC = set("多少 数量 一共 共 总共 合计 报告 年报 政府信息公开 政府 信息 公开 工作 年度 情况 全年 本年 今年 去年 上一年 "
               "中 里 有 是 为 了 达到 全市 我市 市 县 区 全区 全县 这 这一 数字 数 说 那 那么 呢 吗 其中 个 件 条 项 多少件 多少条".split())
_ASKED_CLAUSE = re.compile(r"[^，,；;。]*(?:多少|几)[^，,；;。]*$")
_QUESTION_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]|\s*年)")
CLAUSE_COVERAGE_MIN = 0.6  # share of the asked words that the number's own clause must hold


def _asked_words(flat: str, exclude_words: set[str]) -> set[str]:
    """The words naming the asked quantity: from the clause that asks (…那上一年年报里主动公开了多少件规章？),
    or the whole question when that clause only says 这一数字是多少."""
    words = lambda text: {t for t in tokenize(text) if t not in _GENERIC and t not in exclude_words
                          and not re.fullmatch(r"[\d.%]+|(?:19|20)\d\d年?", t)}
    m = _ASKED_CLAUSE.search(flat)
    asked = words(m.group(0)) if m else set()
    return asked if sum(map(len, asked)) >= 2 else words(flat)


def _covered(words: set[str], text: str) -> int:
    tokens = set(tokenize(text))
    return sum(len(t) for t in words if t in tokens or t in text)


def best_narrative_fact(facts: FactStore, report_ids: list[str], question: str, exclude_words: set[str]) -> tuple[Fact, float] | None:
    """The narrative number whose own clause states the asked quantity, or None.

    The sentence must hold most of the asked words and the number's own clause some of them, the
    most winning: in 共处理98件，其中予以公开79件, 予以公开 belongs to 79. A number the question itself states is never its answer, and the unit
    asked (多少场) must be the unit written."""
    flat = flatten(question)
    q_tokens = _asked_words(flat, exclude_words)
    if not q_tokens:
        return None
    total = sum(len(t) for t in q_tokens)
    unit_cue = _UNIT_CUE.search(flat)
    wanted_unit = unit_cue.group(1) if unit_cue else None
    wants_rate = bool(re.search(r"率|百分|%|比例|增长|下降|上升|减少|增加了?多少", flat))
    stated = {Decimal(n) for n in _QUESTION_NUMBER.findall(flat)}
    best, best_score = None, 0.0
    texts: dict[str, str] = {}
    for rid in report_ids:
        for fact in facts.facts(rid, kind="narrative"):
            if fact.value is None or fact.value in stated:
                continue
            unit = fact.unit.lstrip("余")
            if wanted_unit and unit != wanted_unit and not (wants_rate and unit in ("%", "％")):
                continue
            clause = flatten(fact.row_label)
            own = _covered(q_tokens, clause) / total
            if own == 0:
                continue  # the clause must itself say what it counts
            if rid not in texts:
                texts[rid] = facts.report_text(rid) or ""
            sentence = flatten(texts[rid][fact.start:fact.end])
            context = _covered(q_tokens, sentence) / total
            if context < CLAUSE_COVERAGE_MIN:
                continue
            score = own + context + (0.2 if wanted_unit else 0) + (0.2 if wants_rate and unit in ("%", "％") else 0)
            if score > best_score:
                best, best_score = fact, score
    return (best, best_score) if best is not None else None


def share(numerator: Figure, denominator: Figure) -> Decimal | None:
    if numerator.value is None or not denominator.value:
        return None
    return (numerator.value * 100 / denominator.value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plain(value: Decimal | None) -> str:
    """A value as people write it: 30, not 30.000; 1856.554 stays exact."""
    if value is None:
        return "（空）"
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def as_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


__all__ = ["Figure", "select_cells", "lookup", "narrative_restatement", "best_narrative_fact", "share", "plain", "as_number"]
