"""Retrieval quality per embedding backend: hit@1 / hit@5 of the passage holding the answer.

Run: python bench/bench_retrieval.py [--backends torch,onnx,onnx-int8] [--home DIR] [--holdouts]
                                     [--model-dir DIR] [--json]

For each backend, the real development corpus (tests/realcorpus/reports + files) and the sample
report are ingested into a home of that backend (DIR/<backend>; kept with --home, so a second run
skips the ingest). Questions:
- dev corpus (tests/realcorpus/questions.jsonl): the narrative questions and the numeric ones whose
  evidence lies in narrative text (subkind narrative-number); --holdouts adds the three held-out sets;
- sample (tests/eval/sample_questions.jsonl): the narrative questions, on the sample report.
A passage holds the answer when its text contains the question's evidence, or (narrative
questions) the answer phrase, white space removed. Each question is searched as the passages
route does (retrieval.routes.passages.search_query, then retrieval.hybrid.search_passages
restricted to the question's report, 8 passages): hit@k = a passage holding the answer among the
first k. "dense" is the same over the dense side alone (the vector index, top 5), which shows the
backends' differences before BM25 and fusion. "holdable" counts questions where some chunk of the
report holds the answer at all. --json writes bench/results/retrieval.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path

from _common import ROOT, SAMPLE, model_folder, settings_for, table, temp_dir, write_json

CORPUS = ROOT / "tests" / "realcorpus"
SETS = {"dev": [CORPUS / "questions.jsonl"],
        "holdouts": [CORPUS / f"holdout{s}" / "questions.jsonl" for s in ("", "2", "3")]}
SAMPLE_QUESTIONS = ROOT / "tests" / "eval" / "sample_questions.jsonl"
_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _WS.sub("", text)


def questions(holdouts: bool) -> dict[str, list[dict]]:
    out = {}
    for name in ["dev"] + (["holdouts"] if holdouts else []):
        items = []
        for path in SETS[name]:
            for line in path.read_text(encoding="utf-8").splitlines():
                q = json.loads(line)
                if q["kind"] == "narrative" or q.get("subkind") == "narrative-number":
                    items.append({**q, "file": str((path.parent / q["report"]).relative_to(ROOT))})
        out[name] = items
    sample = [json.loads(line) for line in SAMPLE_QUESTIONS.read_text(encoding="utf-8").splitlines()]
    out["sample"] = [{**q, "file": str(SAMPLE.relative_to(ROOT))} for q in sample if q["kind"] == "narrative"]
    return out


def ingest(home: Path, folder: Path, backend: str, holdouts: bool):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    stores = Stores(settings_for(home, folder, backend))
    paths = [CORPUS / "reports", CORPUS / "files", SAMPLE]
    if holdouts:
        paths += [CORPUS / f"holdout{s}" / "reports" for s in ("", "2", "3")]
    start = time.perf_counter()
    results = ingest_paths(stores, paths, progress=True)
    return stores, time.perf_counter() - start, sum(r.status == "rejected" for r in results)


def _holds(text: str, q: dict) -> bool:
    text = _squash(text)
    needles = [_squash(q.get("evidence") or "")]
    if q["kind"] == "narrative":
        needles.append(_squash(str(q["answer"])))
    return any(n and n in text for n in needles)


def score(stores, items: list[dict]) -> dict:
    from retrieval.hybrid import search_passages
    from retrieval.routes.passages import search_query

    by_file = {r.source_path: r for r in stores.facts.list_reports()}
    hits = {"hit1": 0, "hit5": 0, "dense1": 0, "dense5": 0, "holdable": 0, "n": 0, "missing": 0}
    for q in items:
        report = next((r for path, r in by_file.items() if path.endswith(q["file"])), None)
        if report is None:
            hits["missing"] += 1
            continue
        hits["n"] += 1
        chunks = [c for c, _t in stores.facts.chunks([report.report_id])]
        hits["holdable"] += any(_holds(c.text, q) for c in chunks)
        passages = search_passages(stores, search_query(q["question"], [report]), [report.report_id], per_report=8)
        ranked = [p.chunk.text for p in passages]
        hits["hit1"] += any(_holds(t, q) for t in ranked[:1])
        hits["hit5"] += any(_holds(t, q) for t in ranked[:5])
        dense = stores.vectors.search(stores.embedder.embed_query(search_query(q["question"], [report])), k=5,
                                      report_ids=[report.report_id])
        texts = stores.facts.chunks_by_id([cid for cid, _s in dense])
        dense_texts = [texts[cid].text for cid, _s in dense if cid in texts]
        hits["dense1"] += any(_holds(t, q) for t in dense_texts[:1])
        hits["dense5"] += any(_holds(t, q) for t in dense_texts[:5])
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--home", default=None, help="base folder of the per-backend homes (kept, reused)")
    parser.add_argument("--holdouts", action="store_true", help="also the three held-out sets")
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--json", action="store_true", help="also write bench/results/retrieval.json")
    args = parser.parse_args()

    folder = model_folder(args.model_dir)
    sets = questions(args.holdouts)
    print("questions: " + ", ".join(f"{name} {len(items)}" for name, items in sets.items())
          + f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    figures, rows = {}, []
    with temp_dir("bench-retrieval-", keep=bool(args.home)) as tmp:
        base = Path(args.home) if args.home else tmp
        for backend in args.backends.split(","):
            stores, took, rejected = ingest(base / backend, folder, backend, args.holdouts)
            print(f"[{backend}] ingested in {took:.0f} s ({rejected} rejected)")
            for name, items in sets.items():
                h = score(stores, items)
                figures[(backend, name)] = h
                n = max(1, h["n"])
                rows.append([backend, name, h["n"], h["holdable"], f"{100 * h['hit1'] / n:.1f}",
                             f"{100 * h['hit5'] / n:.1f}", f"{100 * h['dense1'] / n:.1f}",
                             f"{100 * h['dense5'] / n:.1f}"])
    print()
    print(table(rows, ["backend", "questions", "n", "holdable", "hit@1 %", "hit@5 %", "dense@1 %", "dense@5 %"]))
    if "torch" in args.backends.split(","):
        print()
        for (backend, name), h in figures.items():
            t = figures[("torch", name)]
            d1 = 100 * (h["hit1"] - t["hit1"]) / max(1, h["n"])
            d5 = 100 * (h["hit5"] - t["hit5"]) / max(1, h["n"])
            verdict = "PASS" if d1 >= -1 and d5 >= -1 else "FAIL"
            print(f"{backend:9} {name:8} hit@1 {d1:+.1f} points, hit@5 {d5:+.1f} points against torch  {verdict}")
    if args.json:
        path = write_json("retrieval.json", {f"{b}/{n}": h for (b, n), h in figures.items()})
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
