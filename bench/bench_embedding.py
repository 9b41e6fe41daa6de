"""Embedding throughput of the converted bundled e5-small on this machine's CPU.

Run: python bench/bench_embedding.py [--model-dir DIR] [--n 64]
Prints passages/s (and tokens/s) for short (~40 chars) and ~330-char Chinese passages at batch
sizes 8/16/32 (best of --repeat runs; "cores busy" = process CPU time / wall time, which drops
below the thread count when the host is short of CPU). Without --model-dir the bundled model is
converted (once) into the models folder of reportqa.config.Settings.from_env().
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportqa.embedding import Embedder  # noqa: E402

SENTENCES = [
    "2023年本机关共收到政府信息公开申请128件，同比增长15.3%。",
    "主动公开政府信息4567条，其中规范性文件（含废止）32件，政策解读材料58篇。",
    "行政复议结果：维持原决定3件，纠正0件，其他结果1件，尚未审结2件。",
    "依申请公开答复时限平均为12个工作日，较上年缩短2天，群众满意度进一步提升。",
    "存在的主要问题是公开内容不够全面，解读材料质量有待提高，平台建设仍需加强。",
    "下一步，我们将进一步加强政务公开标准化、规范化建设，推进基层政务公开。",
]


def passages(length: int, n: int) -> list[str]:
    out = []
    for i in range(n):
        text, j = "", i
        while len(text) < length:
            text += SENTENCES[j % len(SENTENCES)]
            j += 1
        out.append(f"{i}：" + text[:length])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default=None)
    parser.add_argument("--n", type=int, default=64, help="passages per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="runs per setting; the best is shown")
    args = parser.parse_args()
    embedder = Embedder(model_dir=args.model_dir)
    tokenizer = embedder._model.tokenizer
    embedder.embed_passages(passages(40, 8))  # warm-up
    print(f"model {embedder.name}, dim {embedder.dimension}")
    for length in (40, 330):
        texts = passages(length, args.n)
        tokens = sum(len(tokenizer(embedder.passage_prefix + t)["input_ids"]) for t in texts)
        for batch_size in (8, 16, 32):
            embedder.batch_size = batch_size
            took, busy = float("inf"), 0.0
            for _ in range(args.repeat):  # best of N: other load on the machine only slows runs down
                start, cpu = time.perf_counter(), time.process_time()
                embedder.embed_passages(texts)
                wall = time.perf_counter() - start
                if wall < took:
                    took, busy = wall, (time.process_time() - cpu) / wall
            print(f"{length:4d} chars  batch {batch_size:2d}: {len(texts) / took:7.1f} passages/s"
                  f"  {tokens / took:7.0f} tokens/s  ({tokens / len(texts):.0f} tokens each;"
                  f" {busy:.1f} cores busy)")


if __name__ == "__main__":
    main()
