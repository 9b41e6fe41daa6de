"""End-to-end evaluation: hand-written questions about the sample report and generated questions
(tests/eval/build_generated.py) about synthetic reports, answered over one collection of all of them.

    pytest -s tests/test_eval.py      # -s shows the summaries and every failure
"""
from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from app.evaluate import KINDS, load_questions, run_eval
from tests.eval.build_generated import build

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "suifenhe-2023.txt"
SAMPLE_QUESTIONS = REPO / "tests" / "eval" / "sample_questions.jsonl"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------- the question files themselves (no model)

def test_sample_questions_are_well_formed_and_grounded():
    items = load_questions(SAMPLE_QUESTIONS)
    assert len(items) >= 80
    assert {i["kind"] for i in items} == set(KINDS)
    assert len({i["question"] for i in items}) == len(items), "duplicate questions"
    raw = unicodedata.normalize("NFKC", SAMPLE.read_text(encoding="utf-8"))
    text = _flat(raw)
    for item in items:
        if item["kind"] == "narrative":
            phrases = item["answer"] if isinstance(item["answer"], list) else [item["answer"]]
            assert any(_flat(p) in text for p in phrases), item
            assert not any(_flat(p) in _flat(item["question"]) for p in phrases), f"not paraphrased: {item}"
        elif item["kind"] == "numeric":
            assert isinstance(item["answer"], (int, Decimal)), item
            assert re.search(rf"(?<![\d.]){re.escape(str(item['answer']))}(?![\d])", raw), item
        else:
            assert item["answer"] == "UNANSWERABLE"


def test_generated_questions_are_grounded(tmp_path):
    questions = build(tmp_path / "reports", tmp_path / "q.jsonl")
    items = load_questions(questions)
    texts = _flat("".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").glob("*.txt")))
    assert sum(i["kind"] == "numeric" for i in items) >= 60
    assert sum(i["kind"] == "narrative" for i in items) >= 4
    for item in items:
        if item["kind"] == "narrative":
            assert _flat(item["answer"]) in texts, item
    # deterministic: the same file twice
    again = build(tmp_path / "reports2", tmp_path / "q2.jsonl")
    assert questions.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the product, end to end

@pytest.fixture(scope="module")
def evaluated(settings_factory, tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    folder = tmp_path_factory.mktemp("eval-reports")
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    generated_questions = build(folder, tmp_path_factory.mktemp("eval-questions") / "generated.jsonl")
    stores = Stores(settings_factory("eval-home"))
    results = ingest_paths(stores, [folder], progress=False)
    assert results and all(r.status in ("ingested", "unchanged") for r in results), results
    reports = {"sample": run_eval(stores, SAMPLE_QUESTIONS), "generated": run_eval(stores, generated_questions)}
    for name, report in reports.items():
        print(f"\n===== {name} questions =====\n{report.summary()}")
    return reports


@pytest.mark.integration
def test_sample_numeric_all_exact(evaluated):
    report = evaluated["sample"]
    wrong = [(r.question, r.expected, r.answer) for r in report.of("numeric") if not r.correct]
    assert report.accuracy("numeric") == 1.0, json.dumps(wrong, ensure_ascii=False, default=str, indent=1)


@pytest.mark.integration
def test_citations_quote_the_text_exactly(evaluated):
    for name, report in evaluated.items():
        assert report.citation_validity() == 1.0, name


@pytest.mark.integration
def test_sample_narrative_and_refusals(evaluated):
    report = evaluated["sample"]
    assert report.accuracy("narrative") >= 0.7
    assert report.accuracy("unanswerable") >= 0.7


@pytest.mark.integration
def test_generated_numeric(evaluated):
    assert evaluated["generated"].accuracy("numeric") >= 0.9
