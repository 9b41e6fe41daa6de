"""Shared pieces of the benchmarks: the model folder, synthetic report files, warm-up, statistics."""
from __future__ import annotations

import json
import math
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportqa.config import Settings  # noqa: E402

SAMPLE = ROOT / "data" / "suifenhe-2023.txt"
RESULTS = Path(__file__).resolve().parent / "results"


def model_folder(model_dir: str | None) -> Path:
    """The sentence-transformers folder to use: --model-dir, else the bundled e5-small converted
    (once) into the models folder of the default settings (REPORTQA_HOME or ~/.reportqa)."""
    if model_dir:
        return Path(model_dir).expanduser().resolve()
    from reportqa.embedding import default_model_dir
    return default_model_dir(Settings.from_env().models_dir).resolve()


def settings_for(home: Path, folder: Path, backend: str | None = None, threads: int | None = None) -> Settings:
    # The model folder is given explicitly, and its ONNX exports live beside it, so a fresh home
    # converts nothing again. backend None: REPORTQA_EMBEDDING_BACKEND, else the default.
    return Settings(home=Path(home), embedding_model=str(folder), models_path=Path(folder).parent,
                    embedding_backend=backend, embedding_threads=threads)


def load_embedder(folder: Path, backend: str | None = None, threads: int | None = None):
    from reportqa.embedding import get_embedder
    t = time.perf_counter()
    embedder = get_embedder(settings_for(Path(tempfile.gettempdir()), folder, backend, threads))
    embedder.embed_passages(["warm"])
    embedder.embed_query("warm")
    return embedder, time.perf_counter() - t


def warm_libraries() -> None:
    """One-off costs that neither pipeline should pay on the clock: jieba's dictionary, the
    parser's lazily loaded tables, chromadb's first client."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from ingest.pipeline import parse_report
    from reportqa.stores.keywords import tokenize

    tokenize("政府信息公开申请预热")
    parse_report(SAMPLE)
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as d:
        client = chromadb.PersistentClient(path=d, settings=ChromaSettings(anonymized_telemetry=False))
        col = client.get_or_create_collection("warm", metadata={"hnsw:space": "cosine"})
        col.add(ids=["a"], embeddings=[[0.1] * 8], documents=["warm"])
        col.query(query_embeddings=[[0.1] * 8], n_results=1)
        del col, client


def write_generated(folder: Path, n: int, seed: int) -> list[Path]:
    """n distinct sample-sized synthetic reports (varied formats, layouts, damage) as .txt files."""
    from tests.generator import generate_collection
    folder.mkdir(parents=True, exist_ok=True)
    return [r.write(folder) for r in generate_collection(n, seed)]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(1, math.ceil(p / 100 * len(s)))
    return s[k - 1]


class Timer:
    """Accumulates wall time of wrapped calls."""

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        self.items = 0

    def wrap(self, fn, count=None):
        def wrapped(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t
                self.calls += 1
                if count is not None:
                    self.items += count(*args, **kwargs)
        return wrapped


@contextmanager
def temp_dir(prefix: str, keep: bool = False):
    d = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield d
    finally:
        if not keep:
            shutil.rmtree(d, ignore_errors=True)


def write_json(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def table(rows: list[list], headers: list[str]) -> str:
    """A compact fixed-width table (CJK characters counted as two columns)."""
    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]

    def line(r):
        return "  ".join(c + " " * (w - width(c)) if i == 0 else " " * (w - width(c)) + c
                         for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)
