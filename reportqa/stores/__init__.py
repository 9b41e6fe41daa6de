"""The three stores behind one small facade: facts (SQLite), vectors (Chroma), keywords (BM25).

Embedded by default in one folder (REPORTQA_HOME). Later deployments swap FactStore for
PostgreSQL and VectorStore for a Chroma server behind the same methods.
"""
from __future__ import annotations

import threading
from functools import cached_property

from reportqa.config import Settings
from reportqa.stores.facts import FactStore
from reportqa.stores.keywords import BM25Index


class Stores:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.facts = FactStore(self.settings.facts_db)
        self._bm25 = BM25Index()
        self._bm25_generation = None
        self._lock = threading.Lock()

    @cached_property
    def embedder(self):
        from reportqa.embedding import get_embedder
        return get_embedder(self.settings)

    @cached_property
    def vectors(self):
        from reportqa.embedding import LangchainEmbeddings
        from reportqa.stores.vectors import VectorStore
        store = VectorStore(self.settings.chroma_dir, LangchainEmbeddings(self.embedder), self.embedder.name)
        store.drop_uncommitted(self.facts.committed_versions())
        return store

    def keyword_index(self) -> BM25Index:
        """The BM25 index over committed chunks, rebuilt when a report was added or removed."""
        generation = self.facts.generation()
        if generation != self._bm25_generation:
            with self._lock:
                if generation != self._bm25_generation:
                    self._bm25.build(self.facts.chunks())
                    self._bm25_generation = generation
        return self._bm25

    def delete_report(self, report_id: str) -> bool:
        removed = self.facts.delete_report(report_id)
        self.vectors.delete_other_versions(report_id, None)
        return removed
