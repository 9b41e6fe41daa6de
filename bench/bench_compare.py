"""Latency of `compare` (two years of one body, side by side) and of rankings/totals over 200 reports.

Run: python bench/bench_compare.py [--size 200] [--pairs 10] [--home DIR] [--seed 0] [--model-dir DIR]
                                   [--repeat 5] [--json]

The collection is the sample (data/suifenhe-2023.txt), `--pairs` generated year pairs
(tests.generator.generate_year_pair) and generated reports up to `--size` in all
(generate_collection), plus the real Hongze pair when ../shared/real-reports has it. Timed, with
the model loaded and jieba warm:
- compare: retrieval.compare.compare_reports over every pair, all six sections and section 五 only
  (what `reportqa compare BODY [--section 五]` does after opening the stores);
- ranking / total: QuestionAnswerer.ask of cross-body questions (one SQL query over the facts
  table, then a citation per figure), and the SQL step alone (retrieval.crossyear.across_reports);
- year over year: QuestionAnswerer.ask of "和上年相比…变化了多少" for the generated pairs.
`--json` writes bench/results/compare.json.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import ROOT, SAMPLE, load_embedder, model_folder, percentile, settings_for, table, warm_libraries, \
    write_generated, write_json

REAL = ROOT.parent / "shared" / "real-reports"
ACROSS = [
    "哪个部门收到的政府信息公开申请最多？",
    "{year}年哪个部门收到的政府信息公开申请最多？",
    "各区县行政复议总数排名",
    "所有报告合计予以公开多少件？",
    "行政处罚决定数量最少的是哪个部门？",
]


def build(home: Path, size: int, n_pairs: int, seed: int, folder: Path):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores
    from tests.generator import generate_year_pair

    src = home / "reports"
    if src.exists():
        shutil.rmtree(src)  # regenerated identically: stored versions stay valid
    src.mkdir(parents=True)
    files = [Path(shutil.copy(SAMPLE, src / SAMPLE.name))]
    pairs = []
    for i in range(n_pairs):
        prev, cur, truth = generate_year_pair(seed + i, f"比较{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}县")
        files += [prev.write(src), cur.write(src)]
        pairs.append((f"{prev.body}-{prev.year}", f"{cur.body}-{cur.year}", prev.body))
    for name in ("hongze-2023.pdf", "hongze-2024.pdf"):
        if (REAL / name).exists():
            files.append(Path(shutil.copy(REAL / name, src / name)))
    files += write_generated(src / "generated", max(0, size - len(files)), seed)
    stores = Stores(settings_for(home, folder))
    print(f"ingesting {len(files)} reports into {home} ...", flush=True)
    t = time.perf_counter()
    results = ingest_paths(stores, files, progress=True)
    print(f"ingest {time.perf_counter() - t:.1f} s; rejected: {sum(r.status == 'rejected' for r in results)}", flush=True)
    return pairs


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t))
    return out


def stats(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "mean": statistics.fmean(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--home", default=None, help="folder for the collection (kept, reused on the next run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from reportqa.stores import Stores
    from retrieval.compare import compare_reports
    from retrieval.crossyear import across_reports
    from retrieval.lexicon import match_cells
    from retrieval.pipeline import QuestionAnswerer

    folder = model_folder(args.model_dir)
    embedder, load_s = load_embedder(folder)
    warm_libraries()
    print(f"model {embedder.name}, loaded+warmed in {load_s:.1f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    home = Path(args.home).expanduser() if args.home else Path(tempfile.mkdtemp(prefix="bench-compare-"))
    try:
        pairs = build(home, args.size, args.pairs, args.seed, folder)
        stores = Stores(settings_for(home, folder))
        reports = stores.facts.list_reports()
        ids = {r.report_id for r in reports}
        if {"洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024"} <= ids:
            pairs.append(("洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024", "洪泽区"))
        pairs = [p for p in pairs if p[0] in ids and p[1] in ids]
        qa = QuestionAnswerer(stores)
        year = max(r.year for r in reports if r.year)
        compare_reports(stores.facts, pairs[0][0], pairs[0][1])  # warm: jieba, caches
        rows, results = [], {"reports": len(reports), "pairs": len(pairs)}

        lat = {"compare, all sections": [], "compare, section 五": [], "year over year (ask)": []}
        for old, new, body in pairs:
            lat["compare, all sections"] += timed(lambda: compare_reports(stores.facts, old, new), args.repeat)
            lat["compare, section 五"] += timed(lambda: compare_reports(stores.facts, old, new, ["五"]), args.repeat)
            q = f"{body}和上年相比，依申请公开申请数量变化了多少？"
            lat["year over year (ask)"] += timed(lambda: qa.ask(q), args.repeat)
        routes = {}
        for template in ACROSS:
            q = template.format(year=year)
            answer = qa.ask(q)
            routes[q] = (answer.route, len(answer.citations), answer.answer.splitlines()[-1][:60])
            lat[f"ask: {q}"] = timed(lambda: qa.ask(q), args.repeat)
        query = match_cells("收到的政府信息公开申请")[0]
        lat["across_reports SQL only (200)"] = timed(lambda: across_reports(stores.facts, reports, query), args.repeat)
        results["latency_ms"] = {k: stats(v) for k, v in lat.items()}
        for k, s in results["latency_ms"].items():
            rows.append([k, s["n"], f"{s['p50']:.1f}", f"{s['p95']:.1f}", f"{s['mean']:.1f}", f"{s['max']:.1f}"])
        print()
        print(f"{len(reports)} reports, {len(pairs)} year pairs")
        print(table(rows, ["what", "n", "p50 ms", "p95 ms", "mean ms", "max ms"]))
        print()
        for q, (route, n_cites, last) in routes.items():
            print(f"{q} → route {route}, {n_cites} citations; {last}")
        results["routes"] = routes
        if args.json:
            print(f"wrote {write_json('compare.json', results)}")
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
