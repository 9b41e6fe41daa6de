"""How one report's rows are written to and removed from the fact store, in the caller's
transaction, on either engine: the rows themselves, the keyword statistics kept with them, the
archive of a replaced version, and the store's generation."""
from __future__ import annotations

import json
import zlib
from collections import Counter

from reportqa.stores.database import Transaction
from reportqa.types import ParsedReport

_ROWS_OF_A_REPORT = ("sections", "facts", "findings", "reports")
TERM_SHARDS = 16
# The chunk and token totals, kept beside the terms: a space never occurs in a token.
CHUNKS, TOKENS = " chunks", " tokens"


def insert_rows(tx: Transaction, report: ParsedReport, chunk_tokens: dict[str, str]) -> None:
    rid, m = report.report_id, report.meta
    tx.execute(
        "INSERT INTO reports (report_id, version, body, year, published, title, format_version, place, body_type,"
        " source_path, source_format, encoding, text, pages, n_chunks, n_facts, n_findings,"
        " body_cue, body_confidence, year_cue, year_confidence, aliases, generation)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (rid, report.version, m.body, m.year, m.published, m.title, m.format_version, m.place, m.body_type,
         report.source_path, report.source_format, report.encoding, report.text,
         json.dumps([[p.start, p.end, p.page, p.ocr] for p in report.pages]),
         len(report.chunks), len(report.facts), len(report.findings),
         m.body_cue, m.body_confidence, m.year_cue, m.year_confidence,
         json.dumps(list(m.aliases), ensure_ascii=False), 0))
    tx.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?)",
                   [(rid, s.path, s.number, s.level, s.heading, s.start, s.end) for s in report.sections])
    tokens = [(c, chunk_tokens.get(c.chunk_id, "")) for c in report.chunks]
    tx.executemany('INSERT INTO chunks (chunk_id, report_id, section, start, "end", kind, text, tokens)'
                   " VALUES (?,?,?,?,?,?,?,?)",
                   [(c.chunk_id, rid, c.section, c.start, c.end, c.kind, c.text, t) for c, t in tokens])
    if tx.dialect == "sqlite":
        tx.execute("INSERT INTO chunk_fts(rowid, tokens) SELECT rowid, tokens FROM chunks WHERE report_id = ?", (rid,))
    count_terms(tx, rid, [t for _c, t in tokens], +1)
    tx.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(rid, f.table, f.row_key, f.row_label, f.column_key, f.column_label,
                     None if f.value is None else str(f.value), f.raw, f.unit, f.start, f.end, f.value_start,
                     f.value_end, f.kind) for f in report.facts])
    tx.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?)",
                   [(rid, x.rule, x.message, x.expected, x.found, json.dumps(x.cells, ensure_ascii=False),
                     json.dumps(x.spans)) for x in report.findings])

def remove_rows(tx: Transaction, rid: str) -> None:
    """Every row of a report, its keyword statistics taken back."""
    old_tokens = [r["tokens"] or "" for r in tx.query("SELECT tokens FROM chunks WHERE report_id = ?", (rid,))]
    count_terms(tx, rid, old_tokens, -1)
    if tx.dialect == "sqlite":
        tx.execute("DELETE FROM chunk_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE report_id = ?)", (rid,))
    tx.execute("DELETE FROM chunks WHERE report_id = ?", (rid,))
    for table in _ROWS_OF_A_REPORT:
        tx.execute(f"DELETE FROM {table} WHERE report_id = ?", (rid,))

def count_terms(tx: Transaction, report_id: str, token_strings: list[str], sign: int) -> None:
    """Document frequencies and totals for BM25, in the commit's transaction. Counted in one of
    TERM_SHARDS rows per term, chosen by the report: two writers of different reports rarely touch
    the same row, so they do not wait for each other (the reader sums the shards). Rows in sorted
    order, so two writers that do share rows never deadlock."""
    if not token_strings:
        return
    df: Counter = Counter()
    n_tokens = 0
    for tokens in token_strings:
        words = tokens.split()
        df.update(set(words))
        n_tokens += len(words)
    df[CHUNKS], df[TOKENS] = len(token_strings), n_tokens
    shard = zlib.crc32(report_id.encode()) % TERM_SHARDS
    counted = sorted(df.items())
    upsert = " ON CONFLICT(term, shard) DO UPDATE SET df = term_df.df + excluded.df"
    if tx.dialect == "postgresql":  # one statement for the report's ~1,000 terms, not one each
        tx.execute(f"INSERT INTO term_df SELECT t, {shard}, n FROM unnest(?::text[], ?::bigint[]) AS u(t, n)" + upsert,
                   ([t for t, _n in counted], [sign * n for _t, n in counted]))
    else:
        tx.executemany("INSERT INTO term_df VALUES (?, ?, ?)" + upsert, [(t, shard, sign * n) for t, n in counted])


def mark(tx: Transaction, rid: str, version: str, reason: str) -> None:
    tx.execute("INSERT INTO pending_vectors VALUES (?,?,?) ON CONFLICT(report_id, version) DO UPDATE SET reason = excluded.reason",
               (rid, version, reason))

def archive(tx: Transaction, report_id: str) -> None:
    tx.execute("DELETE FROM report_history WHERE report_id = ? AND version = (SELECT version FROM reports WHERE report_id = ?)",
               (report_id, report_id))
    tx.execute("INSERT INTO report_history (report_id, version, body, year, source_path, source_format,"
               " n_chunks, n_facts, text, pages) SELECT report_id, version, body, year, source_path, source_format,"
               " n_chunks, n_facts, text, pages FROM reports WHERE report_id = ?", (report_id,))

def bump(tx: Transaction) -> int:
    tx.execute("INSERT INTO store_meta VALUES ('generation', 1) ON CONFLICT(key) DO UPDATE SET value = store_meta.value + 1")
    return int(tx.one("SELECT value FROM store_meta WHERE key = 'generation'")["value"])


def insert_copied(tx: Transaction, report_id: str, tables: dict[str, list[dict]]) -> int:
    """A report's rows as read from another store (reportqa/stores/migrate.py), replacing what this
    store holds of it, with its keyword statistics; returns the new generation."""
    remove_rows(tx, report_id)
    for table, rows in tables.items():
        insert_dicts(tx, table, rows)
    if tx.dialect == "sqlite":
        tx.execute("INSERT INTO chunk_fts(rowid, tokens) SELECT rowid, tokens FROM chunks WHERE report_id = ?", (report_id,))
    count_terms(tx, report_id, [r["tokens"] or "" for r in tables.get("chunks", [])], +1)
    return stamp(tx, report_id)


def stamp(tx: Transaction, report_id: str) -> int:
    """The store's generation up, on the report's row: last in a transaction, since every writer
    updates that one row and holds it until its commit."""
    generation = bump(tx)
    tx.execute("UPDATE reports SET generation = ? WHERE report_id = ?", (generation, report_id))
    return generation


def insert_dicts(tx: Transaction, table: str, rows: list[dict], *, keep_existing: bool = False) -> None:
    if not rows:
        return
    columns = list(rows[0])
    quoted = ", ".join(f'"{c}"' for c in columns)
    conflict = " ON CONFLICT DO NOTHING" if keep_existing else ""
    tx.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({','.join('?' * len(columns))}){conflict}",
                   [[r[c] for c in columns] for r in rows])
