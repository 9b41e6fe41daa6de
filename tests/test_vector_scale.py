"""The embedded vector store past SQLite's 32,766-variable limit: opening it and dropping a crash's
leftovers must not read the whole collection in one statement. Synthetic 8-dimension vectors
stand in for embeddings (what is tested is the store's bookkeeping, not similarity)."""
from __future__ import annotations

import numpy as np

from reportqa.stores.vectors import VectorStore
from reportqa.types import Chunk


class _NoQueries:  # the store is never asked a question by text here
    def embed_query(self, text):  # pragma: no cover
        raise AssertionError("not used")

    def embed_documents(self, texts):  # pragma: no cover
        raise AssertionError("not used")


def test_drop_uncommitted_past_32766_entries(tmp_path):
    store = VectorStore(tmp_path / "chroma", _NoQueries(), "synthetic-8d", lambda ids: {})
    n = 34_000
    chunks = [Chunk(f"c{i}", f"r{i % 40}", "一、总体情况", i, i + 1, "x") for i in range(n)]
    vectors = np.random.default_rng(0).random((n, 8), dtype=np.float32)
    for i in range(0, n, 5000):
        store.add(chunks[i:i + 5000], vectors[i:i + 5000], "v1")
    committed = {f"r{k}": "v1" for k in range(40)}
    committed["r0"] = "v2"  # r0's v1 entries are leftovers of a crashed re-ingest
    dropped = store.drop_uncommitted(committed)
    assert dropped == n // 40 and store.count() == n - n // 40
    assert store.drop_uncommitted(committed) == 0
