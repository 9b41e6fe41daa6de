"""Settings read from the environment, and the offline switches the program sets for itself."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Pipeline version: part of every report's version hash, so a parser change re-ingests.
PIPELINE_VERSION = "3"


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


@dataclass(frozen=True)
class Settings:
    home: Path
    embedding_model: str | None = None  # a sentence-transformers folder; None = the bundled e5-small

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> "Settings":
        return cls(
            home=Path(home).expanduser() if home else default_home(),
            embedding_model=os.environ.get("REPORTQA_EMBEDDING_MODEL") or None,
        )

    @property
    def facts_db(self) -> Path:
        return self.home / "reportqa.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        # The converted embedding model can live apart from the stores (shared by several homes).
        override = os.environ.get("REPORTQA_MODELS_DIR")
        return Path(override).expanduser() if override else self.home / "models"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"
