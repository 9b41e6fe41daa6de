"""Ingest about 1,000 hostile and damaged files (tests/hostile.py, every kind of issue 15) in one run
into a store holding the sample, and print what happened: statuses per kind, the slowest files,
the parser's peak memory, whether the sample's facts are unchanged and the store still answers.

    python bench/bench_hostile.py [--files 1000] [--home /tmp/rq-hostile]
"""
from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.pipeline import ingest_file  # noqa: E402
from reportqa.config import Settings  # noqa: E402
from reportqa.names import displayable  # noqa: E402
from reportqa.stores import Stores  # noqa: E402
from tests.hostile import KINDS, SAMPLE, make_set  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--home", default=None)
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="rq-hostile-"))
    shutil.rmtree(home, ignore_errors=True)
    stores = Stores(Settings.from_env(home))
    ingest_file(stores, SAMPLE)
    before = sorted((f.table, f.row_key, f.column_key, str(f.value)) for f in stores.facts.facts("绥芬河市-2023"))
    folder = Path(tempfile.mkdtemp(prefix="rq-hostile-files-"))
    scale = args.files / sum(c for _m, c in KINDS)
    made = make_set(folder, scale=scale, seed=1)
    print(f"{len(made)} files made in {folder}", flush=True)
    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    times, crashed = [], []
    t_all = time.perf_counter()
    for i, (kind, path) in enumerate(made, 1):
        t0 = time.perf_counter()
        try:
            result = ingest_file(stores, path)
            by_kind[kind][result.status] += 1
            if "took longer" in result.message or "stopped unexpectedly" in result.message:
                crashed.append((kind, displayable(result.message)))
        except Exception as exc:  # counted: the run must never stop
            crashed.append((kind, f"{type(exc).__name__}: {exc}"))
        times.append((time.perf_counter() - t0, kind, displayable(path.name)))
        if i % 50 == 0:
            print(f"  {i}/{len(made)} files, {time.perf_counter() - t_all:.0f} s", flush=True)
    after = sorted((f.table, f.row_key, f.column_key, str(f.value)) for f in stores.facts.facts("绥芬河市-2023"))
    from retrieval.pipeline import QuestionAnswerer
    answer = QuestionAnswerer(Stores(Settings.from_env(home))).ask("绥芬河市2023年行政处罚本年处理决定数量是多少？")
    print(f"\n{len(made)} files in {time.perf_counter() - t_all:.0f} s")
    for kind, counts in sorted(by_kind.items()):
        print(f"  {kind:20} " + ", ".join(f"{s} {n}" for s, n in counts.most_common()))
    print("slowest:", ", ".join(f"{k} {t:.1f}s" for t, k, _n in sorted(times, reverse=True)[:5]))
    print(f"files over 60 s: {sum(t > 60 for t, _k, _n in times)}; stopped or crashed parsers: {len(crashed)}")
    for kind, message in crashed[:10]:
        print(f"  {kind}: {message[:160]}")
    from ingest.isolation import shared_parser
    print(f"peak memory: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB "
          f"(the model and the files made in memory), the parser process {shared_parser().peak_memory_mb() or 0:.0f} MB, "
          f"parsers replaced on the way {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024} MB")
    print(f"sample's facts unchanged: {before == after}; store answers: {answer.value == 367} ({answer.answer[:60]})")
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if before == after and answer.value == 367 and not crashed else 1


if __name__ == "__main__":
    sys.exit(main())
