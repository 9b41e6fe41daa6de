"""Which vectors a store holds: one model on one backend at a time, never a mix.

The facts store records the vector key (model + backend, e.g. multilingual-e5-small+onnx-int8)
that every committed chunk's vector was made with; the vectors live in the Chroma collection of
that key. A process that embeds with another key (REPORTQA_EMBEDDING_BACKEND or _MODEL changed)
embeds every committed chunk again, once, under the writer lock, into its own collection, records
its key and drops the old collection. The vector cache keeps each key's vectors apart, so
switching back costs cache reads, not the model. A store made before keys were recorded holds
torch vectors under the model's name alone: it is treated as such a switch.
"""
from __future__ import annotations

import hashlib
import logging
import time

import numpy as np

from reportqa.chunk_text import embedding_text
from reportqa.types import Chunk

log = logging.getLogger(__name__)

REPORTS_PER_STEP = 50  # reports re-embedded per step (their chunks share sorted batches)


class VectorSpaceChanged(RuntimeError):
    """Another process switched the store's vectors to another model or backend meanwhile."""


def embed_chunks(facts, embedder, chunks: list[Chunk]) -> np.ndarray:
    """The vectors of these chunks, in order: each distinct text embedded once, and only when the
    vector cache (per vector key) does not hold it yet."""
    texts = [embedding_text(c) for c in chunks]
    hashes = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    key = embedder.vector_key
    cached = facts.cached_vectors(key, sorted(set(hashes)))
    missing = sorted({h: t for h, t in zip(hashes, texts) if h not in cached}.items())
    if missing:
        vectors = embedder.embed_passages([t for _h, t in missing])
        fresh = {h: np.asarray(v, dtype=np.float32).tobytes() for (h, _t), v in zip(missing, vectors)}
        facts.cache_vectors(key, fresh)
        cached.update(fresh)
    if not hashes:
        return np.zeros((0, embedder.dimension), np.float32)
    return np.stack([np.frombuffer(cached[h], dtype=np.float32) for h in hashes])


def reembed(facts, store, embedder, previous: str | None) -> int:
    """Embed every committed chunk with `embedder` into its collection; record its key; drop the
    previous key's collection. Call holding the writer lock. Returns the number of reports."""
    key = embedder.vector_key
    committed = facts.committed_versions()
    log.warning("the store's vectors were made with %s; embedding its %d reports again with %s (once)",
                previous or f"{embedder.name} (torch, before backends were recorded)", len(committed), key)
    started = time.perf_counter()
    ids = sorted(committed)
    for i in range(0, len(ids), REPORTS_PER_STEP):
        chunks = [c for c, _tokens in facts.chunks(ids[i:i + REPORTS_PER_STEP])]
        vectors = embed_chunks(facts, embedder, chunks)
        by_report: dict[str, list[int]] = {}
        for n, chunk in enumerate(chunks):
            by_report.setdefault(chunk.report_id, []).append(n)
        for report_id, rows in by_report.items():
            store.add([chunks[n] for n in rows], vectors[rows], committed[report_id])
    store.drop_uncommitted(committed)  # entries of this key left from an earlier switch
    facts.set_vector_space(key)
    old = previous or embedder.name  # before keys were recorded, the collection was named after the model
    if old != key:
        store.drop_collection(old)
    log.warning("re-embedded %d reports in %.1f s", len(committed), time.perf_counter() - started)
    return len(committed)
