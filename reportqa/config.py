"""Every setting a user may change, read from the environment in one place, and the offline
switches the program sets for itself.

    REPORTQA_HOME               the folder of the embedded stores (default ~/.reportqa)
    REPORTQA_EMBEDDING_MODEL    a sentence-transformers folder instead of the bundled e5-small
    REPORTQA_MODELS_DIR         where the bundled model is converted to (shared by several homes)
    REPORTQA_EMBEDDING_BACKEND  onnx (default) | onnx-int8 | torch: what runs the embedding model
    REPORTQA_EMBEDDING_THREADS  threads for embedding passages (default one per core)
    REPORTQA_DATABASE_URL       postgresql://… : the store in PostgreSQL + pgvector (default: embedded)
    REPORTQA_PARSE_* …          what one file may cost to read (ParseLimits below)
    REPORTQA_LLM_* …            the optional LLM writer of answers (WriterSettings below; off by default)
    REPORTQA_OCR_UPSCALE …      how scanned pages are enlarged for OCR

Entry points build one `Settings.from_env()` and pass it down. The parser runs in its own process
(ingest/isolation.py), which inherits the environment and reads its limits once there
(`ParseLimits.current()`). Tuning numbers of the algorithms (chunk sizes, fusion constant, topic
coverage) are named constants beside the code they tune, each with the reason for its value.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# Pipeline version: part of every report's version hash, so a parser change re-ingests.
PIPELINE_VERSION = "3"

# What runs the embedding model (reportqa/embedding.py). onnx is the default: ONNX Runtime fp32 gives
# torch's vectors (cosine 1.0000) at ~2.1x torch's tokens/s, and ingest ran 3.9x the plain LangChain
# pipeline (bench/bench_ingest.py). onnx-int8 (int8 weights, per channel) is ~3.9x torch and ingests
# 5.7x the plain pipeline, but its vectors (cosine ~0.997) moved hit@1 on the sample questions
# by -9 points (2 of 22) and on the real corpus by +2 (bench/bench_retrieval.py): over the 1-point
# bound, so it is a choice, not the default. torch is kept as a choice too.
BACKENDS = ("onnx", "onnx-int8", "torch")
DEFAULT_BACKEND = "onnx"


def embedding_backend(value: str | None) -> str:
    """A backend name as given (or REPORTQA_EMBEDDING_BACKEND), checked; the default when unset."""
    value = (value or os.environ.get("REPORTQA_EMBEDDING_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if value not in BACKENDS:
        raise ValueError(f"REPORTQA_EMBEDDING_BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


def configure_offline() -> None:
    """No hub look-ups, no telemetry: this machine has no network, and users may not want either."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(key, value)


