"""The fact store's tables on PostgreSQL, created and migrated by the program (versioned).

The same tables as SQLite (reportqa/stores/facts_schema.py), plus what only this engine holds: the
chunks' full text over their jieba tokens (a generated tsvector with a GIN index) and, once the
embedding model is known, the vectors (pgvector: reportqa/stores/postgres.py). Timestamps are kept
as text, as on SQLite, so both stores show the same history. `seq` keeps rows in the order they
were written, as SQLite's rowid does, so both engines list them alike.
"""
from __future__ import annotations

_NOW = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"

MIGRATIONS: list[tuple[int, str]] = [
    (1, f"""
CREATE TABLE reports (
  report_id TEXT PRIMARY KEY, version TEXT NOT NULL, body TEXT, year INTEGER, published TEXT, title TEXT,
  format_version TEXT, place TEXT, body_type TEXT, source_path TEXT, source_format TEXT, encoding TEXT,
  text TEXT NOT NULL, pages TEXT NOT NULL, ingested_at TEXT DEFAULT {_NOW},
  n_chunks INTEGER, n_facts INTEGER, n_findings INTEGER,
  body_cue TEXT, body_confidence DOUBLE PRECISION, year_cue TEXT, year_confidence DOUBLE PRECISION,
  aliases TEXT, generation BIGINT DEFAULT 0
);
CREATE TABLE sections (
  report_id TEXT, path TEXT, number TEXT, level INTEGER, heading TEXT, start INTEGER, "end" INTEGER,
  seq BIGSERIAL
);
CREATE TABLE chunks (
  chunk_id TEXT PRIMARY KEY, report_id TEXT, section TEXT, start INTEGER, "end" INTEGER, kind TEXT,
  text TEXT, tokens TEXT,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(tokens, ''))) STORED
);
CREATE TABLE facts (
  report_id TEXT, table_key TEXT, row_key TEXT, row_label TEXT, column_key TEXT, column_label TEXT,
  value TEXT, raw TEXT, unit TEXT, start INTEGER, "end" INTEGER, value_start INTEGER, value_end INTEGER, kind TEXT,
  seq BIGSERIAL
);
CREATE TABLE findings (
  report_id TEXT, rule TEXT, message TEXT, expected TEXT, found TEXT, cells TEXT, spans TEXT,
  seq BIGSERIAL
);
CREATE TABLE embedding_cache (model TEXT, text_hash TEXT, vector BYTEA, PRIMARY KEY (model, text_hash));
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BIGINT);
CREATE TABLE store_settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE pending_vectors (report_id TEXT, version TEXT, reason TEXT, PRIMARY KEY (report_id, version));
CREATE TABLE report_history (
  report_id TEXT, version TEXT, replaced_at TEXT DEFAULT {_NOW}, body TEXT, year INTEGER,
  source_path TEXT, source_format TEXT, n_chunks INTEGER, n_facts INTEGER, text TEXT, pages TEXT,
  PRIMARY KEY (report_id, version)
);
CREATE TABLE term_df (term TEXT, shard INTEGER, df BIGINT NOT NULL, PRIMARY KEY (term, shard));
CREATE TABLE report_deletions (report_id TEXT, generation BIGINT);
CREATE INDEX facts_by_report ON facts(report_id, table_key, row_key);
CREATE INDEX facts_by_cell ON facts(table_key, row_key, column_key);
CREATE INDEX chunks_by_report ON chunks(report_id);
CREATE INDEX chunks_tsv ON chunks USING gin(tsv);
CREATE INDEX sections_by_report ON sections(report_id);
CREATE INDEX findings_by_report ON findings(report_id);
CREATE INDEX reports_by_body ON reports(body, year);
CREATE INDEX reports_by_generation ON reports(generation);
CREATE INDEX report_deletions_by_generation ON report_deletions(generation);
"""),
]

# Two processes opening a new database at once: one migrates, the other waits (a fixed key).
MIGRATION_LOCK = 7_204_191


def migrate(conn) -> int:
    """Apply the migrations this database lacks, in order, each in its own transaction. Returns the
    schema version. `conn` is a psycopg connection in autocommit mode."""
    # the lock first: CREATE EXTENSION / TABLE IF NOT EXISTS race when two processes open a new
    # database at once (two ingest workers starting together)
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
        with conn.transaction():
            done = {r[0] if isinstance(r, tuple) else r["version"] for r in conn.execute("SELECT version FROM schema_version")}
            for version, sql in MIGRATIONS:
                if version not in done:
                    conn.execute(sql)
                    conn.execute("INSERT INTO schema_version VALUES (%s)", (version,))
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return max(v for v, _sql in MIGRATIONS)
