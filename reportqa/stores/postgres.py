"""The whole store in one PostgreSQL database: reports, texts, sections, chunks, facts, findings,
keyword statistics and full text (reportqa/stores/postgres_schema.py) and the vectors (pgvector).

One report is one transaction, vectors included: a writer killed at any moment leaves nothing,
and there is no cross-store protocol. Writers of different reports run side by side (many
`reportqa ingest` processes on many machines); writers of one report take turns on that report's
advisory lock, so each version is stored once. Changing the embedding model or backend embeds
every chunk again in one transaction under the store-wide lock, which writers share.

Vector search is exact inside the reports a question is scoped to (their rows, by report id) and
by the HNSW index over the whole collection otherwise.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from reportqa.config import Settings
from reportqa.stores import Stores, WriteStatus, crash_point
from reportqa.stores.database import PostgresDatabase, Transaction
from reportqa.stores.facts import FactStore
from reportqa.stores.postgres_schema import migrate
from reportqa.types import Chunk, ParsedReport

log = logging.getLogger(__name__)

STORE_LOCK = 7_204_192  # writers hold it shared; re-embedding the store holds it alone
HNSW_EF_SEARCH = 100  # candidates the HNSW search keeps (pgvector's default is 40): recall over speed
REEMBED_REPORTS_PER_STEP = 50


def _report_lock(tx: Transaction, report_id: str) -> None:
    tx.execute("SELECT pg_advisory_xact_lock_shared(?)", (STORE_LOCK,))
    tx.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (report_id,))


class PgVectors:
    """Chunk vectors in `chunk_vectors` (one row per committed chunk, the store's vector key)."""

    def __init__(self, db: PostgresDatabase):
        self._db = db
        self._seen = False  # the table, once there, stays (re-embedding replaces it in one transaction)

    def exists(self) -> bool:
        if not self._seen:
            self._seen = self._db.one("SELECT to_regclass('chunk_vectors') IS NOT NULL AS present")["present"]
        return self._seen

    @staticmethod
    def create(tx: Transaction, dimension: int) -> None:
        tx.execute("DROP TABLE IF EXISTS chunk_vectors")
        tx.execute(f"CREATE TABLE chunk_vectors (chunk_id TEXT COLLATE \"C\" PRIMARY KEY, report_id TEXT COLLATE \"C\" NOT NULL,"
                   f" embedding vector({int(dimension)}) NOT NULL)")
        tx.execute("CREATE INDEX chunk_vectors_by_report ON chunk_vectors(report_id)")

    @staticmethod
    def create_search_index(tx: Transaction) -> None:
        tx.execute("CREATE INDEX IF NOT EXISTS chunk_vectors_hnsw ON chunk_vectors USING hnsw (embedding vector_cosine_ops)")

    @staticmethod
    def write(tx: Transaction, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """This report's vectors, in its commit's transaction (COPY: one round trip)."""
        if not chunks:
            return
        tx.execute("DELETE FROM chunk_vectors WHERE report_id = ?", (chunks[0].report_id,))
        # binary COPY: text COPY spends its time formatting the vectors (21x slower, measured)
        with tx.raw.copy("COPY chunk_vectors (chunk_id, report_id, embedding) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "text", "vector"])
            for chunk, vector in zip(chunks, np.asarray(vectors, dtype=np.float32)):
                copy.write_row((chunk.chunk_id, chunk.report_id, vector))

    @staticmethod
    def remove(tx: Transaction, report_id: str) -> None:
        tx.execute("DELETE FROM chunk_vectors WHERE report_id = ?", (report_id,))

    def search(self, query_vector: np.ndarray, k: int, report_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the best chunks: exact inside report_ids, else HNSW."""
        if not self.exists():
            return []
        q = np.asarray(query_vector, dtype=np.float32)
        if report_ids is not None:
            # two sort keys: the planner cannot use the (approximate) HNSW index, so this is exact
            rows = self._db.query("SELECT chunk_id, 1 - (embedding <=> ?) AS similarity FROM chunk_vectors"
                                  " WHERE report_id = ANY(?) ORDER BY embedding <=> ?, chunk_id LIMIT ?",
                                  (q, list(report_ids), q, k))
        else:
            with self._db.transaction() as tx:
                tx.execute(f"SET LOCAL hnsw.ef_search = {HNSW_EF_SEARCH}")
                rows = tx.query("SELECT chunk_id, 1 - (embedding <=> ?) AS similarity FROM chunk_vectors"
                                " ORDER BY embedding <=> ? LIMIT ?", (q, q, k))
        return [(r["chunk_id"], float(r["similarity"])) for r in rows]

    def count(self) -> int:
        return self._db.one("SELECT count(*) AS n FROM chunk_vectors")["n"] if self.exists() else 0

    def reopen(self) -> None:
        """Nothing to do: every query reads the committed rows."""


class PostgresStores(Stores):
    backend = "postgresql"

    def __init__(self, settings: Settings | None = None):
        super().__init__(settings)
        self.db = PostgresDatabase(self.settings.database_url, prepare=migrate)
        self.facts = FactStore(self.db)
        self._vectors = PgVectors(self.db)

    @property
    def vectors(self) -> PgVectors:
        return self._vectors

    def _ensure_space(self, embedder) -> None:
        """The vectors are this embedder's: a new store records its key and makes its vector table;
        a store made with another model or backend is embedded again, once, in one transaction."""
        key = embedder.vector_key
        if self.facts.vector_space() == key and self._vectors.exists():
            return
        with self.writer_lock():
            recorded = self.facts.vector_space()
            if recorded == key and self._vectors.exists():
                return
            self._reembed(embedder, recorded)

    def _reembed(self, embedder, previous: str | None) -> None:
        from reportqa.stores.vector_space import embed_chunks
        ids = sorted(self.facts.committed_versions())
        if ids:
            log.warning("the store's vectors were made with %s; embedding its %d reports again with %s (once)",
                        previous, len(ids), embedder.vector_key)
        started = time.perf_counter()
        with self.db.transaction() as tx:
            PgVectors.create(tx, embedder.dimension)
            for i in range(0, len(ids), REEMBED_REPORTS_PER_STEP):
                chunks = [c for c, _tokens in self.facts.chunks(ids[i:i + REEMBED_REPORTS_PER_STEP])]
                vectors = embed_chunks(self.facts, embedder, chunks)
                by_report: dict[str, list[int]] = {}
                for n, chunk in enumerate(chunks):
                    by_report.setdefault(chunk.report_id, []).append(n)
                for rows in by_report.values():
                    PgVectors.write(tx, [chunks[n] for n in rows], vectors[rows])
            PgVectors.create_search_index(tx)
            self.facts.set_vector_space(embedder.vector_key, tx)
        if ids:
            log.warning("re-embedded %d reports in %.1f s", len(ids), time.perf_counter() - started)

    def adopt_space(self, key: str, dimension: int) -> None:
        """Take vectors made elsewhere under `key` (a migration): a new store records the key and
        makes its vector table; a store holding another key's vectors refuses."""
        with self.writer_lock():
            recorded = self.facts.vector_space()
            if recorded == key and self._vectors.exists():
                return
            if recorded is not None and self.facts.committed_versions():
                raise ValueError(f"the target store holds vectors of {recorded}, the source of {key}: "
                                 "migrate into an empty database")
            with self.db.transaction() as tx:
                PgVectors.create(tx, dimension)
                PgVectors.create_search_index(tx)
                self.facts.set_vector_space(key, tx)

    def copy_report(self, report_id: str, tables: dict[str, list[dict]], vectors: np.ndarray) -> None:
        """A report read from another store, with its vectors, in one transaction."""
        from reportqa.stores.fact_rows import insert_copied
        from reportqa.types import Chunk
        chunks = [Chunk(c["chunk_id"], report_id, c["section"], c["start"], c["end"], c["text"], c["kind"])
                  for c in tables["chunks"]]
        with self.db.transaction() as tx:
            _report_lock(tx, report_id)
            insert_copied(tx, report_id, tables)
            PgVectors.write(tx, chunks, vectors)

    # ------------------------------------------------------------ writers
    def write_report(self, report: ParsedReport, tokens: dict[str, str], vectors: np.ndarray) -> WriteStatus:
        """One transaction: this report's rows, its keyword statistics and its vectors."""
        self.embedder  # the vector table exists and holds this embedder's kind

        def with_vectors(tx: Transaction) -> None:
            recorded = tx.one("SELECT value FROM store_settings WHERE key = 'vector_space'")
            if (recorded["value"] if recorded else None) != self.embedder_name():
                self.check_space()  # raises, naming both
            PgVectors.write(tx, report.chunks, vectors)
            crash_point("after_vectors")

        committed = self.facts.commit_report(report, tokens, with_vectors, lock=lambda tx: _report_lock(tx, report.report_id))
        if committed is None:
            return "unchanged"
        crash_point("after_commit")
        return "replaced" if committed[1] else "ingested"

    def delete_report(self, report_id: str) -> bool:
        # the vectors go with the rows, in the same transaction: nothing is left to clean up
        removed = self.facts.delete_report(report_id, extra=lambda tx: self._remove_vectors(tx, report_id))
        return removed

    def _remove_vectors(self, tx: Transaction, report_id: str) -> None:
        if self._vectors.exists():
            PgVectors.remove(tx, report_id)
        tx.execute("DELETE FROM pending_vectors WHERE report_id = ?", (report_id,))

    @contextmanager
    def writer_lock(self, *, blocking: bool = True) -> Iterator[bool]:
        """The store-wide lock, alone (re-embedding): every writer of a report waits meanwhile."""
        if not self._writer.acquire(blocking=blocking):
            yield False
            return
        try:
            with self.db.connection() as conn:
                function = "pg_advisory_lock" if blocking else "pg_try_advisory_lock"
                got = conn.execute(f"SELECT {function}(%s) AS got", (STORE_LOCK,)).fetchone()["got"]
                if got is False:
                    yield False
                    return
                try:
                    yield True
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (STORE_LOCK,))
        finally:
            self._writer.release()