def default_home() -> Path:
    return Path(os.environ.get("REPORTQA_HOME") or Path.home() / ".reportqa").expanduser()


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name)
    try:
        return float(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class ParseLimits:
    """What one file may cost to read. A file over a limit is rejected with the reason; the run goes on.
    Each can be set from the environment (REPORTQA_PARSE_SECONDS …)."""

    # Real reports parse in under 5 s, a 20-page scan with OCR in about 40 s on 2 cores; past this
    # the file is stopped, so no single file holds a run (or the server) for a minute.
    seconds: float = 55.0
    # The parser runs in its own process with this much address space: real reports need under
    # 600 MB (a scan rendered for OCR the most); a decompression bomb hits the limit, not the machine.
    memory_mb: int = 1536
    # Annual reports run to 5–40 pages; 500 leaves room for appendices and stops 100,000-page files.
    max_pages: int = 500
    # Pages read by OCR cost 1–3 s each; a report that is a scan has rarely more than 30.
    max_ocr_pages: int = 40
    # Pixels of one page rendered for OCR: A4 at 300 dpi is 8.7 M, A3 17 M; a larger page is rendered
    # at a lower resolution instead (a 14,400 pt page would be 3.6 G pixels).
    max_page_pixels: int = 40_000_000
    # A .docx (a ZIP): real reports unpack to under 20 MB in under 200 entries.
    max_unpacked_mb: int = 200
    max_zip_entries: int = 5000
    # HTML report pages nest 20–60 elements deep; past this the page is machine-made (or an attack).
    max_html_depth: int = 400
    # Report text has lines of up to ~100,000 characters (a page flattened onto one line).
    max_line_chars: int = 2_000_000
    # Parse in a separate process (the default); off only for debugging.
    isolate: bool = True
    # Scanned pages are enlarged before OCR: Tesseract reads CJK best at ~30 px per character, and
    # report scans come at 150–200 dpi; 2x reads them, more costs time without more right characters.
    ocr_upscale: float = 2.0
    # The second pass over cells that should hold digits, where 1.5x separated 1 from 7 best.
    ocr_digits_upscale: float = 1.5

    @classmethod
    def from_env(cls) -> "ParseLimits":
        base = cls()
        return cls(
            seconds=_env_number("REPORTQA_PARSE_SECONDS", base.seconds),
            memory_mb=int(_env_number("REPORTQA_PARSE_MEMORY_MB", base.memory_mb)),
            max_pages=int(_env_number("REPORTQA_MAX_PAGES", base.max_pages)),
            max_ocr_pages=int(_env_number("REPORTQA_MAX_OCR_PAGES", base.max_ocr_pages)),
            max_page_pixels=int(_env_number("REPORTQA_MAX_PAGE_PIXELS", base.max_page_pixels)),
            max_unpacked_mb=int(_env_number("REPORTQA_MAX_UNPACKED_MB", base.max_unpacked_mb)),
            max_zip_entries=int(_env_number("REPORTQA_MAX_ZIP_ENTRIES", base.max_zip_entries)),
            max_html_depth=int(_env_number("REPORTQA_MAX_HTML_DEPTH", base.max_html_depth)),
            max_line_chars=int(_env_number("REPORTQA_MAX_LINE_CHARS", base.max_line_chars)),
            isolate=os.environ.get("REPORTQA_PARSE_ISOLATE", "1") != "0",
            ocr_upscale=_env_number("REPORTQA_OCR_UPSCALE", base.ocr_upscale),
            ocr_digits_upscale=_env_number("REPORTQA_OCR_DIGITS_UPSCALE", base.ocr_digits_upscale),
        )

    @staticmethod
    @lru_cache(maxsize=1)
    def current() -> "ParseLimits":
        """The limits of this process, read once (the parser process reads them from the environment
        it inherits)."""
        return ParseLimits.from_env()


@dataclass(frozen=True)
class WriterSettings:
    """The optional LLM writer (retrieval/writer/): an OpenAI-compatible endpoint of the user's own
    (vLLM, Ollama, Xinference, llama.cpp's server, a cloud API). Off unless REPORTQA_LLM_URL is set.

        REPORTQA_LLM_URL            base URL, e.g. http://127.0.0.1:8080/v1
        REPORTQA_LLM_MODEL          the model name the endpoint expects (default: "default")
        REPORTQA_LLM_API_KEY        a bearer key, or REPORTQA_LLM_API_KEY_FILE: a file holding it
        REPORTQA_LLM_TIMEOUT        seconds for the whole draft (default 30); past it, the extractive answer
    """

    url: str | None = None
    model: str = "default"
    api_key: str | None = field(default=None, repr=False)  # never printed, never logged
    # A user waits for the extractive answer first; the written one may follow within this many seconds.
    # A 270M model on 2 CPU cores drafts a short answer in 3–15 s; a served 7B model in 2–5 s.
    timeout: float = 30.0
    # Answers are a few sentences; a cap keeps a rambling model inside the timeout.
    max_tokens: int = 300

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @classmethod
    def from_env(cls) -> "WriterSettings":
        key = os.environ.get("REPORTQA_LLM_API_KEY") or None
        key_file = os.environ.get("REPORTQA_LLM_API_KEY_FILE")
        if not key and key_file and Path(key_file).expanduser().is_file():
            key = Path(key_file).expanduser().read_text(encoding="utf-8").strip() or None
        return cls(url=(os.environ.get("REPORTQA_LLM_URL") or "").strip() or None,
                   model=os.environ.get("REPORTQA_LLM_MODEL") or cls.model, api_key=key,
                   timeout=_env_number("REPORTQA_LLM_TIMEOUT", cls.timeout),
                   max_tokens=int(_env_number("REPORTQA_LLM_MAX_TOKENS", cls.max_tokens)))


@dataclass(frozen=True)
class Settings:
    home: Path
    embedding_model: str | None = None  # a sentence-transformers folder; None = the bundled e5-small
    # The converted embedding model can live apart from the stores (shared by several homes);
    # None: REPORTQA_MODELS_DIR, else home/models.
    models_path: Path | None = None
    # What runs the embedding model: onnx | onnx-int8 | torch (BACKENDS above); None:
    # REPORTQA_EMBEDDING_BACKEND, else DEFAULT_BACKEND. Vectors are kept per model and backend.
    embedding_backend: str | None = None
    # Threads that embed passages (ingest); None: REPORTQA_EMBEDDING_THREADS, else one per core.
    # `reportqa ingest --workers N` gives each worker process one. A single question always uses one.
    embedding_threads: int | None = None
    parse: ParseLimits = field(default_factory=ParseLimits.current)
    # The optional LLM writer (WriterSettings): off unless REPORTQA_LLM_URL is set.
    writer: WriterSettings = field(default_factory=WriterSettings)
    # postgresql://… : the whole store in one PostgreSQL database (reportqa/stores/postgres.py)
    # instead of SQLite + Chroma in `home`; None: REPORTQA_DATABASE_URL, else embedded.
    database_url: str | None = None

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> "Settings":
        models = os.environ.get("REPORTQA_MODELS_DIR")
        return cls(
            home=Path(home).expanduser() if home else default_home(),
            embedding_model=os.environ.get("REPORTQA_EMBEDDING_MODEL") or None,
            models_path=Path(models).expanduser() if models else None,
            embedding_backend=embedding_backend(None),
            embedding_threads=int(_env_number("REPORTQA_EMBEDDING_THREADS", 0)) or None,
            parse=ParseLimits.from_env(),
            writer=WriterSettings.from_env(),
            database_url=os.environ.get("REPORTQA_DATABASE_URL") or None,
        )

    @property
    def facts_db(self) -> Path:
        return self.home / "reportqa.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        if self.models_path is not None:
            return self.models_path
        override = os.environ.get("REPORTQA_MODELS_DIR")  # a Settings built in code, not from_env
        return Path(override).expanduser() if override else self.home / "models"

    @property
    def backend(self) -> str:
        """The embedding backend (a Settings built in code follows REPORTQA_EMBEDDING_BACKEND too)."""
        return embedding_backend(self.embedding_backend)

    @property
    def threads(self) -> int:
        """Threads for embedding passages."""
        if self.embedding_threads:
            return max(1, int(self.embedding_threads))
        return max(1, int(_env_number("REPORTQA_EMBEDDING_THREADS", 0)) or os.cpu_count() or 1)

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"
