"""The same answers, byte for byte, from the embedded store and from PostgreSQL, each ingesting the
same files itself: the sample, the three real PDFs and generated reports, and the sample's questions."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, SHARED

pytestmark = pytest.mark.integration
QUESTIONS = Path(__file__).resolve().parent / "eval" / "sample_questions.jsonl"
MORE = ["洪泽区2024年行政复议总计多少件？", "淮安市2024年行政复议其他结果多少件？", "洪泽区2023年和2024年存在的主要问题有什么不同？",
        "淮安市2024年主动公开了哪些重点领域信息？", "青山市2022年到2023年收到的申请增加了多少？", "哪个机关2023年收到的申请最多？",
        "2023年各机关行政诉讼总计是多少？", "洪泽区去年的行政处罚是多少？"]


def test_both_backends_answer_alike(settings_factory, tmp_path_factory):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores
    from retrieval.answer import answer_to_dict
    from retrieval.pipeline import QuestionAnswerer
    from tests.generator import generate_report

    folder = tmp_path_factory.mktemp("agree")
    for seed, year in ((201, 2022), (202, 2023)):
        generate_report(seed, body="青山市", year=year).write(folder / f"青山市{year}.txt")
    files = [SAMPLE, SHARED / "real-reports", folder]
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]
    questions += MORE
    answers = {}
    for backend in ("embedded", "postgresql"):
        stores = Stores(settings_factory(f"agree-{backend}", backend))
        results = ingest_paths(stores, files, progress=False)
        assert sum(r.status == "ingested" for r in results) >= 6, results
        qa = QuestionAnswerer(stores)
        answers[backend] = [json.dumps(answer_to_dict(qa.ask(q)), ensure_ascii=False, sort_keys=True) for q in questions]
    differ = [(q, a, b) for q, a, b in zip(questions, answers["embedded"], answers["postgresql"]) if a != b]
    assert not differ, differ[:2]
    assert sum('"route": "none"' not in a for a in answers["postgresql"]) > len(questions) // 2  # mostly answered
