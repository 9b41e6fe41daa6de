"""Several processes on one store: a web server answering, `reportqa ask` readers and a
`reportqa ingest` writer at once (real model, real Chroma and SQLite, real processes). Nothing is
lost or fails: a reader never deletes what the writer has not committed, the running server sees
the new reports without a restart, and the API says what went wrong instead of {"error": null}."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reportqa.stores import Stores
from tests.web_server import _serve

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "realcorpus" / "reports"
NEW = ["a002.txt", "a003.txt", "a005.txt", "a012.txt", "a026.txt", "a033.txt"]


def _visible(stores: Stores) -> tuple[int, int]:
    """(chunks committed, vector entries of committed versions)."""
    committed = stores.facts.committed_versions()
    got = stores.vectors._collection.get(include=["metadatas"])
    visible = sum(committed.get(m["report_id"]) == m["version"] for m in got["metadatas"])
    return len(stores.facts.chunks()), visible


def test_a_reader_never_deletes_what_a_writer_has_not_committed(settings_factory):
    """The writer has written its vectors and not committed yet; a reader process opens the store
    and asks a narrative question meanwhile; the writer then commits: every vector is there."""
    from ingest.pipeline import parse_report
    settings = settings_factory("writer-reader")
    writer = Stores(settings)
    report = parse_report(CORPUS / NEW[0])
    vectors = np.random.default_rng(0).random((len(report.chunks), writer.embedder.dimension), dtype=np.float32)
    with writer.writer_lock():
        writer.facts.mark_writing(report.report_id, report.version)
        writer.vectors.add(report.chunks, vectors, report.version)
        reader = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(settings.home), "ask",
                                 "主动公开工作有哪些做法？"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert reader.returncode == 0, reader.stderr[-2000:]
        assert writer.vectors.count() == len(report.chunks)  # the reader removed none of them
        writer.saw_own_commit(writer.facts.commit_report(report, {}))
    assert _visible(Stores(settings)) == (len(report.chunks), len(report.chunks))


def test_server_readers_and_writer_together(tmp_path_factory):
    home = tmp_path_factory.mktemp("concurrent-home")
    from gradio_client import Client
    for server in _serve(home):
        client = Client(server.url, verbose=False)
        env = {**os.environ, "REPORTQA_HOME": str(home)}
        writer = subprocess.Popen([sys.executable, "-m", "reportqa", "ingest", "--quiet", *[str(CORPUS / n) for n in NEW]],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        failures, asked = [], 0
        while writer.poll() is None or asked < 6:
            for question in ("绥芬河市2023年存在的主要问题是什么？", "主动公开工作有哪些做法？", "行政处罚决定有多少件？"):
                try:
                    got = client.predict(question, api_name="/ask")
                    asked += 1
                    if not isinstance(got, dict) or got.get("route") not in ("table", "text", "none"):
                        failures.append((question, got))
                except Exception as exc:  # any error while the writer writes is a failure
                    failures.append((question, repr(exc)))
            reader = server.cli("ask", "主动公开工作有哪些做法？")
            if reader.returncode != 0:
                failures.append(("cli", reader.stderr[-500:]))
            time.sleep(0.5)
        out, err = writer.communicate()
        assert writer.returncode == 0, err[-2000:]
        assert failures == []
        stores = Stores(_settings(home))
        chunks, visible = _visible(stores)
        assert chunks == visible and stores.vectors.count() == chunks  # nothing lost, nothing left over
        assert len(stores.facts.list_reports()) == 1 + len(NEW)
        # the running server answers from a report the other process committed, without a restart
        answer = client.predict("云南省卫健委2022年在网站设置了多少个政府信息公开板块？", api_name="/ask")
        assert answer["route"] == "table" and answer["value"] == 13, answer
        narrative = client.predict("江苏省交通运输厅2023年如何坚持主动公开？", api_name="/ask")
        assert narrative["route"] == "text" and narrative["reports"] == ["江苏省交通运输厅-2023"], narrative
        # the API says what went wrong
        with pytest.raises(Exception, match="问题为空"):
            client.predict("   ", api_name="/ask")


def _settings(home: Path):
    from reportqa.config import Settings
    return Settings.from_env(home)


def test_two_writers_on_postgresql_never_lose_or_damage_a_report(settings_factory):
    """Two `reportqa ingest` processes at once on one PostgreSQL database, with overlapping files (as
    two machines of an ingest fleet would): every report is stored once, whole, vectors and keyword
    statistics included."""
    from ingest.pipeline import parse_report
    from reportqa.stores.fact_rows import CHUNKS
    from tests.conftest import cli_env
    settings = settings_factory("two-writers", "postgresql")
    files = [str(CORPUS / n) for n in NEW]
    halves = [files[:4], files[2:]]  # two files are in both
    procs = [subprocess.Popen([sys.executable, "-m", "reportqa", "--home", str(settings.home), "ingest", "--quiet", *half],
                              cwd=ROOT, env=cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for half in halves]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
    stores = Stores(settings)
    expected = {parse_report(Path(f)).report_id for f in files}
    assert set(stores.facts.committed_versions()) == expected
    for report in stores.reports():
        chunks = stores.facts.chunks([report.report_id])
        vectors = stores.facts.db.one("SELECT count(*) AS n FROM chunk_vectors WHERE report_id = ?", (report.report_id,))["n"]
        assert len(chunks) == report.n_chunks == vectors > 0
        assert len(stores.facts.facts(report.report_id)) == report.n_facts
    chunks_counted = stores.facts.db.one("SELECT sum(df) AS n FROM term_df WHERE term = ?", (CHUNKS,))["n"]
    assert chunks_counted == len(stores.facts.chunks())  # each report counted once in the BM25 statistics


def test_processes_opening_a_new_postgresql_database_at_once_all_start():
    """Ingest workers starting together on an empty database: one creates the schema, none fails
    (CREATE EXTENSION / TABLE IF NOT EXISTS alone race: seen in CI)."""
    from tests.conftest import new_database
    code = ("import sys; from reportqa.stores.database import PostgresDatabase; "
            "from reportqa.stores.postgres_schema import migrate; PostgresDatabase(sys.argv[1], prepare=migrate)")
    for _round in range(3):
        url = new_database("race")
        procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        errors = [p.communicate(timeout=120)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), [e[-500:] for e in errors if e]
