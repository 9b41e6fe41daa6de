"""Question latency of QuestionAnswerer.ask over collections of 1 and 200 reports.

Run: python bench/bench_query.py [--sizes 1,200] [--home DIR] [--seed 0] [--model-dir DIR]
                                 [--repeat 1] [--profile] [--json]

For each size N the collection is the sample (data/suifenhe-2023.txt) plus N-1 synthetic reports
(tests/generator, generate_collection(N-1, seed)), ingested into DIR/size-N (a temp folder when
--home is not given, removed afterwards). With --home, a second run finds the reports unchanged and
skips their ingestion. Then, with the model loaded and a warm-up question of each kind asked,
~30 numeric and ~30 narrative questions naming reports of the collection are asked (each --repeat
times) and p50 / p95 / mean latency per kind is printed against the targets (200 reports: numeric
p50 <= 20 ms; narrative p50 <= 100 ms and p95 <= 250 ms), with the route each answer took.
--profile runs the narrative questions of the largest size once more under cProfile and prints
where the time goes. --json writes bench/results/query.json.
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import SAMPLE, load_embedder, model_folder, percentile, settings_for, table, warm_libraries, \
    write_generated, write_json

NUMERIC = [
    "{body}{year}年收到多少政府信息公开申请？",
    "{body}{year}年行政处罚多少件？",
    "{body}{year}年行政许可多少件？",
    "{body}{year}年予以公开的申请有多少件？",
    "{body}{year}年被申请行政复议多少件？",
    "{body}{year}年行政诉讼多少件？",
    "{body}{year}年自然人提出了多少件申请？",
    "{body}{year}年不予公开多少件？",
    "{body}{year}年行政强制多少件？",
    "{body}{year}年行政事业性收费金额是多少？",
]
NARRATIVE = [
    "{body}存在的主要问题是什么？",
    "{body}在政务新媒体方面做了什么？",
    "{body}下一步有哪些改进措施？",
    "{body}如何加强政府信息管理？",
    "{body}在政策解读方面做了哪些工作？",
    "{body}的政府网站建设情况怎么样？",
    "{body}怎样做好依申请公开工作？",
    "{body}在监督保障方面采取了哪些措施？",
    "{body}开展了哪些政务公开培训？",
    "{body}在重点领域信息公开方面做了什么？",
]
TARGETS = {200: {"numeric": {"p50": 20.0}, "narrative": {"p50": 100.0, "p95": 250.0}}}


def build(home: Path, size: int, seed: int, folder: Path):
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    src = home / "reports"
    if src.exists():
        shutil.rmtree(src)  # regenerated identically below: the stored versions stay valid
    src.mkdir(parents=True)
    files = [Path(shutil.copy(SAMPLE, src / SAMPLE.name))]
    if size > 1:
        files += write_generated(src / "generated", size - 1, seed)
    stores = Stores(settings_for(home, folder))
    print(f"[{size}] ingesting {len(files)} reports into {home} ...", flush=True)
    start = time.perf_counter()
    results = ingest_paths(stores, files, progress=True)
    took = time.perf_counter() - start
    statuses = dict(collections.Counter(r.status for r in results))
    print(f"[{size}] ingest {took:.1f} s {statuses}", flush=True)
    for r in results:
        if r.status == "rejected":
            print(f"  rejected: {r.message}")
    return {"ingest_s": took, "statuses": statuses}


def questions(reports, n_each: int, seed: int) -> list[tuple[str, str]]:
    """(kind, question) pairs naming reports of the collection, spread over reports and templates."""
    rng = random.Random(f"bench-query|{seed}")
    named = [r for r in reports if r.body and r.year]
    if not named:
        raise SystemExit("no report with a body and a year in the collection")
    out = []
    for kind, templates in (("numeric", NUMERIC), ("narrative", NARRATIVE)):
        picks = named if len(named) >= n_each else []
        targets = rng.sample(picks, n_each) if picks else [named[i % len(named)] for i in range(n_each)]
        # the sample report is always among the targets
        sample = next((r for r in named if r.body == "绥芬河市"), None)
        if sample is not None and sample not in targets:
            targets[0] = sample
        for i, r in enumerate(targets):
            out.append((kind, templates[i % len(templates)].format(body=r.body, year=r.year)))
    return out


def measure(qa, qs: list[tuple[str, str]], repeat: int) -> dict:
    lat: dict[str, list[float]] = collections.defaultdict(list)
    routes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    slowest: list[tuple[float, str, str]] = []
    for _ in range(repeat):
        for kind, q in qs:
            t = time.perf_counter()
            answer = qa.ask(q)
            ms = 1000 * (time.perf_counter() - t)
            lat[kind].append(ms)
            routes[kind][answer.route] += 1
            slowest.append((ms, kind, q))
    slowest.sort(reverse=True)
    return {"latencies_ms": dict(lat), "routes": {k: dict(v) for k, v in routes.items()}, "slowest": slowest[:5]}


def stats(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "mean": statistics.fmean(values), "max": max(values)}


def profile_narrative(qa, qs: list[tuple[str, str]], top: int = 30) -> str:
    narrative = [q for kind, q in qs if kind == "narrative"]
    prof = cProfile.Profile()
    prof.enable()
    for q in narrative:
        qa.ask(q)
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,200", help="collection sizes, comma-separated (default 1,200)")
    parser.add_argument("--home", default=None, help="base folder for the collections (kept, reused on the next run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=30, help="questions of each kind (default 30)")
    parser.add_argument("--repeat", type=int, default=1, help="times each question is asked")
    parser.add_argument("--model-dir", default=None, help="sentence-transformers folder (default: bundled e5-small)")
    parser.add_argument("--profile", action="store_true", help="cProfile the narrative questions of the largest size")
    parser.add_argument("--json", action="store_true", help="also write bench/results/query.json")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    from reportqa.stores import Stores
    from retrieval.pipeline import QuestionAnswerer

    folder = model_folder(args.model_dir)
    embedder, load_s = load_embedder(folder)
    warm_libraries()
    print(f"model {embedder.name}, loaded+warmed in {load_s:.1f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")

    base = Path(args.home).expanduser() if args.home else Path(tempfile.mkdtemp(prefix="bench-query-"))
    results, profile_text = {}, None
    try:
        for size in sizes:
            home = base / f"size-{size}"
            built = build(home, size, args.seed, folder)
            stores = Stores(settings_for(home, folder))  # a fresh handle, as a running app would have
            qa = QuestionAnswerer(stores)
            reports = stores.facts.list_reports()
            qs = questions(reports, args.n, args.seed)
            # warm-up: the first narrative question also builds the BM25 index over the collection
            t = time.perf_counter()
            qa.ask(qs[-1][1])
            first_narrative = 1000 * (time.perf_counter() - t)
            qa.ask(qs[0][1])
            m = measure(qa, qs, args.repeat)
            results[size] = {"reports": len(reports), **built, "first_narrative_ms": first_narrative,
                             "kinds": {k: stats(v) for k, v in m["latencies_ms"].items()},
                             "routes": m["routes"], "slowest": m["slowest"], "latencies_ms": m["latencies_ms"]}
            print(f"[{size}] first narrative question (builds BM25): {first_narrative:.0f} ms", flush=True)
            if args.profile and size == sizes[-1]:
                profile_text = profile_narrative(qa, qs)
    finally:
        if not args.home:
            shutil.rmtree(base, ignore_errors=True)

    rows = []
    for size, r in results.items():
        for kind in ("numeric", "narrative"):
            s = r["kinds"][kind]
            rows.append([f"{r['reports']} reports", kind, s["n"], f"{s['p50']:.1f}", f"{s['p95']:.1f}",
                         f"{s['mean']:.1f}", f"{s['max']:.1f}",
                         " ".join(f"{k}:{v}" for k, v in sorted(r["routes"][kind].items()))])
    print()
    print(table(rows, ["collection", "kind", "n", "p50 ms", "p95 ms", "mean ms", "max ms", "routes"]))
    print()
    for size, r in results.items():
        print(f"[{size}] slowest: " + "; ".join(f"{ms:.0f} ms {q}" for ms, _k, q in r["slowest"][:3]))
    verdicts = {}
    for size, target in TARGETS.items():
        if size not in results:
            continue
        for kind, limits in target.items():
            for stat, limit in limits.items():
                got = results[size]["kinds"][kind][stat]
                ok = got <= limit
                verdicts[f"{size}.{kind}.{stat}"] = ok
                print(f"target {size} reports {kind} {stat} <= {limit:.0f} ms: {got:.1f} ms  {'PASS' if ok else 'FAIL'}")
    if profile_text:
        print("\n--- cProfile, narrative questions, largest collection ---")
        print(profile_text)
    if args.json:
        path = write_json("query.json", {"model_load_s": load_s, "sizes": {str(k): v for k, v in results.items()},
                                         "targets": {str(k): v for k, v in TARGETS.items()}, "verdicts": verdicts})
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
