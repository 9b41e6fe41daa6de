"""The stores behind one interface: facts, vectors and keywords of every committed report.

    stores = Stores(settings)      # embedded (SQLite + Chroma in settings.home) or PostgreSQL + pgvector
    stores.facts                   # reports, texts, sections, chunks, facts, findings (reportqa/stores/facts.py)
    stores.vectors.search(…)       # chunk vectors
    stores.keyword_index().search(…)
    stores.reports()               # the committed reports, cached per store generation
    stores.write_report(report, tokens, vectors)   # the commit point of one report: all or nothing

`settings.database_url` (REPORTQA_DATABASE_URL) chooses PostgreSQL (reportqa/stores/postgres.py),
where one report is one transaction; otherwise the embedded default (reportqa/stores/embedded.py),
where a writer lock and the committed version keep Chroma and SQLite in step. Retrieval and ingest
see only this interface, so every answer is the same on both.
"""
from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Iterator, Literal

import numpy as np

from reportqa.config import Settings
from reportqa.stores.facts import report_order
from reportqa.stores.keywords import KeywordIndex
from reportqa.types import ParsedReport, StoredReport

log = logging.getLogger(__name__)

WriteStatus = Literal["ingested", "replaced", "unchanged"]


def crash_point(name: str) -> None:
    # Fault injection for the all-or-nothing tests: the test sets this variable in a child process.
    if os.environ.get("REPORTQA_TEST_CRASH_AT") == name:
        os._exit(17)


class Stores:
    """The interface both engines implement; `Stores(settings)` opens the one the settings name."""

    def __new__(cls, settings: Settings | None = None):
        if cls is not Stores:
            return super().__new__(cls)
        settings = settings or Settings.from_env()
        if settings.database_url:
            from reportqa.stores.postgres import PostgresStores
            return super().__new__(PostgresStores)
        from reportqa.stores.embedded import EmbeddedStores
        return super().__new__(EmbeddedStores)

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_env()
        self._lock = threading.Lock()
        self._writer = threading.RLock()  # threads of one process (the web server) take turns too
        self._reports: dict[str, StoredReport] = {}
        self._reports_sorted: tuple[StoredReport, ...] = ()
        self._reports_generation: int | None = None
        self._by_id: tuple = (None, {})
        self._keywords = None

    backend = ""
    facts = None  # a FactStore, set by the engine

    # ------------------------------------------------------------ the embedding model
    @cached_property
    def embedder(self):
        from reportqa.embedding import get_embedder
        embedder = get_embedder(self.settings)
        self._ensure_space(embedder)
        return embedder

    def embedder_name(self) -> str:
        """What the vectors are kept under: the embedding model's name (its folder's) and the
        backend, as the embedder's vector_key, known without loading the model."""
        if "embedder" in self.__dict__:
            return self.embedder.vector_key
        from reportqa.embedding import MODEL_NAME, vector_key
        model = Path(self.settings.embedding_model).expanduser().name if self.settings.embedding_model else MODEL_NAME
        return vector_key(model, self.settings.backend)

    def _ensure_space(self, embedder) -> None:
        """The committed vectors are this embedder's, or are made so now."""
        raise NotImplementedError

    def check_space(self) -> None:
        """Before writing vectors: the store's vectors are still this process's kind."""
        from reportqa.stores.vector_space import VectorSpaceChanged
        recorded = self.facts.vector_space()
        if recorded != self.embedder_name():
            raise VectorSpaceChanged(
                f"another process re-embedded this store with {recorded} while this one embeds with "
                f"{self.embedder_name()}; use one REPORTQA_EMBEDDING_BACKEND per store and ingest again")

    # ------------------------------------------------------------ readers
    def reports(self) -> tuple[StoredReport, ...]:
        """The committed reports (body, year order), read again only as far as they changed:
        one row is read per call when nothing changed, whatever the size of the collection. The
        same tuple is returned while nothing changed, and an unchanged report stays the same object
        (what retrieval's caches key on)."""
        generation = self.facts.generation()
        with self._lock:
            if self._reports_generation != generation:
                if self._reports_generation is None or generation < self._reports_generation:
                    self._reports = {r.report_id: r for r in self.facts.list_reports()}
                else:
                    changed, deleted = self.facts.reports_changed_since(self._reports_generation)
                    for report_id in deleted:
                        self._reports.pop(report_id, None)
                    self._reports.update({r.report_id: r for r in changed})
                self._reports_sorted = tuple(sorted(self._reports.values(), key=report_order))
                self._reports_generation = generation
            return self._reports_sorted

    def reports_by_id(self) -> dict[str, StoredReport]:
        """The committed reports by id (the same dict while nothing changed)."""
        reports = self.reports()
        with self._lock:
            if self._by_id[0] is not reports:
                self._by_id = (reports, {r.report_id: r for r in reports})
            return self._by_id[1]

    def keyword_index(self) -> KeywordIndex:
        """BM25 over the committed chunks' jieba tokens, persisted: nothing to rebuild."""
        if self._keywords is None:
            self._keywords = KeywordIndex(self.facts)
        return self._keywords

    @property
    def vectors(self):
        raise NotImplementedError

    # ------------------------------------------------------------ writers
    def write_report(self, report: ParsedReport, tokens: dict[str, str], vectors: np.ndarray) -> WriteStatus:
        """Store one parsed report with its chunks' keyword tokens and vectors, all or nothing."""
        raise NotImplementedError

    def delete_report(self, report_id: str) -> bool:
        """Remove a report (kept in its history) and its vectors."""
        raise NotImplementedError

    @contextmanager
    def writer_lock(self, *, blocking: bool = True) -> Iterator[bool]:
        """Exclusive among the store's writers that need the whole store (re-embedding)."""
        raise NotImplementedError
        yield

    def remove_leftovers(self) -> int:
        """Vectors a writer that died left behind (the embedded store only has any)."""
        return 0

    def saw_own_commit(self, generation: int) -> None:
        """This process's own commit moved the generation (the embedded store's index cares)."""

    def close(self) -> None:
        self.facts.close()
