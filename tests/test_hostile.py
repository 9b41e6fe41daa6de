"""A folder of hostile and damaged files (tests/hostile.py: every kind issue 15 lists) ingested in
one run into a store that holds the sample, with the real model and stores: nothing crashes or
hangs, every file gets a status and every rejection a reason naming it, the parser's memory stays
bounded, nothing stored is replaced or lost, and the store answers afterwards."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.pipeline import ingest_file, ingest_paths
from reportqa.stores import Stores
from tests.conftest import SAMPLE
from tests.hostile import make_set

pytestmark = pytest.mark.integration

# kinds that must never be stored, and the reason each must give
REJECTED = {
    "long_line": "line of", "binary_garbage": "", "empty_file": "empty", "deep_html": "nested",
    "docx_bomb": "unpacks to", "zip_of_many": "entries", "blank_pdf": "pages need OCR",
    "encrypted_pdf": "encrypted", "truncated_pdf": "",
}
# damaged copies of the stored sample: kept as stored, not silently replaced
KEPT = {"truncated_copy", "row_missing_copy"}


@pytest.fixture(scope="module")
def run(settings_factory, tmp_path_factory):
    stores = Stores(settings_factory("hostile"))
    assert ingest_file(stores, SAMPLE).status == "ingested"
    before = sorted((f.table, f.row_key, f.column_key, str(f.value)) for f in stores.facts.facts("绥芬河市-2023"))
    made = make_set(tmp_path_factory.mktemp("hostile-files"))
    kinds = {os.fsencode(str(p)): kind for kind, p in made}
    results = ingest_paths(stores, [p.parent for _k, p in made[:1]], progress=False)
    return stores, before, kinds, results


def test_every_file_gets_a_status_and_no_run_stops(run):
    _stores, _before, kinds, results = run
    assert sorted(os.fsencode(r.path) for r in results) == sorted(kinds)
    assert {r.status for r in results} <= {"ingested", "unchanged", "replaced", "rejected", "kept"}
    stopped = [r.message for r in results if "took longer" in r.message or "stopped unexpectedly" in r.message]
    assert stopped == []  # every file was read or refused by its own checks: none hung, none crashed the parser


def test_rejections_name_the_file_and_the_reason(run):
    _stores, _before, kinds, results = run
    for r in results:
        kind = kinds[os.fsencode(r.path)]
        if kind in REJECTED:
            assert r.status == "rejected", (kind, r)
            assert Path(r.path).name in r.message and REJECTED[kind] in r.message, (kind, r.message)
        if r.status == "rejected":
            assert Path(r.path).name in r.message and ": " in r.message


def test_damaged_copies_do_not_replace_the_stored_report(run):
    stores, before, kinds, results = run
    for r in results:
        if kinds[os.fsencode(r.path)] in KEPT:
            assert r.status == "kept" and "--replace" in r.message, r
    after = sorted((f.table, f.row_key, f.column_key, str(f.value)) for f in stores.facts.facts("绥芬河市-2023"))
    assert after == before


def test_hostile_names_are_stored_under_the_body_not_the_name(run):
    stores, _before, kinds, results = run
    named = [r for r in results if kinds[os.fsencode(r.path)] == "hostile_names"]
    assert named and all(r.status in ("ingested", "unchanged") and r.report_id == "黑河市-2023" for r in named)


def test_parser_memory_stays_bounded(run):
    # the parser is a child process with an address-space ceiling; its peak resident size says what it used
    from ingest.isolation import shared_parser
    peak = shared_parser().peak_memory_mb()
    assert peak is not None and 50 < peak < 2048, peak
    # every worker of the run, those replaced on the way too (RUSAGE_CHILDREN would count other tests' children)
    assert shared_parser().largest_peak_mb() < 2048, shared_parser().largest_peak_mb()


def test_the_store_answers_afterwards(run):
    from retrieval.pipeline import QuestionAnswerer
    stores, _before, _kinds, _results = run
    qa = QuestionAnswerer(Stores(stores.settings))
    numeric = qa.ask("绥芬河市2023年行政处罚本年处理决定数量是多少？")
    assert numeric.route == "table" and numeric.value == 367
    narrative = qa.ask("绥芬河市2023年存在的主要问题是什么？")
    assert narrative.route == "text" and narrative.citations
