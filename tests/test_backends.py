"""The embedding backends (torch, onnx, onnx-int8) with the real model, real Chroma and SQLite:
ONNX vectors close to torch's, the ONNX export made once (also by two processes at once), a store
that never mixes vectors of two backends, the same answers, and `ingest --workers`."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reportqa.config import Settings
from reportqa.embedding import default_model_dir, get_embedder
from reportqa.onnx_export import FP32_FILE, INT8_FILE, onnx_dir
from reportqa.stores import Stores
from tests.conftest import REPO, SAMPLE
from tests.test_embedding import TEXTS

pytestmark = pytest.mark.integration

CORPUS = REPO / "tests" / "realcorpus" / "reports"
FILES = ["a002.txt", "a003.txt", "a005.txt", "a012.txt"]


def _settings(home: Path, backend: str) -> Settings:
    return Settings(home=home, embedding_backend=backend)


@pytest.fixture(scope="module")
def embedders(tmp_path_factory):
    home = tmp_path_factory.mktemp("backends")
    return {b: get_embedder(_settings(home, b)) for b in ("torch", "onnx", "onnx-int8")}


def test_onnx_vectors_are_close_to_torch(embedders):
    torch, fp32, int8 = (embedders[b].embed_passages(TEXTS) for b in ("torch", "onnx", "onnx-int8"))
    assert fp32.shape == int8.shape == (len(TEXTS), 384) and int8.dtype == np.float32
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    assert (fp32 * torch).sum(axis=1).min() > 0.9999
    cos = (int8 * torch).sum(axis=1)
    assert cos.mean() > 0.993 and cos.min() > 0.985, cos.round(4)
    for text in TEXTS[:4]:
        assert float(embedders["onnx-int8"].embed_query(text) @ embedders["torch"].embed_query(text)) > 0.99
    assert embedders["onnx-int8"].embed_passages([]).shape == (0, 384)


def test_vector_keys_name_model_and_backend(embedders, tmp_path):
    assert {e.vector_key for e in embedders.values()} == {
        "multilingual-e5-small+torch", "multilingual-e5-small+onnx", "multilingual-e5-small+onnx-int8"}
    for backend, embedder in embedders.items():  # known without loading the model
        assert Stores(_settings(tmp_path / backend, backend)).embedder_name() == embedder.vector_key


def test_a_single_question_runs_on_one_thread(tmp_path):
    from reportqa.onnx_embedding import OnnxEmbedder
    models = Settings(home=tmp_path).models_dir
    embedder = OnnxEmbedder(default_model_dir(models), models, quantized=False, threads=2)
    embedder.embed_query("绥芬河市存在的主要问题是什么？")
    assert embedder._session().get_session_options().intra_op_num_threads == 1
    assert embedder._pool is None  # no second thread for one question
    embedder.embed_passages(TEXTS)
    assert embedder._pool is not None and embedder._pool._max_workers == 2


def test_an_int8_vector_does_not_depend_on_its_batch(embedders):
    """Dynamic quantisation scales a whole batch's activations together: int8 embeds one text per run,
    so a text's vector is the same alone, among others, and as a question would be computed."""
    int8 = embedders["onnx-int8"]
    together = int8.embed_passages(TEXTS)
    alone = np.stack([int8.embed_passages([t])[0] for t in TEXTS[:5]])
    assert np.array_equal(together[:5], alone)


_CONVERT = """
import logging, sys
logging.basicConfig(level=logging.WARNING, format="%(message)s")
from reportqa.embedding import get_embedder
from reportqa.config import Settings
e = get_embedder(Settings(home=sys.argv[1], embedding_backend="onnx-int8"))
print(e.path, float(e.embed_query("政府信息公开") @ e.embed_query("政府信息公开")))
"""


