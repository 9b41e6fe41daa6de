"""Copy an embedded store into PostgreSQL: every committed report with its rows, keyword statistics
and vectors (read from Chroma, never embedded again), its replaced versions and the embedding cache.

Each report is copied in one transaction, so an interrupted copy leaves whole reports only, and a
second run copies what is missing (a report whose version is already there is skipped).
"""
from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

import numpy as np

from reportqa.stores import Stores

log = logging.getLogger(__name__)

# The tables holding one report's rows, copied as they are (the engine's own columns left out).
REPORT_TABLES = ("reports", "sections", "chunks", "facts", "findings")
ENGINE_COLUMNS = {"seq", "tsv", "rowid"}
CACHE_BATCH = 2_000


@dataclass
class Migration:
    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the target at the same version
    vector_key: str = ""
    history_rows: int = 0
    cached_vectors: int = 0


def _rows(db, table: str, report_id: str) -> list[dict]:
    order = " ORDER BY rowid" if db.dialect == "sqlite" else " ORDER BY seq" if table in ("sections", "facts", "findings") else ""
    return [{k: r[k] for k in r.keys() if k not in ENGINE_COLUMNS}
            for r in db.query(f"SELECT * FROM {table} WHERE report_id = ?{order}", (report_id,))]


def migrate(source: Stores, target: Stores, *, progress: bool = True) -> Migration:
    """Copy `source` (embedded) into `target` (PostgreSQL)."""
    if target.backend != "postgresql":
        raise ValueError("the target of a migration is a PostgreSQL store (postgresql://…)")
    result = Migration(vector_key=source.facts.vector_space() or source.embedder_name())
    versions = source.facts.committed_versions()
    have = target.facts.committed_versions()
    dimension = None
    from tqdm import tqdm
    for report_id in tqdm(sorted(versions), desc="migrate", unit="report", file=sys.stderr, disable=not progress):
        if have.get(report_id) == versions[report_id]:
            result.skipped.append(report_id)
            continue
        tables = {t: _rows(source.facts.db, t, report_id) for t in REPORT_TABLES}
        ids = [c["chunk_id"] for c in tables["chunks"]]
        stored = source.vectors.vectors_of(ids)
        missing = [cid for cid in ids if cid not in stored]
        if missing:
            raise ValueError(f"{report_id}: {len(missing)} chunks have no stored vector in the source store")
        vectors = np.stack([stored[cid] for cid in ids]) if ids else np.zeros((0, dimension or 1), np.float32)
        if dimension is None and ids:
            dimension = vectors.shape[1]
            target.adopt_space(result.vector_key, dimension)
        target.copy_report(report_id, tables, vectors)
        result.copied.append(report_id)
    result.history_rows = target.facts.copy_rows("report_history", source.facts.db.query("SELECT * FROM report_history"))
    result.cached_vectors = _copy_cache(source, target)
    return result


def _copy_cache(source: Stores, target: Stores) -> int:
    total, offset = 0, 0
    while True:
        rows = source.facts.db.query("SELECT model, text_hash, vector FROM embedding_cache ORDER BY model, text_hash"
                                     " LIMIT ? OFFSET ?", (CACHE_BATCH, offset))
        if not rows:
            return total
        total += target.facts.copy_rows("embedding_cache", rows)
        offset += CACHE_BATCH
