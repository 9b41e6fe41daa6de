"""SQLite store: reports (with their canonical text), sections, chunks, facts, findings.

It holds the commit point of an ingest: `commit_report` writes every row of one report version
in one transaction and drops the previous version's rows; the `reports` row names the version
that readers may see. Other stores (vectors) are filtered by that committed version.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from reportqa.stores.facts_schema import _REPORT_COLUMNS, create_or_migrate, fact_from_row as _fact, report_from_row as _stored
from reportqa.types import Chunk, Fact, Finding, PageSpan, ParsedReport, Section, StoredReport

class FactStore:
    """The relational side of reportqa (SQLite by default; PostgreSQL later behind the same methods)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as conn:
            create_or_migrate(conn)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # ------------------------------------------------------------ write side
    def commit_report(self, report: ParsedReport, chunk_tokens: dict[str, str]) -> int:
        """Replace report R by its new version in one transaction: the commit point of an ingest.
        The replaced version is kept in report_history, its vectors are marked for removal, and the
        store's generation goes up (returned)."""
        conn = self._conn()
        with conn:
            rid = report.report_id
            old = conn.execute("SELECT version FROM reports WHERE report_id = ?", (rid,)).fetchone()
            if old is not None and old["version"] != report.version:
                self._archive(conn, rid)
                conn.execute("INSERT OR REPLACE INTO pending_vectors VALUES (?,?,'superseded')", (rid, old["version"]))
            conn.execute("DELETE FROM pending_vectors WHERE report_id = ? AND version = ?", (rid, report.version))
            for table in ("sections", "chunks", "facts", "findings", "reports"):
                conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (rid,))
            m = report.meta
            conn.execute(
                "INSERT INTO reports (report_id, version, body, year, published, title, format_version, place, body_type,"
                " source_path, source_format, encoding, text, pages, n_chunks, n_facts, n_findings,"
                " body_cue, body_confidence, year_cue, year_confidence, aliases)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (rid, report.version, m.body, m.year, m.published, m.title, m.format_version, m.place, m.body_type,
                 report.source_path, report.source_format, report.encoding, report.text,
                 json.dumps([[p.start, p.end, p.page, p.ocr] for p in report.pages]),
                 len(report.chunks), len(report.facts), len(report.findings),
                 m.body_cue, m.body_confidence, m.year_cue, m.year_confidence, json.dumps(list(m.aliases), ensure_ascii=False)),
            )
            conn.executemany(
                'INSERT INTO sections VALUES (?,?,?,?,?,?,?)',
                [(rid, s.path, s.number, s.level, s.heading, s.start, s.end) for s in report.sections],
            )
            conn.executemany(
                'INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)',
                [(c.chunk_id, rid, c.section, c.start, c.end, c.kind, c.text, chunk_tokens.get(c.chunk_id, ""))
                 for c in report.chunks],
            )
            conn.executemany(
                'INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                [(rid, f.table, f.row_key, f.row_label, f.column_key, f.column_label,
                  None if f.value is None else str(f.value), f.raw, f.unit, f.start, f.end, f.value_start,
                  f.value_end, f.kind) for f in report.facts],
            )
            conn.executemany(
                'INSERT INTO findings VALUES (?,?,?,?,?,?,?)',
                [(rid, x.rule, x.message, x.expected, x.found, json.dumps(x.cells, ensure_ascii=False),
                  json.dumps(x.spans)) for x in report.findings],
            )
            return self._bump(conn)

    @staticmethod
    def _archive(conn: sqlite3.Connection, report_id: str) -> None:
        conn.execute("INSERT OR REPLACE INTO report_history (report_id, version, body, year, source_path, source_format,"
                     " n_chunks, n_facts, text, pages) SELECT report_id, version, body, year, source_path, source_format,"
                     " n_chunks, n_facts, text, pages FROM reports WHERE report_id = ?", (report_id,))

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO store_meta VALUES ('generation', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1")
        return conn.execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()[0]

    # ------------------------------------------------------------ vectors written but not yet committed
    def mark_writing(self, report_id: str, version: str) -> None:
        """Recorded before a writer adds a version's vectors: if it dies before the commit, the next
        writer (holding the writer lock) knows exactly which entries to remove."""
        conn = self._conn()
        with conn:
            conn.execute("INSERT OR REPLACE INTO pending_vectors VALUES (?,?,'writing')", (report_id, version))

    def pending_vectors(self) -> list[tuple[str, str]]:
        return [(r["report_id"], r["version"]) for r in self._conn().execute("SELECT report_id, version FROM pending_vectors")]

    def clear_pending(self, report_id: str, version: str) -> None:
        conn = self._conn()
        with conn:
            conn.execute("DELETE FROM pending_vectors WHERE report_id = ? AND version = ?", (report_id, version))

    # ------------------------------------------------------------ replaced versions
    def history(self, report_id: str) -> list[dict]:
        rows = self._conn().execute(
            "SELECT report_id, version, replaced_at, body, year, source_path, source_format, n_chunks, n_facts,"
            " length(text) AS n_chars FROM report_history WHERE report_id = ? ORDER BY replaced_at DESC", (report_id,))
        return [dict(r) for r in rows]

    def archived(self, report_id: str, version: str) -> dict | None:
        row = self._conn().execute("SELECT * FROM report_history WHERE report_id = ? AND version = ?",
                                   (report_id, version)).fetchone()
        return dict(row) if row else None

    def relabel(self, report_id: str, *, body: str | None, year: int | None, place: str | None,
                body_type: str | None) -> bool:
        """Set a report's body and year by hand (one UPDATE: all or nothing). Vectors, chunks and facts
        are keyed by report id, so nothing is re-embedded and answers use the new names at once."""
        conn = self._conn()
        with conn:
            return conn.execute(
                "UPDATE reports SET body = ?, year = ?, place = ?, body_type = ?, body_cue = 'relabelled',"
                " body_confidence = 1.0, year_cue = 'relabelled', year_confidence = 1.0 WHERE report_id = ?",
                (body, year, place, body_type, report_id)).rowcount > 0 and self._bump(conn) > 0

    def delete_report(self, report_id: str) -> bool:
        """Remove a report (kept in report_history, so it can be restored); its vectors are marked for removal."""
        conn = self._conn()
        with conn:
            old = conn.execute("SELECT version FROM reports WHERE report_id = ?", (report_id,)).fetchone()
            if old is None:
                return False
            self._archive(conn, report_id)
            conn.execute("INSERT OR REPLACE INTO pending_vectors VALUES (?,?,'deleted')", (report_id, old["version"]))
            for table in ("sections", "chunks", "facts", "findings", "reports"):
                conn.execute(f"DELETE FROM {table} WHERE report_id = ?", (report_id,))
            self._bump(conn)
            return True

    # ------------------------------------------------------------ embedding cache
    def cached_vectors(self, model: str, hashes: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        conn = self._conn()
        for i in range(0, len(hashes), 500):
            batch = hashes[i:i + 500]
            q = f"SELECT text_hash, vector FROM embedding_cache WHERE model = ? AND text_hash IN ({','.join('?' * len(batch))})"
            out.update({r["text_hash"]: r["vector"] for r in conn.execute(q, [model, *batch])})
        return out

    def cache_vectors(self, model: str, items: dict[str, bytes]) -> None:
        conn = self._conn()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO embedding_cache VALUES (?,?,?)", [(model, h, v) for h, v in items.items()])

    # ------------------------------------------------------------ what the vectors were made with
    def vector_space(self) -> str | None:
        """The vector key (model + backend) of the committed vectors; None in a store made before
        it was recorded (torch vectors named after the model alone) or a new one."""
        row = self._conn().execute("SELECT value FROM store_settings WHERE key = 'vector_space'").fetchone()
        return row[0] if row else None

    def set_vector_space(self, key: str) -> None:
        conn = self._conn()
        with conn:
            conn.execute("INSERT OR REPLACE INTO store_settings VALUES ('vector_space', ?)", (key,))
            self._bump(conn)  # other processes reopen their index and see the change

    # ------------------------------------------------------------ read side
    def committed_versions(self, report_ids: list[str] | None = None) -> dict[str, str]:
        """The committed version of these reports (of all when None: a scan, for tests and tools)."""
        if report_ids is None:
            return {r["report_id"]: r["version"] for r in self._conn().execute("SELECT report_id, version FROM reports")}
        out: dict[str, str] = {}
        for i in range(0, len(report_ids), 500):
            batch = list(report_ids[i:i + 500])
            q = f"SELECT report_id, version FROM reports WHERE report_id IN ({','.join('?' * len(batch))})"
            out.update({r["report_id"]: r["version"] for r in self._conn().execute(q, batch)})
        return out

    def report_version(self, report_id: str) -> str | None:
        row = self._conn().execute("SELECT version FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return row["version"] if row else None

    def list_reports(self) -> list[StoredReport]:
        rows = self._conn().execute(f"SELECT {_REPORT_COLUMNS} FROM reports ORDER BY body, year")
        return [_stored(r) for r in rows]

    def get_report(self, report_id: str) -> StoredReport | None:
        row = self._conn().execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return _stored(row) if row else None

    def report_text(self, report_id: str) -> str | None:
        row = self._conn().execute("SELECT text FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return row["text"] if row else None

    def report_pages(self, report_id: str) -> list[PageSpan]:
        row = self._conn().execute("SELECT pages FROM reports WHERE report_id = ?", (report_id,)).fetchone()
        return [PageSpan(a, b, p, bool(o)) for a, b, p, o in json.loads(row["pages"])] if row else []

    def sections(self, report_id: str) -> list[Section]:
        rows = self._conn().execute('SELECT * FROM sections WHERE report_id = ? ORDER BY start, level', (report_id,))
        return [Section(r["report_id"], r["path"], r["number"], r["level"], r["heading"], r["start"], r["end"]) for r in rows]

    def chunks(self, report_ids: list[str] | None = None) -> list[tuple[Chunk, str]]:
        """(chunk, space-joined tokens) of the given reports (all when None)."""
        q = 'SELECT * FROM chunks'
        args: list = []
        if report_ids is not None:
            q += f" WHERE report_id IN ({','.join('?' * len(report_ids))})"
            args = list(report_ids)
        return [(Chunk(r["chunk_id"], r["report_id"], r["section"], r["start"], r["end"], r["text"], r["kind"]), r["tokens"])
                for r in self._conn().execute(q, args)]

    def chunks_by_id(self, ids: list[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        q = f"SELECT * FROM chunks WHERE chunk_id IN ({','.join('?' * len(ids))})"
        return {r["chunk_id"]: Chunk(r["chunk_id"], r["report_id"], r["section"], r["start"], r["end"], r["text"], r["kind"])
                for r in self._conn().execute(q, ids)}

    def facts(self, report_id: str | None = None, *, table: str | None = None, kind: str | None = None) -> list[Fact]:
        q, args = "SELECT * FROM facts WHERE 1=1", []
        for column, value in (("report_id", report_id), ("table_key", table), ("kind", kind)):
            if value is not None:
                q += f" AND {column} = ?"
                args.append(value)
        return [_fact(r) for r in self._conn().execute(q + " ORDER BY report_id, start, value_start", args)]

    def table_cells(self, table: str, row_keys: tuple[str, ...], report_ids: list[str]) -> list[Fact]:
        """The cells of these rows of one table, for many reports at once (rankings, totals)."""
        out: list[Fact] = []
        for i in range(0, len(report_ids), 500):
            batch = report_ids[i:i + 500]
            q = (f"SELECT * FROM facts WHERE kind = 'table' AND table_key = ? AND row_key IN ({','.join('?' * len(row_keys))})"
                 f" AND report_id IN ({','.join('?' * len(batch))}) ORDER BY report_id, start, value_start")
            out.extend(_fact(r) for r in self._conn().execute(q, [table, *row_keys, *batch]))
        return out

    def findings(self, report_id: str | None = None) -> list[Finding]:
        q, args = "SELECT * FROM findings", []
        if report_id is not None:
            q += " WHERE report_id = ?"
            args.append(report_id)
        return [Finding(r["report_id"], r["rule"], r["message"], r["expected"], r["found"],
                        tuple(tuple(c) for c in json.loads(r["cells"])), tuple(tuple(s) for s in json.loads(r["spans"])))
                for r in self._conn().execute(q, args)]

    def generation(self) -> int:
        """Goes up whenever any process commits, deletes or relabels a report (for readers' caches):
        one row read, whatever the size of the collection."""
        row = self._conn().execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()
        return row[0] if row else 0
