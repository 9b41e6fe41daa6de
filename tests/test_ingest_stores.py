"""Ingestion into the real stores: offsets, idempotence, replacement, all-or-nothing, bad input."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.pipeline import ingest_file, ingest_paths
from reportqa.stores import Stores
from tests.conftest import SAMPLE, cli_env
from tests.generator import generate_report

REPO = Path(__file__).resolve().parents[1]


def _snapshot(stores: Stores) -> dict:
    """Everything a reader can see: reports, facts, chunks, and the committed vector entries."""
    committed = stores.facts.committed_versions()
    if stores.backend == "postgresql":  # one transaction per report: every row is committed
        visible_vectors = sorted(r["chunk_id"] for r in stores.facts.db.query("SELECT chunk_id FROM chunk_vectors"))
    else:
        got = stores.vectors._collection.get(include=["metadatas"])
        visible_vectors = sorted(i for i, m in zip(got["ids"], got["metadatas"])
                                 if committed.get(m["report_id"]) == m["version"])
    return {
        "reports": sorted((r.report_id, r.version) for r in stores.facts.list_reports()),
        "facts": sorted((f.report_id, f.table, f.row_key, f.column_key, str(f.value)) for f in stores.facts.facts()),
        "chunks": sorted(c.chunk_id for c, _t in stores.facts.chunks()),
        "vectors": visible_vectors,
    }


@pytest.fixture()
def stores(settings_factory, backend):
    return Stores(settings_factory("ingest", backend))


def test_spans_reproduce_stored_text(collection):
    stores, _generated = collection
    for report in stores.facts.list_reports():
        text = stores.facts.report_text(report.report_id)
        for chunk, _tokens in stores.facts.chunks([report.report_id]):
            assert text[chunk.start:chunk.end] == chunk.text
        for fact in stores.facts.facts(report.report_id):
            assert fact.raw.startswith(text[fact.value_start:fact.value_end])
            assert text[fact.start:fact.end]


def test_idempotent_and_replacement(stores, tmp_path):
    path = tmp_path / "绥芬河市2023年报告.txt"
    path.write_bytes(SAMPLE.read_bytes())
    first = ingest_file(stores, path)
    assert first.status == "ingested"
    before = _snapshot(stores)
    assert ingest_file(stores, path).status == "unchanged"
    assert _snapshot(stores) == before
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("行政处罚\t367", "行政处罚\t368"), encoding="utf-8")
    second = ingest_file(stores, path)
    assert second.status == "replaced" and second.report_id == first.report_id
    after = _snapshot(stores)
    assert len(after["reports"]) == 1 and after["reports"] != before["reports"]
    values = {(f.row_key, f.value) for f in stores.facts.facts(first.report_id, table="20.6")}
    assert ("行政处罚", 368) in values and ("行政处罚", 367) not in values
    assert len(after["vectors"]) == len(after["chunks"]) == first.n_chunks
    assert stores.vectors.count() == first.n_chunks  # old version's vectors removed


@pytest.mark.parametrize("crash_at", ["after_vectors", "after_commit"])
def test_crash_mid_ingest_leaves_stores_as_before_or_after(settings_factory, backend, tmp_path, crash_at):
    settings = settings_factory("crash", backend)
    base = Stores(settings)
    g_old = generate_report(61, body="青山市", year=2023)
    path = g_old.write(tmp_path / "青山市2023年报告.txt")
    ingest_file(base, path)
    before = _snapshot(base)
    g_new = generate_report(62, body="青山市", year=2023)  # same report id, new content
    g_new.write(path)
    env = cli_env(settings, REPORTQA_TEST_CRASH_AT=crash_at)
    proc = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(settings.home), "ingest", "--quiet", str(path)],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 17, proc.stderr[-2000:]
    reopened = Stores(settings)
    after = _snapshot(reopened)
    if crash_at == "after_vectors":
        assert after == before  # not committed: invisible, and leftovers dropped on open
        assert reopened.vectors.count() == len(before["chunks"])
    else:
        assert after["reports"] != before["reports"]  # committed: the new version, complete
        assert len(after["vectors"]) == len(after["chunks"])
        assert reopened.vectors.count() == len(after["chunks"])  # the old version's leftovers dropped


def test_kill_at_random_moments(settings_factory, backend, tmp_path):
    """kill -9 a real ingest of a changed report at several moments: old or new, never a mix."""
    import random
    import time
    settings = settings_factory("kill", backend)
    stores = Stores(settings)
    path = generate_report(71, body="白河区人民政府", year=2023).write(tmp_path / "白河区人民政府2023年报告.txt")
    ingest_file(stores, path)
    old = _snapshot(stores)
    rnd = random.Random(5)
    for i in range(3):
        generate_report(72 + i, body="白河区人民政府", year=2023).write(path)
        proc = subprocess.Popen([sys.executable, "-m", "reportqa", "--home", str(settings.home), "ingest", "--quiet", str(path)],
                                cwd=REPO, env=cli_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(2.0, 9.0))
        proc.kill()
        proc.wait()
        now = _snapshot(Stores(settings))
        assert len(now["reports"]) == 1
        assert len(now["vectors"]) == len(now["chunks"])
        facts_of_version = {f[1:] for f in now["facts"]}
        assert facts_of_version  # a complete report is visible, never an empty or half one
        old = now


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "empty"),
    ("binary.txt", bytes(range(256)) * 40, "binary"),
    ("latin1.txt", "Café crème brûlée, année 2023".encode("latin-1") * 50, "neither UTF-8"),
    ("notes.txt", "今天天气很好，我们去公园散步。".encode("utf-8") * 20, "no recognisable"),
    ("report.exe", b"MZ\x90\x00", "unsupported file type"),
    ("../../evil name;rm -rf.txt", b"", "empty"),
])
def test_bad_input_is_rejected_with_a_clear_error(stores, tmp_path, name, content, reason):
    ingest_file(stores, SAMPLE)
    before = _snapshot(stores)
    path = tmp_path / Path(name).name
    path.write_bytes(content)
    result = ingest_file(stores, path)
    assert result.status == "rejected"
    assert path.name in result.message and reason in result.message
    assert _snapshot(stores) == before


def test_damaged_table_still_ingests_with_findings(stores, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("（七）总计", "（七）总计").replace("(七) 总计\t\t28", "(七) 总计\t\t29")
    path = tmp_path / "绥芬河市2023年.txt"
    path.write_text(text, encoding="utf-8")
    result = ingest_file(stores, path)
    assert result.status == "ingested" and result.n_findings > 0
    rules = {f.rule for f in stores.facts.findings(result.report_id)}
    assert {"applications.balance", "applications.results_total", "applications.row_total"} & rules


def test_folder_goes_on_past_a_bad_file(stores, tmp_path):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-sample.txt").write_bytes(SAMPLE.read_bytes())
    results = ingest_paths(stores, [tmp_path], progress=False)
    assert [r.status for r in results] == ["rejected", "ingested"]


def test_cli_reports_tables_show_audit(collection):
    import json
    stores, _g = collection
    home = str(stores.settings.home)
    run = lambda *a: subprocess.run([sys.executable, "-m", "reportqa", "--home", home, *a], cwd=REPO,
                                    env=cli_env(stores.settings), capture_output=True, text=True, timeout=300)
    listed = json.loads(run("reports", "--json").stdout)
    assert {"绥芬河市-2023", "青山市-2023", "青山市-2022"} <= {r["id"] for r in listed}
    assert all({"id", "body", "year"} <= set(r) for r in listed)
    facts = json.loads(run("tables", "绥芬河市-2023", "--json").stdout)
    text = run("show", "绥芬河市-2023").stdout
    assert text == SAMPLE.read_text(encoding="utf-8")
    cell = next(f for f in facts if f["table"] == "20.6" and f["row"] == "行政处罚")
    assert cell["value"] == 367 and cell["unit"] == "件" and text[cell["start"]:cell["end"]] == "行政处罚\t367"
    assert all({"table", "row", "column", "value", "unit", "start", "end"} <= set(f) for f in facts)
    assert "no findings" in run("audit", "绥芬河市-2023").stdout
    assert run("show", "no-such-report").returncode == 2


def test_a_copy_that_loses_cells_or_text_is_kept_out_unless_replace(stores, tmp_path):
    """A truncated copy or one with a table row missing does not silently replace a good report;
    --replace does, and the replaced version can be listed and restored."""
    from ingest.pipeline import restore_report
    first = ingest_file(stores, SAMPLE)
    good = _snapshot(stores)
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    without_row = tmp_path / "绥芬河市2023年-缺一行.txt"
    without_row.write_text("\n".join(line for line in lines if not line.startswith("行政处罚\t")), encoding="utf-8")
    truncated = tmp_path / "绥芬河市2023年-截断.txt"
    truncated.write_text(SAMPLE.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    for path in (without_row, truncated):
        result = ingest_file(stores, path)
        assert result.status == "kept" and result.report_id == first.report_id and "--replace" in result.message
        assert _snapshot(stores) == good
    replaced = ingest_file(stores, without_row, replace=True)
    assert replaced.status == "replaced"
    assert ("行政处罚", 367) not in {(f.row_key, f.value) for f in stores.facts.facts(first.report_id, table="20.6")}
    history = stores.facts.history(first.report_id)
    assert [h["version"] for h in history] == [good["reports"][0][1]]
    restored = restore_report(stores, first.report_id, history[0]["version"])
    assert restored.status == "replaced"
    assert ("行政处罚", 367) in {(f.row_key, f.value) for f in stores.facts.facts(first.report_id, table="20.6")}
    assert _snapshot(stores)["facts"] == good["facts"]
    assert stores.vectors.count() == len(_snapshot(stores)["chunks"])  # replaced versions' vectors removed


def test_cli_history_restore_and_file_names_that_look_like_options(settings_factory, backend, tmp_path):
    settings = settings_factory("cli-names", backend)
    env = cli_env(settings, REPORTQA_HOME=str(settings.home))
    dashed = tmp_path / "-绥芬河市2023年.txt"
    dashed.write_bytes(SAMPLE.read_bytes())
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/\xb1\xa8\xb8\xe6\nline.txt"))  # GBK bytes, a newline
    odd.write_bytes(SAMPLE.read_bytes().replace("绥芬河市".encode(), "黑河市".encode()))

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "reportqa", "ingest", "--quiet", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
    done = cli(dashed.name, os.fsdecode(os.path.basename(os.fsencode(str(odd)))))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "绥芬河市-2023" in done.stdout and "黑河市-2023" in done.stdout
    assert "\\xb1" in done.stdout and "\\n" in done.stdout  # the odd name shown escaped, on one line
    cut = tmp_path / "cut.txt"
    cut.write_text(SAMPLE.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    kept = cli(str(cut))
    assert kept.returncode == 1 and "kept" in kept.stderr and "--replace" in kept.stderr
    assert cli("--replace", str(cut)).returncode == 0
    history = subprocess.run([sys.executable, "-m", "reportqa", "history", "绥芬河市-2023"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=120)
    version = next(line.split()[1] for line in history.stdout.splitlines() if line.startswith("replaced"))
    restore = subprocess.run([sys.executable, "-m", "reportqa", "restore", "绥芬河市-2023", version], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=300)
    assert restore.returncode == 0, restore.stderr[-2000:]
    assert Stores(settings).facts.get_report("绥芬河市-2023").n_facts == 222
