"""Wording: hybrid search (dense + BM25) over the reports in scope, quoted sentence by sentence.

A passage must hold the question's topic words (TOPIC_COVERAGE_MIN of them, weighted by length):
a passage that merely shares the body's name or 政府信息公开 is not an answer, and the honest
"not found" is.
"""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import report_name, searched_names
from reportqa.stores.keywords import tokenize
from reportqa.types import Answer, StoredReport
from retrieval.bodymatch import mention_tokens, satisfied_mentions
from retrieval.compose import CitationBuilder, asks_for_shortcomings, states_shortcoming
from retrieval.hybrid import Passage, search_passages
from retrieval.lexicon import flatten
from retrieval.question import Question
from retrieval.scope import name_tokens, place_levels

# Words that say nothing about the topic: a passage must share topic words with the question.
_NON_TOPIC = set("报告 年报 年度 政府信息公开 政府 信息 公开 工作 情况 怎么 怎样 如何 什么 哪些 哪个 是否 说 写 提到 提及 内容 方面 有关 关于 介绍 一下 主要 具体 请 问 有 没有 进行 开展 做 做了 了 的 市 县 区 年 今年 去年 本年 里 中 对 呢 吗 是 多少 几".split())
TOPIC_COVERAGE_MIN = 0.5  # share of the topic words (by length) a passage must hold
PER_REPORT = 8  # passages searched per report
QUOTED_PER_REPORT = 2
QUOTED_MAX = 4


def answer(question: Question) -> Answer:
    """Always an answer: quotes, or the honest "not found" naming what was searched."""
    reports = question.in_scope  # the store's own tuple when every report is in scope: its caches hold
    ids = question.scope_ids
    not_found = Answer(question.text, "none", render("none", searched=searched_names(reports)), reports=ids)
    query = search_query(question.effective, reports)
    topic = topic_tokens(question.effective, reports)
    passages = search_passages(question.stores, query, ids, per_report=PER_REPORT)
    covered = [(_coverage(topic, p), p) for p in passages]
    # A passage that holds every topic word of the question beats one that holds half of them;
    # the fused rank decides among equals (and finds paraphrases the words miss).
    supported = [p for c, p in sorted(covered, key=lambda cp: (-round(cp[0], 1), -cp[1].score))
                 if c >= TOPIC_COVERAGE_MIN]
    supported = _best_per_report(supported, limit=QUOTED_PER_REPORT)
    cites = CitationBuilder(question.stores)
    spans = {id(p): cites.best_sentences(p, query, topic=topic) for p in supported}
    chosen = [p for p in supported if spans[id(p)] is not None][:QUOTED_MAX]
    if asks_for_shortcomings(question.effective):
        chosen = _shortcomings_only(chosen, spans, cites)
    if not chosen:
        return not_found
    by_report = {r.report_id: r for r in reports}
    order = list(dict.fromkeys(p.chunk.report_id for p in chosen))
    lines, used = [], []
    for passage in sorted(chosen, key=lambda p: order.index(p.chunk.report_id)):
        rid = passage.chunk.report_id
        if rid not in used:
            used.append(rid)
            lines.append(render("text_intro", report=report_name(by_report[rid])))
        start, end = spans[id(passage)]
        ref = cites.add(rid, start, end, score=round(passage.score, 4))
        cite = cites.citations[ref - 1]
        lines.append(render("text_passage", section=cite.section.split(" / ")[-1], quote=cite.quote, ref=ref))
    return Answer(question.text, "text", "\n".join(lines), reports=used, citations=cites.citations)


def _shortcomings_only(chosen: list[Passage], spans: dict, cites: CitationBuilder) -> list[Passage]:
    """Asked what is lacking: of a report whose quotes state a shortcoming, its other quotes (the
    measures it will take, which merely share the words) are left out."""
    def lacking(p: Passage) -> bool:
        start, end = spans[id(p)]
        return states_shortcoming(cites.text(p.chunk.report_id)[start:end])
    stating = {p.chunk.report_id for p in chosen if lacking(p)}
    return [p for p in chosen if p.chunk.report_id not in stating or lacking(p)]


def search_query(effective: str, reports: list[StoredReport]) -> str:
    """The question without the bodies' names: a name says which report, not what about."""
    query = _strip_names(effective, reports)
    for mention in sorted(satisfied_mentions(effective, reports), key=len, reverse=True):
        query = query.replace(mention, "") or query  # 天心区桂花坪街道 for a report that calls itself 桂花坪街道
    return query


def topic_tokens(question: str, reports: list[StoredReport]) -> set[str]:
    names = name_tokens(reports) | mention_tokens(question, reports)
    return {t for t in tokenize(question) if t not in _NON_TOPIC and t not in names and not re.fullmatch(r"\d+", t)
            and not t.startswith("哪")}  # 哪份, 哪个, 哪项: question words, not the topic


def _best_per_report(passages: list[Passage], limit: int) -> list[Passage]:
    kept, counts = [], {}
    for p in passages:
        rid = p.chunk.report_id
        if counts.get(rid, 0) < limit:
            kept.append(p)
            counts[rid] = counts.get(rid, 0) + 1
    return kept


def _strip_names(question: str, reports: list[StoredReport]) -> str:
    out = question
    for r in reports:
        for name in sorted({r.body or "", *place_levels(r.place)}, key=len, reverse=True):
            if len(name) >= 2:
                out = out.replace(name, "")
    return out.strip() or question


def _coverage(topic: set[str], passage: Passage) -> float:
    if not topic:
        return 0.0
    text = passage.chunk.section + passage.chunk.text
    hay = set(tokenize(text))
    flat = flatten(text)
    covered = sum(len(t) for t in topic if t in hay or t in flat)
    return covered / sum(len(t) for t in topic)
