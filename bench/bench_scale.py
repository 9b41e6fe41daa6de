"""Collections of 1,000 to 100,000 reports on each store: question latency, start-up, size, ingest rate.

Run: python bench/bench_scale.py --sizes 1000,10000 --backends embedded,postgresql
                                 [--database-url postgresql://…] [--home DIR] [--pool 60] [--workers 1,2]
                                 [--questions 40] [--json]

The reports are synthetic: a pool of --pool generated reports (tests/generator) is parsed and
embedded once with the real model; each report of a collection is a pool report under a new body
name (甲乙丙市 …) and its year, so its chunks REUSE THE POOL'S REAL VECTORS and nothing is embedded
while building (said again in the output). Every report goes through the real commit path
(`Stores.write_report`: one transaction per report on PostgreSQL, the writer lock on the embedded
store). On PostgreSQL the HNSW index is dropped for the bulk load and built after it (its build
time is printed apart), as an operator loading a collection would.

Per size and backend it prints: numeric and narrative latency p50/p95, scoped to one body (the
question names it and its year) and unscoped (no body named); time to the first answer after start
(opening the store, loading the model, one question); server RSS; disk size; ingest throughput
(reports/minute) with 1 and 2 workers, measured on the first reports of the build.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import RESULTS, model_folder, percentile, settings_for, table
from scale_data import Pool, fresh_database, question_set

TARGETS_100K_PG = "scoped numeric p50 <= 20 ms; scoped narrative p50 <= 150 ms, p95 <= 400 ms; unscoped narrative p95 <= 1 s"


def build(stores, pool: Pool, start: int, stop: int, workers: int, label: str) -> float:
    """Reports start..stop-1 written through the commit path by `workers` processes; seconds spent
    writing (the workers' start-up, model loading included, is not counted)."""
    if workers == 1:
        t0 = time.perf_counter()
        pool.write_range(stores, start, stop, label)
        return time.perf_counter() - t0
    procs = []
    for w in range(workers):
        cmd = [sys.executable, str(Path(__file__).with_name("scale_data.py")), "--worker", str(w), str(workers),
               str(start), str(stop), pool.cache_path, stores.settings.database_url or "",
               str(stores.settings.home), stores.settings.embedding_model]
        procs.append(subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for p in procs:
        assert p.stdout.readline().strip() == "READY", f"a build worker failed to start ({label})"
    print(f"{label}: {workers} workers writing reports {start:,}..{stop - 1:,}", file=sys.stderr, flush=True)
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    took = []
    for p in procs:
        out = p.communicate()[0]
        if p.returncode != 0:
            raise SystemExit(f"a build worker failed ({p.returncode})")
        took.append(float(out.split("WROTE")[-1]))
    return max(took)


def server_rss_mb(stores) -> float:
    """PostgreSQL: the server's processes (the postmaster's tree), each counted by its proportional
    set size, so shared buffers count once; embedded: this process's RSS."""
    import psutil
    if stores.backend == "postgresql":
        pid = stores.facts.db.one("SELECT pg_backend_pid() AS pid")["pid"]
        top = psutil.Process(pid).parent()
        return sum(p.memory_full_info().pss for p in [top, *top.children(recursive=True)]) / 2**20
    return psutil.Process().memory_info().rss / 2**20


def disk_mb(stores) -> float:
    if stores.backend == "postgresql":
        return stores.facts.db.one("SELECT pg_database_size(current_database()) AS n")["n"] / 2**20
    return sum(f.stat().st_size for f in Path(stores.settings.home).rglob("*") if f.is_file()) / 2**20


def latencies(qa, questions: list[tuple[str, str]]) -> dict[str, dict]:
    out: dict[str, list[float]] = {}
    for kind, q in questions:
        t = time.perf_counter()
        qa.ask(q)
        out.setdefault(kind, []).append(1000 * (time.perf_counter() - t))
    return {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)} for k, v in out.items()}


