"""Embedding throughput of the bundled e5-small per backend (torch, onnx, onnx-int8), same process,
interleaved runs over the same real passages, and how close each backend's vectors are to torch's.

Run: python bench/bench_embedding.py [--n 64] [--repeat 5] [--batch N] [--threads 1,2] [--model-dir DIR]

The passages are what ingest embeds: `embedding_text` of the chunks of the sample report and of
generated reports (--n of them, with the "passage: " prefix). tokens = real (unpadded) tokens.
Each backend runs with its own batch size (torch 8; onnx 4 texts per run, int8 1) unless --batch.
Each round runs every (backend, threads) once, in turn, so drift of the machine's load hits all
alike; the median and the best of --repeat rounds are printed, with the load average. Conversions
(ONNX export, int8) happen once, before any clock, into the models folder.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from _common import SAMPLE, model_folder, settings_for, table, temp_dir, write_generated

BACKENDS = ("torch", "onnx", "onnx-int8")


def real_passages(n: int) -> list[str]:
    from ingest.pipeline import parse_report
    from reportqa.chunk_text import embedding_text

    texts = [embedding_text(c) for c in parse_report(SAMPLE).chunks]
    with temp_dir("bench-embed-") as tmp:
        for path in write_generated(tmp, 8, 0):
            texts += [embedding_text(c) for c in parse_report(path).chunks]
    return list(dict.fromkeys(texts))[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=64, help="passages (default 64)")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--batch", type=int, default=None, help="batch size for every backend (default: each its own)")
    parser.add_argument("--threads", default="1,2", help="thread counts to measure (default 1,2)")
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args()

    from reportqa.embedding import get_embedder
    folder = model_folder(args.model_dir)
    texts = real_passages(args.n)
    runs = {}
    for backend in BACKENDS:
        for threads in map(int, args.threads.split(",")):
            embedder = get_embedder(settings_for(folder.parent, folder, backend, threads))
            embedder.batch_size = args.batch or embedder.batch_size
            embedder.embed_passages(texts[:8])  # warm-up (and the conversion, once)
            runs[(backend, threads)] = embedder
    from tokenizers import Tokenizer
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch(["passage: " + t for t in texts]))
    print(f"{len(texts)} passages, {tokens} tokens ({tokens / len(texts):.0f} each); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    times = {key: [] for key in runs}
    vectors = {}
    for _ in range(args.repeat):
        for key, embedder in runs.items():
            start = time.perf_counter()
            vectors[key] = embedder.embed_passages(texts)
            times[key].append(time.perf_counter() - start)
    reference = vectors[min(k for k in runs if k[0] == "torch")]
    rows = []
    for key, took in times.items():
        cos = (vectors[key] * reference).sum(axis=1)
        torch_median = statistics.median(times[("torch", key[1])]) if ("torch", key[1]) in times else float("nan")
        rows.append([key[0], key[1], runs[key].batch_size, f"{tokens / statistics.median(took):.0f}", f"{tokens / min(took):.0f}",
                     f"{torch_median / statistics.median(took):.2f}x", f"{cos.mean():.4f}", f"{cos.min():.4f}"])
    print(table(rows, ["backend", "threads", "batch", "tokens/s median", "tokens/s best", "vs torch", "cos mean", "cos min"]))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    q = {key[0]: e.embed_query("绥芬河市存在的主要问题是什么？") for key, e in runs.items()}
    print("query vector cosine to torch: " + ", ".join(f"{b} {float(np.dot(v, q['torch'])):.4f}" for b, v in q.items()))


if __name__ == "__main__":
    main()