def test_the_export_happens_once_even_for_two_processes_at_once(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "multilingual-e5-small").symlink_to(default_model_dir(Settings(home=tmp_path).models_dir))
    env = {**os.environ, "REPORTQA_MODELS_DIR": str(models), "PYTHONPATH": str(REPO)}

    def start():
        return subprocess.Popen([sys.executable, "-c", _CONVERT, str(tmp_path / "home")], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first, second = start(), start()
    logs = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == second.returncode == 0, logs
    stderr = "".join(err for _out, err in logs)
    assert stderr.count("exporting multilingual-e5-small to ONNX") == 1, stderr
    assert stderr.count("quantising multilingual-e5-small to int8") == 1, stderr
    folder = onnx_dir(models / "multilingual-e5-small", models)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted([
        FP32_FILE, INT8_FILE, "reportqa_onnx.json"])
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = start()  # a second start converts nothing
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0 and "exporting" not in err and "quantising" not in err, err
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    assert json.loads((folder / "reportqa_onnx.json").read_text())[INT8_FILE]["exporter_version"] >= 1


def _chunk_vectors(stores: Stores) -> dict[str, np.ndarray]:
    got = stores.vectors._collection.get(include=["embeddings"])
    return dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))


def _collections(home: Path) -> set[str]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    client = chromadb.PersistentClient(path=str(home / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    return {getattr(c, "name", c) for c in client.list_collections()}


def test_a_backend_switch_re_embeds_and_never_mixes(tmp_path, embedders):
    from ingest.pipeline import embedding_text, ingest_paths
    from retrieval.pipeline import QuestionAnswerer

    home = tmp_path / "home"
    int8 = Stores(_settings(home, "onnx-int8"))
    assert [r.status for r in ingest_paths(int8, [SAMPLE, CORPUS / FILES[0]], progress=False)] == ["ingested"] * 2
    chunks = {c.chunk_id: c for c, _t in int8.facts.chunks()}
    before = _chunk_vectors(int8)
    assert set(before) == set(chunks) and int8.facts.vector_space() == "multilingual-e5-small+onnx-int8"
    question = "绥芬河市存在的主要问题是什么？"
    int8_answer = QuestionAnswerer(int8).ask(question)

    torch = Stores(_settings(home, "torch"))
    assert torch.delete_report("no-such-report") is False and "embedder" not in torch.__dict__  # no model loaded
    torch_answer = QuestionAnswerer(torch).ask(question)  # the first use of the model re-embeds, once
    assert torch.facts.vector_space() == "multilingual-e5-small+torch"
    assert _collections(home) == {"chunks-multilingual-e5-small-torch"}  # the int8 vectors are gone
    after = _chunk_vectors(torch)
    assert set(after) == set(chunks)
    ids = sorted(chunks)
    expected = embedders["torch"].embed_passages([embedding_text(chunks[i]) for i in ids])
    assert (np.stack([after[i] for i in ids]) * expected).sum(axis=1).min() > 0.9999  # torch's own vectors
    assert torch_answer.route == int8_answer.route == "text"
    assert [c.quote for c in torch_answer.citations] == [c.quote for c in int8_answer.citations]

    back = Stores(_settings(home, "onnx-int8"))  # switching back reads the vector cache: the same vectors
    back.embedder
    assert back.facts.vector_space() == "multilingual-e5-small+onnx-int8"
    restored = _chunk_vectors(back)
    assert all(np.array_equal(restored[i], before[i]) for i in chunks)
    assert _collections(home) == {"chunks-multilingual-e5-small-onnx-int8"}


def test_a_writer_refuses_when_another_process_switched_the_store(tmp_path, monkeypatch):
    """Another process re-embeds the store with torch after this writer embedded its report and before it
    takes the writer lock: the writer notices under the lock and writes nothing."""
    from ingest.pipeline import ingest_paths
    stores = Stores(_settings(tmp_path, "onnx-int8"))
    ingest_paths(stores, [CORPUS / FILES[1]], progress=False)
    remove_leftovers = stores.remove_leftovers

    def switched_meanwhile():
        stores.facts.set_vector_space("multilingual-e5-small+torch")  # as the other process would
        return remove_leftovers()
    monkeypatch.setattr(stores, "remove_leftovers", switched_meanwhile)
    [result] = ingest_paths(stores, [CORPUS / FILES[2]], progress=False)
    assert result.status == "rejected" and "REPORTQA_EMBEDDING_BACKEND" in result.message, result
    assert stores.facts.report_version(result.report_id) is None
    assert stores.facts.pending_vectors() == []


def test_a_legacy_store_of_torch_vectors_is_re_embedded(tmp_path):
    """A store made before backends were recorded: torch vectors in the collection named after the model."""
    from ingest.pipeline import ingest_paths
    old = Stores(_settings(tmp_path, "torch"))
    ingest_paths(old, [CORPUS / FILES[1]], progress=False)
    old.vectors._client.get_collection("chunks-multilingual-e5-small-torch").modify(name="chunks-multilingual-e5-small")
    with old.facts.db.transaction() as tx:
        tx.execute("DELETE FROM store_settings")
    new = Stores(_settings(tmp_path, "onnx-int8"))
    new.embedder
    assert _collections(tmp_path) == {"chunks-multilingual-e5-small-onnx-int8"}
    assert new.vectors.count() == len(new.facts.chunks())


@pytest.mark.parametrize("question", [
    "绥芬河市为方便老年人获取政府信息做了什么？", "绥芬河市如何防止公开的信息泄露秘密？",
    "绥芬河市今后打算怎样改进政策解读？", "绥芬河市2023年收到多少政府信息公开申请？",
])
def test_answers_are_the_same_on_every_backend(tmp_path_factory, question):
    from ingest.pipeline import ingest_paths
    from retrieval.answer import answer_to_dict
    from retrieval.pipeline import QuestionAnswerer
    answers = []
    for backend in ("torch", "onnx", "onnx-int8"):
        home = tmp_path_factory.getbasetemp() / f"same-answers-{backend}"
        stores = Stores(_settings(home, backend))
        ingest_paths(stores, [SAMPLE], progress=False)
        answers.append(answer_to_dict(QuestionAnswerer(stores).ask(question)))
    assert answers[0] == answers[1] == answers[2]


def test_ingest_workers_ingest_each_file_once_with_one_progress_bar(tmp_path):
    paths = [str(CORPUS / name) for name in FILES] + [str(SAMPLE)]
    run = subprocess.run([sys.executable, "-m", "reportqa", "--home", str(tmp_path), "ingest", "--workers", "2",
                          *paths], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [line.split() for line in run.stdout.splitlines()]
    assert [line[0] for line in lines] == ["ingested"] * len(paths)
    assert [line[-1] for line in lines] == [str(Path(p)) for p in paths]  # in the files' order
    counts = re.findall(r"\| *(\d+)/(\d+) \[", run.stderr)  # one bar for the whole run, up to 5/5
    assert counts and {total for _done, total in counts} == {"5"} and ("5", "5") in counts, run.stderr[-2000:]
    stores = Stores(_settings(tmp_path, Settings.from_env().backend))
    assert len(stores.facts.list_reports()) == len(paths)
    assert stores.vectors.count() == len(stores.facts.chunks())


def test_a_model_the_onnx_backends_cannot_run_says_to_use_torch(tmp_path):
    from reportqa.onnx_export import UnsupportedModelError
    bundled = default_model_dir(Settings(home=tmp_path).models_dir)
    user = tmp_path / "my-model"
    user.mkdir()
    for entry in bundled.iterdir():
        if entry.name != "modules.json":
            (user / entry.name).symlink_to(entry)
    modules = json.loads((bundled / "modules.json").read_text())
    (user / "modules.json").write_text(json.dumps(modules + [{"idx": 3, "name": "3", "path": "3_Dense",
                                                              "type": "sentence_transformers.models.Dense"}]))
    with pytest.raises(UnsupportedModelError, match="REPORTQA_EMBEDDING_BACKEND=torch"):
        get_embedder(Settings(home=tmp_path, embedding_model=str(user), embedding_backend="onnx"))
