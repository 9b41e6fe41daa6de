"""Hybrid passage search: dense (embedding model, Chroma) + BM25 (jieba), fused by reciprocal rank,
restricted to the resolved reports, best passages per report so no report crowds out another."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reportqa.stores import Stores
from reportqa.stores.keywords import tokenize
from reportqa.types import Chunk

RRF_K = 60


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    score: float  # fused score
    dense: float | None  # cosine similarity, when the dense side found it
    keyword_rank: int | None


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    fused: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] += 1.0 / (k + rank + 1)
    return dict(fused)


def search_passages(stores: Stores, question: str, report_ids: list[str], *, per_report: int = 2,
                    max_reports: int = 3, candidates: int = 40) -> list[Passage]:
    stored = stores.reports_by_id()
    scope = sorted(set(report_ids) & stored.keys())
    if not scope:
        return []
    # every report: search the whole index (no filter to build), not a list of every id
    within = None if len(scope) == len(stored) else scope
    query_vector = stores.embedder.embed_query(question)
    dense = stores.vectors.search(query_vector, k=candidates, report_ids=within)
    sparse = stores.keyword_index().search(tokenize(question), k=candidates, report_ids=within)
    dense_ids = [cid for cid, _s in dense]
    sparse_ids = [c.chunk_id for c, _s in sparse]
    fused = reciprocal_rank_fusion([dense_ids, sparse_ids])
    chunks = {c.chunk_id: c for c, _s in sparse}
    chunks.update(stores.facts.chunks_by_id([cid for cid in dense_ids if cid not in chunks]))
    dense_score = dict(dense)
    ranked = sorted(fused.items(), key=lambda kv: -kv[1])
    per: dict[str, list[Passage]] = defaultdict(list)
    for cid, score in ranked:
        chunk = chunks.get(cid)
        # a report committed since this question's report list was read is not in its scope
        if chunk is None or chunk.report_id not in stored or len(per[chunk.report_id]) >= per_report:
            continue
        rank = sparse_ids.index(cid) if cid in sparse_ids else None
        per[chunk.report_id].append(Passage(chunk, score, dense_score.get(cid), rank))
    best_reports = sorted(per, key=lambda rid: -per[rid][0].score)[:max_reports]
    return sorted((p for rid in best_reports for p in per[rid]), key=lambda p: -p.score)
