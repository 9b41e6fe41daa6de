"""Chunk vectors in Chroma (embedded, persistent), through langchain-chroma for search.

Entries carry the report version they belong to; search keeps only hits of committed versions,
so a version written before a crash and never committed is invisible. The facts store lists the
versions written but not committed (pending_vectors); a writer holding the writer lock removes
exactly those, never what another process is writing.
"""
from __future__ import annotations

import re
from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from reportqa.types import Chunk


def _collection_name(model_name: str) -> str:
    # Chroma names: 3-512 chars of [a-zA-Z0-9._-]; one collection per embedding model and backend
    # (model_name is a vector key, e.g. multilingual-e5-small+onnx-int8: reportqa/stores/vector_space.py).
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", model_name).strip("-._") or "model"
    return f"chunks-{slug}"[:200]


class LazyEmbeddings(Embeddings):
    """Embeddings through an Embedder loaded on first use: `load()` returns it. Opening the index,
    or deleting from it, then never loads the model."""

    def __init__(self, load):
        self._load = load

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._load().embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._load().embed_query(text).tolist()


PAGE = 5000  # entries read per call when scanning the collection (well under SQLite's variable limit)


class VectorStore:
    def __init__(self, path: Path, embeddings, model_name: str, committed_versions):
        """`embeddings` is a langchain Embeddings object (used for queries by text);
        `committed_versions(report_ids)` gives the committed version of each (the fact store's)."""
        path.mkdir(parents=True, exist_ok=True)
        self._path, self._embeddings = path, embeddings
        self._committed_versions = committed_versions
        self._name = _collection_name(model_name)
        self._open()

    def _open(self) -> None:
        self._client = chromadb.PersistentClient(path=str(self._path), settings=ChromaSettings(anonymized_telemetry=False))
        self._collection = self._client.get_or_create_collection(self._name, metadata={"hnsw:space": "cosine"})
        self._langchain = Chroma(client=self._client, collection_name=self._name, embedding_function=self._embeddings)

    def reopen(self) -> None:
        """Read the collection afresh after another process wrote to it: Chroma keeps its index in
        memory, and a stale one fails with "Error finding id" or misses the new entries."""
        from chromadb.api.shared_system_client import SharedSystemClient
        identifier = getattr(self._client, "_identifier", None)
        try:
            self._client.close()
        except Exception:  # an older client without close(): dropping the cache below is enough
            pass
        SharedSystemClient._identifier_to_system.pop(identifier, None)  # not reused by the new client
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        self._open()

    def drop_collection(self, model_name: str) -> bool:
        """Remove another key's collection (after its vectors were made again under this one)."""
        name = _collection_name(model_name)
        if name == self._name or name not in {getattr(c, "name", c) for c in self._client.list_collections()}:
            return False
        self._client.delete_collection(name)
        return True

    def delete_version(self, report_id: str, version: str) -> None:
        """Remove one version's entries (a crashed writer's, or a replaced or deleted report's)."""
        self._collection.delete(where={"$and": [{"report_id": report_id}, {"version": version}]})

    def add(self, chunks: list[Chunk], vectors: np.ndarray, version: str) -> None:
        for i in range(0, len(chunks), 1000):
            batch = chunks[i:i + 1000]
            self._collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[i:i + len(batch)].astype(np.float32).tolist(),
                documents=[c.text for c in batch],
                metadatas=[{"report_id": c.report_id, "version": version, "section": c.section, "start": c.start,
                            "end": c.end, "kind": c.kind} for c in batch],
            )

    def delete_other_versions(self, report_id: str, keep_version: str | None) -> None:
        where = {"report_id": report_id} if keep_version is None else {
            "$and": [{"report_id": report_id}, {"version": {"$ne": keep_version}}]}
        self._collection.delete(where=where)

    def drop_uncommitted(self, committed: dict[str, str]) -> int:
        """Remove entries whose version is not the committed one (leftovers of a crash).

        Read in pages: one `get` of the whole collection binds a variable per entry and fails past
        SQLite's 32,766 (about 1,600 reports), which bricked every larger store."""
        stale, offset = [], 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            stale += [i for i, m in zip(got["ids"], got["metadatas"])
                      if committed.get(m.get("report_id")) != m.get("version")]
            if len(got["ids"]) < PAGE:
                break
            offset += PAGE
        for i in range(0, len(stale), 1000):
            self._collection.delete(ids=stale[i:i + 1000])
        return len(stale)

    def search(self, query_vector: np.ndarray, k: int, report_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the best committed chunks, restricted to report_ids
        (None: all). Only the hits' reports are looked up, so the cost does not grow with the scope."""
        flt = None
        if report_ids is not None:
            flt = {"report_id": report_ids[0]} if len(report_ids) == 1 else {"report_id": {"$in": list(report_ids)}}
        hits = self._langchain.similarity_search_by_vector_with_relevance_scores(
            query_vector.astype(np.float32).tolist(), k=k, filter=flt)
        committed = self._committed_versions(sorted({doc.metadata.get("report_id") for doc, _d in hits}))
        out = []
        for doc, distance in hits:
            meta = doc.metadata
            if committed.get(meta.get("report_id")) == meta.get("version"):
                out.append((doc.id, 1.0 - float(distance)))
        return out

    def vectors_of(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """The stored vector of each chunk (for copying a store: nothing is embedded again)."""
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(chunk_ids), PAGE):
            got = self._collection.get(ids=chunk_ids[i:i + PAGE], include=["embeddings"])
            out.update({cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], got["embeddings"])})
        return out

    def count(self) -> int:
        return self._collection.count()
