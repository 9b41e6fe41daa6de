"""BM25 over jieba tokens. Tokens are stored with each chunk in the fact store (same
transaction as the commit point); the index itself is built in memory from committed chunks."""
from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict

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


class BM25Index:
    """Okapi BM25 (k1=1.5, b=0.75) over the chunks of the committed report versions."""

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self._lock = threading.Lock()
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._lengths: list[int] = []
        self._chunks: list[Chunk] = []
        self._avg = 1.0

    def build(self, items: list[tuple[Chunk, str]]) -> None:
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths, chunks = [], []
        for i, (chunk, tokens) in enumerate(items):
            toks = tokens.split()
            for term, tf in Counter(toks).items():
                postings[term].append((i, tf))
            lengths.append(len(toks))
            chunks.append(chunk)
        with self._lock:
            self._postings, self._lengths, self._chunks = dict(postings), lengths, chunks
            self._avg = (sum(lengths) / len(lengths)) if lengths else 1.0

    def search(self, query_tokens: list[str], k: int, report_ids: set[str] | None = None) -> list[tuple[Chunk, float]]:
        n = len(self._chunks)
        scores: dict[int, float] = defaultdict(float)
        for term in set(query_tokens):
            posting = self._postings.get(term)
            if not posting:
                continue
            idf = math.log(1 + (n - len(posting) + 0.5) / (len(posting) + 0.5))
            for i, tf in posting:
                if report_ids is not None and self._chunks[i].report_id not in report_ids:
                    continue
                norm = self.k1 * (1 - self.b + self.b * self._lengths[i] / self._avg)
                scores[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [(self._chunks[i], s) for i, s in best]