def first_answer_s(settings, question: str) -> float:
    """A fresh process: open the store, load the model, answer one question."""
    code = ("import time,sys; t=time.perf_counter(); from reportqa.stores import Stores; from retrieval.pipeline import "
            "QuestionAnswerer; from bench._common import settings_for; "
            f"s=settings_for({str(settings.home)!r}, {settings.embedding_model!r}); "
            f"import dataclasses; s=dataclasses.replace(s, database_url={settings.database_url!r}); "
            f"QuestionAnswerer(Stores(s)).ask({question!r}); print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    return float(out.stdout.strip().splitlines()[-1])


def run_size(size: int, backend: str, args, pool: Pool, folder: Path) -> dict:
    import dataclasses
    from reportqa.stores import Stores
    from retrieval.pipeline import QuestionAnswerer

    home = Path(args.home) / f"{backend}-{size}"
    settings = settings_for(home, folder)
    if backend == "postgresql":
        settings = dataclasses.replace(settings, database_url=fresh_database(args.database_url, f"scale_{size}"))
    stores = Stores(settings)
    stores.embedder  # the vector table or collection exists before the workers write
    pool.prepare_bulk(stores)
    rates = {}
    done = 0
    for workers in args.workers:  # throughput on the first reports, then the rest as fast as possible
        n = min(args.rate_reports, size - done)
        if n <= 0:
            break
        seconds = build(stores, pool, done, done + n, workers, f"{backend} {size}: rate with {workers} worker(s)")
        rates[workers] = 60 * n / seconds
        done += n
    t0 = time.perf_counter()
    build(stores, pool, done, size, max(args.workers), f"{backend} {size}: building")
    built_s = time.perf_counter() - t0
    index_s = pool.finish_bulk(stores)
    qa = QuestionAnswerer(stores)
    questions = question_set(pool, size, args.questions)
    qa.ask(questions[0][1])  # warm: the model and the caches of this process
    result = {"size": size, "backend": backend, "build_s": built_s, "index_build_s": index_s,
              "ingest_reports_per_min": rates, "latency_ms": latencies(qa, questions),
              "first_answer_s": first_answer_s(settings, questions[0][1]),
              "server_rss_mb": server_rss_mb(stores), "disk_mb": disk_mb(stores)}
    print(json.dumps(result, ensure_ascii=False), flush=True)
    stores.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--backends", default="embedded,postgresql")
    parser.add_argument("--database-url", default=os.environ.get("REPORTQA_DATABASE_URL"),
                        help="a PostgreSQL server (each size gets a new database on it)")
    parser.add_argument("--home", default="/tmp/reportqa-bench-scale")
    parser.add_argument("--pool", type=int, default=60)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rate-reports", type=int, default=200, help="reports timed per worker count")
    parser.add_argument("--questions", type=int, default=40, help="questions per kind")
    parser.add_argument("--model-dir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    folder = model_folder(args.model_dir)
    print("The collections are synthetic: generated reports under new body names, whose chunks reuse the real "
          "vectors of a pool of reports embedded once (nothing is embedded while building).", flush=True)
    pool = Pool.load_or_make(Path(args.home), args.pool, folder)
    rows, results = [], []
    for size in [int(s) for s in args.sizes.split(",")]:
        for backend in args.backends.split(","):
            if backend == "postgresql" and not args.database_url:
                raise SystemExit("--database-url (or REPORTQA_DATABASE_URL) is needed for postgresql: scripts/postgres.sh start")
            r = run_size(size, backend, args, pool, folder)
            results.append(r)
            lat = r["latency_ms"]
            rows.append([f"{size:,}", backend] + [f"{lat[k]['p50']:.0f} / {lat[k]['p95']:.0f}" if k in lat else "-" for k in
                        ("numeric scoped", "narrative scoped", "numeric unscoped", "narrative unscoped")]
                        + [f"{r['first_answer_s']:.1f}", f"{r['server_rss_mb']:.0f}", f"{r['disk_mb']:.0f}",
                           " / ".join(f"{v:.0f}" for v in r["ingest_reports_per_min"].values()),
                           f"{r['build_s']:.0f} + {r['index_build_s']:.0f}"])
    print()
    print(table(rows, ["reports", "store", "numeric scoped p50/p95 ms", "narrative scoped", "numeric unscoped",
                 "narrative unscoped", "first answer s", "server RSS MB", "disk MB",
                 "ingest reports/min (1 / 2 workers)", "build + index s"]))
    print(f"targets at 100,000 on PostgreSQL: {TARGETS_100K_PG}")
    if args.json:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "scale.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
