"""The relational store: reports (with their canonical text), sections, chunks, facts, findings.

It holds the commit point of an ingest: `commit_report` writes every row of one report version
in one transaction and drops the previous version's rows; the `reports` row names the version
that readers may see. One class for both engines (reportqa/stores/database.py): SQLite embedded,
where the vectors live in Chroma and are filtered by the committed version, and PostgreSQL, where
the vectors are written in the same transaction (`extra`).

The keyword statistics (how many chunks hold each term, the chunk and token counts) are kept in
the same transaction, so keyword search never rebuilds anything (reportqa/stores/keywords.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from reportqa.stores.database import Database, SQLiteDatabase, Transaction
from reportqa.stores.fact_rows import CHUNKS, TOKENS, archive, bump, insert_dicts, insert_rows, mark, remove_rows, stamp
from reportqa.stores.facts_schema import _REPORT_COLUMNS, create_or_migrate, fact_from_row as _fact, report_from_row as _stored
from reportqa.types import Chunk, Fact, Finding, PageSpan, ParsedReport, Section, StoredReport

BATCH = 500  # ids bound per IN (…): well under SQLite's variable limit


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _chunk(r) -> Chunk:
    return Chunk(r["chunk_id"], r["report_id"], r["section"], r["start"], r["end"], r["text"], r["kind"])


def report_order(report: StoredReport) -> tuple:
    """Body, year, id; unknown first. The same order on both engines (SQL collations differ)."""
    return (report.body is not None, report.body or "", report.year is not None, report.year or 0, report.report_id)


class FactStore:
    """The relational side of reportqa, on SQLite (a path) or PostgreSQL (a Database)."""

    def __init__(self, where: Path | Database):
        if isinstance(where, Database):
            self.db = where
        else:
            self.db = SQLiteDatabase(Path(where))
            create_or_migrate(self.db.connection())
        self.path = getattr(self.db, "path", None)
        self._written = "rowid" if self.db.dialect == "sqlite" else "seq"  # the order rows were inserted in

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------ write side
    def commit_report(self, report: ParsedReport, chunk_tokens: dict[str, str],
                      extra: Callable[[Transaction], None] | None = None, *,
                      lock: Callable[[Transaction], None] | None = None) -> tuple[int, str | None] | None:
        """Replace report R by its new version in one transaction: the commit point of an ingest.
        The replaced version is kept in report_history, its vectors are marked for removal, and the
        store's generation goes up. `lock(tx)` runs first (PostgreSQL: this report's lock, so two
        writers of one report take turns); `extra(tx)` runs inside (PostgreSQL: the vectors).
        Returns (generation, previous version), or None when this version is stored already."""
        with self.db.transaction() as tx:
            if lock:
                lock(tx)
            rid = report.report_id
            old = tx.one("SELECT version FROM reports WHERE report_id = ?", (rid,))
            previous = old["version"] if old else None
            if previous == report.version:
                return None
            if previous is not None:
                archive(tx, rid)
                mark(tx, rid, previous, "superseded")
            tx.execute("DELETE FROM pending_vectors WHERE report_id = ? AND version = ?", (rid, report.version))
            remove_rows(tx, rid)
            insert_rows(tx, report, chunk_tokens)
            if extra:
                extra(tx)
            return stamp(tx, rid), previous

    # ------------------------------------------------------------ vectors written but not yet committed
    def mark_writing(self, report_id: str, version: str) -> None:
        """Recorded before a writer adds a version's vectors: if it dies before the commit, the next
        writer (holding the writer lock) knows exactly which entries to remove."""
        with self.db.transaction() as tx:
            mark(tx, report_id, version, "writing")

    def pending_vectors(self) -> list[tuple[str, str]]:
        return [(r["report_id"], r["version"]) for r in self.db.query("SELECT report_id, version FROM pending_vectors")]

    def clear_pending(self, report_id: str, version: str) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM pending_vectors WHERE report_id = ? AND version = ?", (report_id, version))

    # ------------------------------------------------------------ replaced versions
    def history(self, report_id: str) -> list[dict]:
        rows = self.db.query(
            "SELECT report_id, version, replaced_at, body, year, source_path, source_format, n_chunks, n_facts,"
            " length(text) AS n_chars FROM report_history WHERE report_id = ? ORDER BY replaced_at DESC", (report_id,))
        return [dict(r) for r in rows]

    def archived(self, report_id: str, version: str) -> dict | None:
        row = self.db.one("SELECT * FROM report_history WHERE report_id = ? AND version = ?", (report_id, version))
        return dict(row) if row else None

    def relabel(self, report_id: str, *, body: str | None, year: int | None, place: str | None,
                body_type: str | None) -> bool:
        """Set a report's body and year by hand (one UPDATE: all or nothing). Vectors, chunks and facts
        are keyed by report id, so nothing is re-embedded and answers use the new names at once."""
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 AS found FROM reports WHERE report_id = ?", (report_id,)) is None:
                return False
            tx.execute("UPDATE reports SET body = ?, year = ?, place = ?, body_type = ?, body_cue = 'relabelled',"
                       " body_confidence = 1.0, year_cue = 'relabelled', year_confidence = 1.0 WHERE report_id = ?",
                       (body, year, place, body_type, report_id))
            stamp(tx, report_id)
            return True

    def delete_report(self, report_id: str, extra: Callable[[Transaction], None] | None = None) -> bool:
        """Remove a report (kept in report_history, so it can be restored); its vectors are marked for
        removal (`extra(tx)`: removed in the same transaction, on PostgreSQL)."""
        with self.db.transaction() as tx:
            old = tx.one("SELECT version FROM reports WHERE report_id = ?", (report_id,))
            if old is None:
                return False
            archive(tx, report_id)
            mark(tx, report_id, old["version"], "deleted")
            remove_rows(tx, report_id)
            if extra:
                extra(tx)
            tx.execute("INSERT INTO report_deletions VALUES (?, ?)", (report_id, bump(tx)))
            return True

    def copy_rows(self, table: str, rows: list) -> int:
        """Rows read from another store (history, embedding cache), those already here kept."""
        rows = [{k: (bytes(r[k]) if isinstance(r[k], memoryview) else r[k]) for k in r.keys()} for r in rows]
        with self.db.transaction() as tx:
            insert_dicts(tx, table, rows, keep_existing=True)
        return len(rows)

    # ------------------------------------------------------------ embedding cache
    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(hashes), BATCH):
            batch = hashes[i:i + BATCH]
            rows = self.db.query(f"SELECT text_hash, vector FROM embedding_cache WHERE model = ? AND text_hash IN ({_marks(len(batch))})",
                                 [model, *batch])
            out.update({r["text_hash"]: bytes(r["vector"]) for r in rows})
        return out

    def cache_vectors(self, model: str, items: dict[str, bytes]) -> None:
        with self.db.transaction() as tx:
            tx.executemany("INSERT INTO embedding_cache VALUES (?,?,?) ON CONFLICT(model, text_hash) DO NOTHING",
                           [(model, h, v) for h, v in sorted(items.items())])

    # ------------------------------------------------------------ what the vectors were made with
    def vector_space(self) -> str | None:
        """The vector key (model + backend) of the committed vectors; None in a store made before
        it was recorded (torch vectors named after the model alone) or a new one."""
        row = self.db.one("SELECT value FROM store_settings WHERE key = 'vector_space'")
        return row["value"] if row else None

    def set_vector_space(self, key: str, tx: Transaction | None = None) -> None:
        if tx is None:
            with self.db.transaction() as tx:
                return self.set_vector_space(key, tx)
        tx.execute("INSERT INTO store_settings VALUES ('vector_space', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   (key,))
        bump(tx)  # other processes reopen their index and see the change

    # ------------------------------------------------------------ read side
    def committed_versions(self, report_ids: list[str] | None = None) -> dict[str, str]:
        """The committed version of these reports (of all when None: a scan, for tests and tools)."""
        if report_ids is None:
            return {r["report_id"]: r["version"] for r in self.db.query("SELECT report_id, version FROM reports")}
        out: dict[str, str] = {}
        for i in range(0, len(report_ids), BATCH):
            batch = list(report_ids[i:i + BATCH])
            rows = self.db.query(f"SELECT report_id, version FROM reports WHERE report_id IN ({_marks(len(batch))})", batch)
            out.update({r["report_id"]: r["version"] for r in rows})
        return out

    def report_version(self, report_id: str) -> str | None:
        row = self.db.one("SELECT version FROM reports WHERE report_id = ?", (report_id,))
        return row["version"] if row else None

    def list_reports(self) -> list[StoredReport]:
        return sorted((_stored(r) for r in self.db.query(f"SELECT {_REPORT_COLUMNS} FROM reports")), key=report_order)

    def reports_changed_since(self, generation: int) -> tuple[list[StoredReport], list[str]]:
        """(reports committed or relabelled after `generation`, ids deleted after it): what a
        reader's cached report list needs, without reading the whole list again."""
        changed = self.db.query(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE generation > ?", (generation,))
        deleted = self.db.query("SELECT report_id FROM report_deletions WHERE generation > ?", (generation,))
        return [_stored(r) for r in changed], [r["report_id"] for r in deleted]

    def get_report(self, report_id: str) -> StoredReport | None:
        row = self.db.one(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE report_id = ?", (report_id,))
        return _stored(row) if row else None

    def report_text(self, report_id: str) -> str | None:
        row = self.db.one("SELECT text FROM reports WHERE report_id = ?", (report_id,))
        return row["text"] if row else None

    def report_pages(self, report_id: str) -> list[PageSpan]:
        row = self.db.one("SELECT pages FROM reports WHERE report_id = ?", (report_id,))
        return [PageSpan(a, b, p, bool(o)) for a, b, p, o in json.loads(row["pages"])] if row else []

    def sections(self, report_id: str) -> list[Section]:
        rows = self.db.query(f"SELECT * FROM sections WHERE report_id = ? ORDER BY start, level, {self._written}", (report_id,))
        return [Section(r["report_id"], r["path"], r["number"], r["level"], r["heading"], r["start"], r["end"]) for r in rows]

    def chunks(self, report_ids: list[str] | None = None) -> list[tuple[Chunk, str]]:
        """(chunk, space-joined tokens) of the given reports (all when None), in a stable order."""
        sql = 'SELECT chunk_id, report_id, section, start, "end", kind, text, tokens FROM chunks'
        if report_ids is None:
            return [(_chunk(r), r["tokens"]) for r in self.db.query(sql + " ORDER BY report_id, start, chunk_id")]
        out = []
        for i in range(0, len(report_ids), BATCH):
            batch = list(report_ids[i:i + BATCH])
            rows = self.db.query(sql + f" WHERE report_id IN ({_marks(len(batch))}) ORDER BY report_id, start, chunk_id", batch)
            out += [(_chunk(r), r["tokens"]) for r in rows]
        return out

    def keyword_statistics(self, terms: list[str]) -> tuple[dict[str, int], int, int]:
        """(chunks holding each term, chunks, tokens) over the committed chunks."""
        wanted = [*terms, CHUNKS, TOKENS]
        rows = self.db.query(f"SELECT term, sum(df) AS df FROM term_df WHERE term IN ({_marks(len(wanted))}) GROUP BY term",
                             wanted)
        df = {r["term"]: int(r["df"]) for r in rows}
        return {t: df[t] for t in terms if t in df}, df.get(CHUNKS, 0), df.get(TOKENS, 0)

    def chunk_tokens_matching(self, terms: list[str]) -> list[tuple[str, str]]:
        """(chunk id, tokens) of the committed chunks holding any of these terms, by the engine's
        full-text index (a superset when the engine splits a term further: scoring is exact)."""
        if not terms:
            return []
        columns = "c.chunk_id, c.tokens"
        if self.db.dialect == "sqlite":
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
            rows = self.db.query(f"SELECT {columns} FROM chunk_fts JOIN chunks c ON c.rowid = chunk_fts.rowid"
                                 " WHERE chunk_fts MATCH ?", (match,))
        else:
            query = " || ".join(["plainto_tsquery('simple', ?)"] * len(terms))
            rows = self.db.query(f"SELECT {columns} FROM chunks c WHERE c.tsv @@ ({query})", terms)
        return [(r["chunk_id"], r["tokens"]) for r in rows]

    def chunks_by_id(self, ids: list[str]) -> dict[str, Chunk]:
        out = {}
        for i in range(0, len(ids), BATCH):
            batch = list(ids[i:i + BATCH])
            out.update({r["chunk_id"]: _chunk(r) for r in self.db.query(
                f'SELECT chunk_id, report_id, section, start, "end", kind, text FROM chunks WHERE chunk_id IN ({_marks(len(batch))})', batch)})
        return out

    def facts(self, report_id: str | None = None, *, table: str | None = None, kind: str | None = None) -> list[Fact]:
        q, args = "SELECT * FROM facts WHERE 1=1", []
        for column, value in (("report_id", report_id), ("table_key", table), ("kind", kind)):
            if value is not None:
                q += f" AND {column} = ?"
                args.append(value)
        return [_fact(r) for r in self.db.query(q + f" ORDER BY report_id, start, value_start, {self._written}", args)]

    def table_cells(self, table: str, row_keys: tuple[str, ...], report_ids: list[str]) -> list[Fact]:
        """The cells of these rows of one table, for many reports at once (rankings, totals)."""
        out: list[Fact] = []
        for i in range(0, len(report_ids), BATCH):
            batch = report_ids[i:i + BATCH]
            q = (f"SELECT * FROM facts WHERE kind = 'table' AND table_key = ? AND row_key IN ({_marks(len(row_keys))})"
                 f" AND report_id IN ({_marks(len(batch))}) ORDER BY report_id, start, value_start, {self._written}")
            out.extend(_fact(r) for r in self.db.query(q, [table, *row_keys, *batch]))
        return out

    def findings(self, report_id: str | None = None) -> list[Finding]:
        q, args = "SELECT * FROM findings", []
        if report_id is not None:
            q += " WHERE report_id = ?"
            args.append(report_id)
        return [Finding(r["report_id"], r["rule"], r["message"], r["expected"], r["found"],
                        tuple(tuple(c) for c in json.loads(r["cells"])), tuple(tuple(s) for s in json.loads(r["spans"])))
                for r in self.db.query(q + f" ORDER BY {self._written}", args)]

    def generation(self) -> int:
        """Goes up whenever any process commits, deletes or relabels a report (for readers' caches):
        one row read, whatever the size of the collection."""
        row = self.db.one("SELECT value FROM store_meta WHERE key = 'generation'")
        return int(row["value"]) if row else 0
