"""The fact store's tables on SQLite (embedded) and PostgreSQL, how a store made by an older version
is migrated on open, and how rows become the dataclasses of reportqa.types.

Both engines hold the same tables; PostgreSQL adds the vectors (pgvector, reportqa/stores/postgres.py)
and full text over the jieba tokens (a generated tsvector with a GIN index); SQLite keeps its keyword
index in an FTS5 table. Schema versions are recorded in `schema_version`; each migration runs once,
in order, under a lock, when a store is opened.
"""
from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

from reportqa.types import Fact, StoredReport

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
  report_id TEXT PRIMARY KEY, version TEXT NOT NULL, body TEXT, year INTEGER, published TEXT, title TEXT,
  format_version TEXT, place TEXT, body_type TEXT, source_path TEXT, source_format TEXT, encoding TEXT,
  text TEXT NOT NULL, pages TEXT NOT NULL, ingested_at TEXT DEFAULT (datetime('now')),
  n_chunks INTEGER, n_facts INTEGER, n_findings INTEGER,
  body_cue TEXT, body_confidence REAL, year_cue TEXT, year_confidence REAL, aliases TEXT
);
CREATE TABLE IF NOT EXISTS sections (
  report_id TEXT, path TEXT, number TEXT, level INTEGER, heading TEXT, start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS chunks (
  chunk_id TEXT PRIMARY KEY, report_id TEXT, section TEXT, start INTEGER, "end" INTEGER, kind TEXT,
  text TEXT, tokens TEXT
);
CREATE TABLE IF NOT EXISTS facts (
  report_id TEXT, table_key TEXT, row_key TEXT, row_label TEXT, column_key TEXT, column_label TEXT,
  value TEXT, raw TEXT, unit TEXT, start INTEGER, "end" INTEGER, value_start INTEGER, value_end INTEGER, kind TEXT
);
CREATE TABLE IF NOT EXISTS findings (
  report_id TEXT, rule TEXT, message TEXT, expected TEXT, found TEXT, cells TEXT, spans TEXT
);
CREATE TABLE IF NOT EXISTS embedding_cache (
  model TEXT, text_hash TEXT, vector BLOB, PRIMARY KEY (model, text_hash)
);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value INTEGER);
CREATE TABLE IF NOT EXISTS store_settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pending_vectors (
  report_id TEXT, version TEXT, reason TEXT, PRIMARY KEY (report_id, version)
);
CREATE TABLE IF NOT EXISTS report_history (
  report_id TEXT, version TEXT, replaced_at TEXT DEFAULT (datetime('now')), body TEXT, year INTEGER,
  source_path TEXT, source_format TEXT, n_chunks INTEGER, n_facts INTEGER, text TEXT, pages TEXT,
  PRIMARY KEY (report_id, version)
);
CREATE TABLE IF NOT EXISTS term_df (term TEXT, shard INTEGER, df INTEGER NOT NULL, PRIMARY KEY (term, shard));
CREATE TABLE IF NOT EXISTS report_deletions (report_id TEXT, generation INTEGER);
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY);
CREATE INDEX IF NOT EXISTS facts_by_report ON facts(report_id, table_key, row_key);
CREATE INDEX IF NOT EXISTS facts_by_cell ON facts(table_key, row_key, column_key);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id);
CREATE INDEX IF NOT EXISTS sections_by_report ON sections(report_id);
CREATE INDEX IF NOT EXISTS findings_by_report ON findings(report_id);
"""


_REPORT_COLUMNS = ("report_id, version, body, year, published, title, format_version, source_path, source_format,"
                   " n_chunks, n_facts, n_findings, place, body_type, body_cue, body_confidence, year_cue, year_confidence, aliases")
_REPORT_FIELDS = [c.strip() for c in _REPORT_COLUMNS.split(",")]
# Columns added after the first release, with their types: a store made before them is migrated on open.
_ADDED_REPORT_COLUMNS = {"body_cue": "TEXT", "body_confidence": "REAL", "year_cue": "TEXT", "year_confidence": "REAL",
                         "aliases": "TEXT", "generation": "INTEGER DEFAULT 0"}

# The keyword index of the embedded store: jieba tokens (space-joined) in FTS5, rowid = chunks.rowid.
# Only unscoped questions use it to find candidates; scoped ones read their reports' chunks.
_SQLITE_FTS = "CREATE VIRTUAL TABLE chunk_fts USING fts5(tokens)"
SQLITE_VERSION = 2  # 2: FTS5 keyword index, term_df, report generations


def create_or_migrate(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    have = {r["name"] for r in conn.execute("PRAGMA table_info(reports)")}
    for column, kind in _ADDED_REPORT_COLUMNS.items():
        if column not in have:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {column} {kind}")
    row = conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()
    if (row["v"] or 0) < 2:
        with conn:
            conn.execute("DROP TABLE IF EXISTS chunk_fts")
            conn.execute(_SQLITE_FTS)
            _index_existing_chunks(conn)
            conn.execute("INSERT INTO schema_version VALUES (2) ON CONFLICT DO NOTHING")


def _index_existing_chunks(conn) -> None:
    """A store made before the persisted keyword index: index its chunks once."""
    from collections import Counter

    from reportqa.stores.fact_rows import CHUNKS, TOKENS
    conn.execute("INSERT INTO chunk_fts(rowid, tokens) SELECT rowid, tokens FROM chunks")
    df: Counter = Counter()
    for r in conn.execute("SELECT tokens FROM chunks"):
        tokens = (r["tokens"] or "").split()
        df.update(set(tokens))
        df[CHUNKS] += 1
        df[TOKENS] += len(tokens)
    conn.execute("DELETE FROM term_df")
    conn.executemany("INSERT INTO term_df VALUES (?, 0, ?)", sorted(df.items()))


def report_from_row(r) -> StoredReport:
    values = {k: r[k] for k in _REPORT_FIELDS}
    for key in ("body_confidence", "year_confidence"):  # rows stored before these columns existed
        values[key] = values[key] if values[key] is not None else 0.0
    values["aliases"] = tuple(json.loads(values["aliases"])) if values.get("aliases") else ()
    return StoredReport(**values)


def fact_from_row(r) -> Fact:
    return Fact(
        report_id=r["report_id"], table=r["table_key"], row_key=r["row_key"], row_label=r["row_label"],
        column_key=r["column_key"], column_label=r["column_label"],
        value=None if r["value"] is None else Decimal(r["value"]), raw=r["raw"], unit=r["unit"],
        start=r["start"], end=r["end"], value_start=r["value_start"], value_end=r["value_end"], kind=r["kind"],
    )
