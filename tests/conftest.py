"""Session fixtures: the real embedding model (converted and loaded once), real stores on both
backends: SQLite + Chroma (embedded) and a real PostgreSQL with pgvector.

The converted model is kept in one folder for the whole session (REPORTQA_MODELS_DIR), so every
store home created by a test shares it and the model loads once per process.

PostgreSQL: REPORTQA_TEST_DATABASE_URL names a server (.ci/run starts one with scripts/postgres.sh);
without it the first test that needs one runs `scripts/postgres.sh start` itself. Each store gets a
new database on it, dropped at the end of the session. No fake database anywhere.
"""
from __future__ import annotations

import functools
import itertools
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "suifenhe-2023.txt"
SHARED = REPO.parent / "shared"
BACKENDS = ("embedded", "postgresql")

os.environ.setdefault("REPORTQA_MODELS_DIR", str(Path(tempfile.gettempdir()) / "reportqa-test-models"))
os.environ.pop("REPORTQA_DATABASE_URL", None)  # a test chooses its backend; the user's database is never touched


@functools.lru_cache(maxsize=1)
def postgres_server() -> str:
    url = os.environ.get("REPORTQA_TEST_DATABASE_URL")
    if not url:
        done = subprocess.run([str(REPO / "scripts" / "postgres.sh"), "start"], capture_output=True, text=True,
                              timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"scripts/postgres.sh start failed: {done.stderr[-2000:]}")
        url = done.stdout.strip().splitlines()[-1]
    return url


_databases: list[str] = []
_counter = itertools.count()


def new_database(tag: str = "t") -> str:
    """A new, empty database on the test server; its URL."""
    import psycopg
    url = postgres_server()
    name = f"rqa_{tag}_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    _databases.append(name)
    return url.rsplit("/", 1)[0] + "/" + name


def pytest_sessionfinish(session, exitstatus):
    if not _databases:
        return
    import psycopg
    with psycopg.connect(postgres_server(), autocommit=True) as conn:
        for name in _databases:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def cli_env(settings, **extra) -> dict:
    """The environment of a `reportqa` subprocess on the store of `settings` (either backend)."""
    env = {**os.environ, **extra}
    if settings.database_url:
        env["REPORTQA_DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from reportqa.config import Settings

    def make(name: str = "home", backend: str = "embedded") -> Settings:
        home = tmp_path_factory.mktemp(name)
        return Settings(home=home, database_url=new_database() if backend == "postgresql" else None)
    return make


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """Each test that takes it runs on the embedded store and on PostgreSQL."""
    return request.param


@pytest.fixture(scope="session")
def collection(settings_factory, tmp_path_factory, backend):
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
    stores = Stores(settings_factory("collection-home", backend))
    results = ingest_paths(stores, [folder], progress=False)
    assert all(r.status in ("ingested", "unchanged") for r in results), results
    return stores, {f"{g.body}-{g.year}": g for g in generated}
