"""What every embedding backend shares: e5's query/passage prefixes read from the converted
folder, the key its vectors are kept under, and a cache for repeated questions. A backend adds
`_encode(texts) -> normalised vectors` (reportqa/embedding.py: torch; reportqa/onnx_embedding.py)."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from reportqa.model_files import MARKER


def vector_key(model_name: str, backend: str) -> str:
    """What vectors are kept under (a Chroma collection, the cache's rows): the model and the backend."""
    return f"{model_name}+{backend}"


class PrefixedEmbedder:
    backend: str
    folder: Path

    def _read_prefixes(self, folder: Path) -> None:
        prefixes = json.loads((folder / MARKER).read_text(encoding="utf-8")) if (folder / MARKER).is_file() else {}
        self.query_prefix: str = prefixes.get("query_prefix", "")
        self.passage_prefix: str = prefixes.get("passage_prefix", "")

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def vector_key(self) -> str:
        return vector_key(self.name, self.backend)

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        # Chat users repeat and rephrase questions; a repeated one costs nothing.
        return self._cached_query(text).copy()

    @functools.lru_cache(maxsize=2048)
    def _cached_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]
