"""The writes the two faces make to a collection: ingest files, restore a version, relabel, delete.

Reads go through retrieval/collection.py; these are the only ways app/ changes what is stored.
Deleting a report never loads the embedding model.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ingest.metadata import split_body
from ingest.pipeline import IngestResult, ingest_paths, restore_report
from reportqa.stores import Stores


class Catalog:
    def __init__(self, stores: Stores):
        self._stores = stores

    def ingest(self, paths: Iterable[str | Path], **options) -> list[IngestResult]:
        """One IngestResult per file (ingest.pipeline.ingest_paths)."""
        return ingest_paths(self._stores, paths, **options)

    def restore(self, report_id: str, version: str) -> IngestResult:
        return restore_report(self._stores, report_id, version)

    def relabel(self, report_id: str, body: str | None, year: int | None) -> bool:
        """Set a report's body and year by hand (no re-embedding); False when there is no such report."""
        place, body_type = split_body(body)
        return self._stores.facts.relabel(report_id, body=body, year=year, place=place, body_type=body_type)

    def delete(self, report_id: str) -> bool:
        """Remove a report (kept in its history) and its vectors."""
        return self._stores.delete_report(report_id)
