"""The SQLite tables of the fact store, how a store made by an older version is migrated on open,
and how rows become the dataclasses of reportqa.types."""
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
CREATE INDEX IF NOT EXISTS facts_by_report ON facts(report_id, table_key, row_key);
CREATE INDEX IF NOT EXISTS facts_by_cell ON facts(table_key, row_key, column_key);
CREATE INDEX IF NOT EXISTS chunks_by_report ON chunks(report_id);
CREATE INDEX IF NOT EXISTS sections_by_report ON sections(report_id);
CREATE INDEX IF NOT EXISTS findings_by_report ON findings(report_id);
"""


_REPORT_COLUMNS = ("report_id, version, body, year, published, title, format_version, source_path, source_format,"
                   " n_chunks, n_facts, n_findings, place, body_type, body_cue, body_confidence, year_cue, year_confidence, aliases")
# Columns added after the first release, with their types: a store made before them is migrated on open.
_ADDED_REPORT_COLUMNS = {"body_cue": "TEXT", "body_confidence": "REAL", "year_cue": "TEXT", "year_confidence": "REAL",
                         "aliases": "TEXT"}


def create_or_migrate(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    have = {r["name"] for r in conn.execute("PRAGMA table_info(reports)")}
    for column, kind in _ADDED_REPORT_COLUMNS.items():
        if column not in have:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {column} {kind}")


def report_from_row(r: sqlite3.Row) -> StoredReport:
    values = dict(r)
    for key in ("body_confidence", "year_confidence"):  # rows stored before these columns existed
        values[key] = values[key] if values[key] is not None else 0.0
    values["aliases"] = tuple(json.loads(values["aliases"])) if values.get("aliases") else ()
    return StoredReport(**values)


def fact_from_row(r: sqlite3.Row) -> Fact:
    return Fact(
        report_id=r["report_id"], table=r["table_key"], row_key=r["row_key"], row_label=r["row_label"],
        column_key=r["column_key"], column_label=r["column_label"],
        value=None if r["value"] is None else Decimal(r["value"]), raw=r["raw"], unit=r["unit"],
        start=r["start"], end=r["end"], value_start=r["value_start"], value_end=r["value_end"], kind=r["kind"],
    )
