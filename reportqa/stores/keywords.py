"""BM25 over jieba tokens, persisted: nothing is rebuilt when a report is added or removed.

Each chunk's tokens are stored with it, and the statistics BM25 needs (how many chunks hold each
term, the chunk and token counts) are updated in the commit's transaction (reportqa/stores/facts.py).
A search reads the candidate chunks and scores them here, with the same formula on both engines:

- scoped to some reports (the usual case: a question names a body or a year): their chunks, read by
  report id, so the cost follows the scope, not the collection;
- unscoped: the chunks holding the question's rarest terms, found by the engine's full-text index
  (SQLite FTS5, PostgreSQL tsvector + GIN), up to MAX_POSTINGS of them; terms so common that they
  would pass that bound still count in the score of the chunks found.
"""
from __future__ import annotations

import heapq
import math
import re
import unicodedata

import jieba

from reportqa.types import Chunk
from reportqa.vocabulary import to_simplified

jieba.setLogLevel(60)  # jieba logs its dictionary loading to stderr on first use
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_STOPWORDS = set("的 了 和 与 及 在 是 对 为 等 将 把 被 其 或 并 以 于 中 上 下 年 个 件 条 共 有 无 也 都 就 而 之 多少 什么 哪些 怎么 如何 吗 呢 请问 情况".split())


def tokenize(text: str) -> list[str]:
    """Search tokens: NFKC (Kangxi radicals, full-width digits), traditional → simplified, jieba."""
    flat = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return [t for t in jieba.lcut_for_search(flat) if _WORD.search(t) and t not in _STOPWORDS]


# Unscoped search reads at most this many postings (chunks holding a term) to find candidates:
# the rarest terms first. On the dev corpus every term stays under it, so small collections are
# scored exactly as a full BM25; at 100,000 reports it keeps a question under a second.
MAX_POSTINGS = 20_000
K1, B = 1.5, 0.75


def bm25_scores(query_tokens: list[str], candidates: list[tuple[Chunk, str]], df: dict[str, int],
                n_chunks: int, avg_length: float, k: int | None = None) -> list[tuple[Chunk, float]]:
    """Okapi BM25 (k1=1.5, b=0.75) of each candidate, best first (the best k); ties in chunk id order."""
    terms = sorted({t for t in query_tokens if df.get(t)})
    idf = {t: math.log(1 + (n_chunks - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    out = []
    for chunk, tokens in candidates:
        present = [t for t in terms if t in tokens]  # a substring test first: most candidates hold few terms
        if not present:
            continue
        words = tokens.split()
        counts = [(t, words.count(t)) for t in present]
        norm = K1 * (1 - B + B * len(words) / avg_length)
        score = 0.0
        for term, tf in counts:
            if tf:
                score += idf[term] * tf * (K1 + 1) / (tf + norm)
        if score:
            out.append((chunk, score))
    order = lambda cs: (-cs[1], cs[0].chunk_id)  # noqa: E731
    return heapq.nsmallest(k, out, key=order) if k is not None else sorted(out, key=order)


class _Id:
    """A candidate known by its id only (what bm25_scores reads of a chunk)."""

    __slots__ = ("chunk_id",)

    def __init__(self, chunk_id: str):
        self.chunk_id = chunk_id


class KeywordIndex:
    """Keyword search over a fact store's committed chunks (either engine)."""

    def __init__(self, facts):
        self._facts = facts

    def search(self, query_tokens: list[str], k: int, report_ids: set[str] | list[str] | None = None
               ) -> list[tuple[Chunk, float]]:
        terms = sorted(set(query_tokens))
        if not terms:
            return []
        df, n_chunks, n_tokens = self._facts.keyword_statistics(terms)
        if not n_chunks:
            return []
        if report_ids is not None:
            candidates = self._facts.chunks(sorted(report_ids))
            return bm25_scores(terms, candidates, df, n_chunks, n_tokens / n_chunks or 1.0, k)
        # unscoped: score (id, tokens) rows, then read the best chunks whole
        rows = self._facts.chunk_tokens_matching(rarest_terms(df))
        best = bm25_scores(terms, [(_Id(cid), tokens) for cid, tokens in rows], df, n_chunks,
                           n_tokens / n_chunks or 1.0, k)
        chunks = self._facts.chunks_by_id([i.chunk_id for i, _s in best])
        return [(chunks[i.chunk_id], score) for i, score in best if i.chunk_id in chunks]


def rarest_terms(df: dict[str, int]) -> list[str]:
    """The terms whose postings together stay under MAX_POSTINGS, rarest first (at least one)."""
    chosen, total = [], 0
    for term, n in sorted(((t, n) for t, n in df.items() if n > 0), key=lambda tn: (tn[1], tn[0])):
        if chosen and total + n > MAX_POSTINGS:
            break
        chosen.append(term)
        total += n
    return chosen
