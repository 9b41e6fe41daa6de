"""Session fixtures: the real embedding model (converted and loaded once), real Chroma and SQLite.

The converted model is kept in one folder for the whole session (REPORTQA_MODELS_DIR), so every
store home created by a test shares it and the model loads once per process.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "suifenhe-2023.txt"
SHARED = REPO.parent / "shared"

os.environ.setdefault("REPORTQA_MODELS_DIR", str(Path(tempfile.gettempdir()) / "reportqa-test-models"))


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from reportqa.config import Settings

    def make(name: str = "home") -> Settings:
        return Settings(home=tmp_path_factory.mktemp(name))
    return make


@pytest.fixture(scope="session")
def collection(settings_factory, tmp_path_factory):
    """A collection of several reports: the sample plus generated ones of other bodies and years.

    Returns (stores, generated reports by report id)."""
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores
    from tests.generator import generate_report

    folder = tmp_path_factory.mktemp("collection")
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    generated = [
        generate_report(101, format_version="2021", layout="tab", body="青山市", year=2023),
        generate_report(102, format_version="2021", layout="pipe", body="青山市", year=2022),
        generate_report(103, format_version="2019", layout="tab", body="江宁县自然资源局", year=2020),
        generate_report(104, format_version="2021", layout="cell_per_line", body="白河区人民政府", year=2023),
        generate_report(105, format_version="2021", layout="markdown", body="上海市黄浦区", year=2023),
    ]
    for g in generated:
        g.write(folder / g.suggested_filename())
    stores = Stores(settings_factory("collection-home"))
    results = ingest_paths(stores, [folder], progress=False)
    assert all(r.status in ("ingested", "unchanged") for r in results), results
    return stores, {f"{g.body}-{g.year}": g for g in generated}
