"""An embedded store of 100,000 chunks (2,000 reports of 50 chunks, synthetic vectors; what is tested
is the store's bookkeeping and statement sizes, not similarity), then the real work on it: a real
report ingested with the real model, numeric and narrative questions, a report deleted, and
`reportqa serve` started. Nothing may fail for the size of the collection (SQLite's variable limit
bricked every store past ~32,000 chunks once); figures are printed, not asserted (bench/)."""
from __future__ import annotations

import time

import numpy as np
import pytest

from ingest.pipeline import ingest_file
from reportqa.stores import Stores
from reportqa.types import Chunk, ParsedReport, ReportMeta
from tests.conftest import SAMPLE
from tests.web_server import _serve

pytestmark = pytest.mark.integration

N_REPORTS, PER_REPORT = 2_000, 50
WORDS = "主动公开 依申请公开 政务新媒体 行政复议 行政诉讼 政府网站 信息发布 政策解读 培训 考核 平台 专栏".split()


def _synthetic(i: int) -> ParsedReport:
    rid = f"合成市{i:04d}区-2020"
    text = "".join(f"{WORDS[(i + k) % len(WORDS)]}工作第{k}项。" for k in range(PER_REPORT))
    chunks, pos = [], 0
    for k in range(PER_REPORT):
        piece = f"{WORDS[(i + k) % len(WORDS)]}工作第{k}项。"
        chunks.append(Chunk(f"{rid}#{k}", rid, "一、总体情况", pos, pos + len(piece), piece, "text"))
        pos += len(piece)
    meta = ReportMeta(f"合成市{i:04d}区", 2020, None, None, "2021", f"合成市{i:04d}区", "人民政府")
    return ParsedReport(rid, f"v{i}", f"synthetic/{i}.txt", "txt", "utf-8", text, meta, (), [], chunks, [], [])


@pytest.fixture(scope="module")
def big_store(settings_factory):
    settings = settings_factory("scale-100k")
    stores = Stores(settings)
    dim = stores.embedder.dimension
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    reports = [_synthetic(i) for i in range(N_REPORTS)]
    batch: list[Chunk] = []
    for report in reports:
        stores.facts.commit_report(report, {c.chunk_id: " ".join(c.text) for c in report.chunks})
        batch += [Chunk(c.chunk_id, c.report_id, c.section, c.start, c.end, c.text, c.kind) for c in report.chunks]
    versions = {r.report_id: r.version for r in reports}
    for i in range(0, len(batch), 5000):
        part = batch[i:i + 5000]
        vectors = rng.random((len(part), dim), dtype=np.float32)
        for version in {versions[c.report_id] for c in part}:
            same = [j for j, c in enumerate(part) if versions[c.report_id] == version]
            stores.vectors.add([part[j] for j in same], vectors[same], version)
    print(f"\nbuilt {len(batch)} chunks in {time.perf_counter() - t0:.0f} s")
    return settings


def test_a_store_of_100000_chunks_keeps_working(big_store):
    from retrieval.pipeline import QuestionAnswerer
    t0 = time.perf_counter()
    stores = Stores(big_store)  # a fresh process's view: opening must not read the whole collection at once
    assert stores.vectors.count() >= N_REPORTS * PER_REPORT
    print(f"open: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    assert ingest_file(stores, SAMPLE).status == "ingested"
    print(f"ingest the sample: {time.perf_counter() - t0:.1f} s")
    qa = QuestionAnswerer(stores)
    t0 = time.perf_counter()
    numeric = qa.ask("绥芬河市2023年行政处罚本年处理决定数量是多少？")
    assert numeric.route == "table" and numeric.value == 367
    narrative = qa.ask("绥芬河市2023年存在的主要问题是什么？")
    assert narrative.route == "text" and narrative.reports == ["绥芬河市-2023"]
    unscoped = qa.ask("政务新媒体工作有哪些？")  # every report of the collection in scope
    assert unscoped.route in ("text", "none")
    print(f"three questions: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    assert stores.delete_report("合成市0007区-2020")
    assert stores.facts.get_report("合成市0007区-2020") is None
    assert stores.vectors.count() == N_REPORTS * PER_REPORT - PER_REPORT + stores.facts.get_report("绥芬河市-2023").n_chunks
    print(f"delete: {time.perf_counter() - t0:.1f} s")


def test_the_server_starts_on_it(big_store):
    from gradio_client import Client
    for server in _serve(big_store.home):
        got = Client(server.url, verbose=False).predict("合成市0042区2020年政策解读工作怎样？", api_name="/ask")
        assert got["reports"] == ["合成市0042区-2020"], got
