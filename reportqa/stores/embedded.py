"""The embedded store, the default: facts and keywords in SQLite, vectors in Chroma, one folder
(REPORTQA_HOME).

Several processes may use one folder at once (the web server, `reportqa ask`, `reportqa ingest`):
writers take the folder's writer lock for the short span in which they write vectors and commit;
only a process holding that lock removes vectors left by a writer that died, so a reader never
deletes what a live writer has not committed yet. Readers notice other processes' commits through
the facts store's generation counter and read the vector index afresh.

Vectors are kept per model and backend (`embedder_name()`, reportqa/stores/vector_space.py): a
process whose embedder differs from what the store's vectors were made with embeds them again,
once, when it first needs the model, so a store never mixes vectors of two backends.
"""
from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager

import numpy as np

from reportqa.config import Settings
from reportqa.stores import Stores, WriteStatus, crash_point
from reportqa.stores.facts import FactStore
from reportqa.types import ParsedReport

log = logging.getLogger(__name__)


class EmbeddedStores(Stores):
    backend = "embedded"

    def __init__(self, settings: Settings | None = None):
        super().__init__(settings)
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.facts = FactStore(self.settings.facts_db)
        self._vector_store = None
        self._vectors_generation = None
        self._space_checked = False

    def _ensure_space(self, embedder, store=None) -> None:
        """The committed vectors are this embedder's, or are made so now (vector_space.reembed)."""
        store = store or self.vectors  # "embedder" is not set yet here: vectors does not check
        key = embedder.vector_key
        recorded = self.facts.vector_space()
        if recorded != key:
            if recorded is None and not self.facts.committed_versions():
                self.facts.set_vector_space(key)  # a new store
            else:
                from reportqa.stores.vector_space import reembed
                with self.writer_lock():
                    recorded = self.facts.vector_space()
                    if recorded != key:
                        self.remove_leftovers()
                        reembed(self.facts, store, embedder, recorded)
                        self.saw_own_commit(self.facts.generation())
        self._space_checked = True

    @property
    def vectors(self):
        """The vector store, read afresh when another process has committed since it was opened."""
        generation = self.facts.generation()
        with self._lock:
            if self._vector_store is None:
                from reportqa.stores.vectors import LazyEmbeddings, VectorStore
                # the model is loaded when a query is first embedded, not to open (or delete from) the index
                self._vector_store = VectorStore(self.settings.chroma_dir, LazyEmbeddings(lambda: self.embedder),
                                                 self.embedder_name(), self.facts.committed_versions)
                self._vectors_generation = generation
                self._clean_if_no_writer()
            elif generation != self._vectors_generation:
                log.info("the store changed in another process (generation %s → %s): reopening the vector index",
                         self._vectors_generation, generation)
                self._vector_store.reopen()
                self._vectors_generation = generation
                self._space_checked = False
        if not self._space_checked and "embedder" in self.__dict__:
            self._ensure_space(self.embedder, self._vector_store)  # another process may have switched them
        return self._vector_store

    def saw_own_commit(self, generation: int) -> None:
        """This process's own commit moved the generation: its open index already holds the change."""
        with self._lock:
            if self._vectors_generation is not None and generation == self._vectors_generation + 1:
                self._vectors_generation = generation

    # ------------------------------------------------------------ writers
    def write_report(self, report: ParsedReport, tokens: dict[str, str], vectors: np.ndarray) -> WriteStatus:
        """Under the writer lock: note the version as being written, write its vectors to Chroma,
        commit the SQLite rows (the commit point), then remove the replaced version's vectors."""
        store = self.vectors
        with self.writer_lock():
            self.remove_leftovers()
            self.check_space()  # the vectors are of the kind the store holds
            if self.facts.report_version(report.report_id) == report.version:
                return "unchanged"  # another process stored the same version meanwhile
            self.facts.mark_writing(report.report_id, report.version)
            store.add(report.chunks, vectors, report.version)
            crash_point("after_vectors")
            committed = self.facts.commit_report(report, tokens)
            if committed is None:
                return "unchanged"
            generation, previous = committed
            self.saw_own_commit(generation)
            crash_point("after_commit")
            self.remove_leftovers()  # the replaced version's vectors
        return "replaced" if previous else "ingested"

    @contextmanager
    def writer_lock(self, *, blocking: bool = True):
        """Exclusive among processes (a lock file in the store folder) and among this process's threads.
        Yields False, holding nothing, when blocking=False and another writer has it."""
        if not self._writer.acquire(blocking=blocking):
            yield False
            return
        try:
            with open(self.settings.home / "writer.lock", "a+") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
                try:
                    yield True
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._writer.release()

    def remove_leftovers(self) -> int:
        """Vectors of versions written but never committed (a writer died) and of replaced or deleted
        versions. Call only while holding the writer lock: then no live writer owns any of them."""
        pending = self.facts.pending_vectors()
        for report_id, version in pending:
            if self.facts.committed_versions([report_id]).get(report_id) == version:
                self.facts.clear_pending(report_id, version)  # committed after all (a crash between two steps)
                continue
            self._vector_store.delete_version(report_id, version)
            self.facts.clear_pending(report_id, version)
        if pending:
            log.info("removed the vectors of %d uncommitted or replaced versions", len(pending))
        return len(pending)

    def _clean_if_no_writer(self) -> None:
        if not self.facts.pending_vectors():
            return
        with self.writer_lock(blocking=False) as held:
            if held:
                self.remove_leftovers()

    def delete_report(self, report_id: str) -> bool:
        """Remove a report (kept in its history) and its vectors, under the writer lock."""
        self.vectors  # open (or refresh) the index before writing through it
        with self.writer_lock():
            removed = self.facts.delete_report(report_id)
            if removed:
                self.saw_own_commit(self.facts.generation())
                self.remove_leftovers()
        return removed
