"""Ingest speed: reportqa's pipeline on each embedding backend against a plain LangChain pipeline.

Run: python bench/bench_ingest.py [--n 30] [--seed 0] [--backends onnx,onnx-int8,torch] [--workers 1]
                                  [--rounds 1] [--model-dir DIR] [--json]

Generates --n distinct sample-sized synthetic reports (tests/generator) into a temp folder, then, in
each round and for each backend (and each --workers count), runs back to back:
  (a) plain: read text, RecursiveCharacterTextSplitter(300, 30, Chinese separators), the model
      through langchain the way users build it (HuggingFaceEmbeddings-style: sentence-transformers
      on torch, its default batch of 32 and torch's default threads), Chroma.from_texts;
  (b) reportqa: ingest_paths into a fresh home with that backend, split into embed / the rest;
so drift of the machine's load hits both of a pair alike (the pair's order alternates). Prints
reports/min of each and the ratio reportqa/plain per pair, with the targets (>= 100 reports/min;
>= 2x the plain pipeline's reports/min), then parse_report alone and a re-ingest of the unchanged
files. Models (and ONNX exports) are loaded and warmed, and jieba / the parser / chromadb touched
once, before any clock starts. --json writes the figures to bench/results/ingest.json.
"""
from __future__ import annotations

import argparse
import collections
import os
import statistics
import time
from pathlib import Path

from _common import SAMPLE, Timer, load_embedder, model_folder, settings_for, table, temp_dir, warm_libraries, \
    write_generated, write_json

SEPARATORS = ["\n\n", "\n", "。", "；", "，", ""]
TARGET_REPORTS_PER_MIN = 100
TARGET_RATIO = 2.0  # reportqa's reports/min over the plain pipeline's


class PlainEmbeddings:
    """What users build: langchain's HuggingFaceEmbeddings over the model folder, i.e.
    SentenceTransformer.encode (length-sorted batches of 32) on torch with its default threads, the
    e5 prefixes added. (langchain-huggingface itself is not installed: it would move huggingface-hub.)"""

    def __init__(self, folder: Path):
        from sentence_transformers import SentenceTransformer
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.timer = Timer()

    def embed_documents(self, texts):
        import torch
        torch.set_num_threads(os.cpu_count() or 1)  # torch's default (reportqa's torch queries set 1)
        start = time.perf_counter()
        out = self.model.encode(["passage: " + t for t in texts], normalize_embeddings=True).tolist()
        self.timer.seconds += time.perf_counter() - start
        self.timer.items += len(texts)
        return out

    def embed_query(self, text):
        return self.model.encode("query: " + text, normalize_embeddings=True).tolist()


def run_reportqa(files: list[Path], home: Path, folder: Path, backend: str, workers: int) -> dict:
    import ingest.pipeline as pipeline
    from reportqa.stores import Stores

    embedder, _load_s = load_embedder(folder, backend)
    embed_t = Timer()
    embedder.embed_passages = embed_t.wrap(type(embedder).embed_passages.__get__(embedder),
                                           count=lambda texts: len(texts))
    try:
        start = time.perf_counter()
        stores = Stores(settings_for(home, folder, backend))
        results = pipeline.ingest_paths(stores, files, progress=False, workers=workers)
        total = time.perf_counter() - start
    finally:
        del embedder.embed_passages
    rows = [c for c, _tokens in stores.facts.chunks()]
    return {
        "backend": backend, "workers": workers, "total_s": total, "embed_s": embed_t.seconds,
        "texts_embedded": embed_t.items, "chunks": len(rows), "statuses": dict(collections.Counter(r.status for r in results)),
        "chars_per_chunk": sum(len(c.text) for c in rows) / max(1, len(rows)),
        "rejected": [r.message for r in results if r.status == "rejected"], "vectors": stores.vectors.count(),
    }


def run_reingest(files: list[Path], home: Path, folder: Path, backend: str) -> dict:
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    start = time.perf_counter()
    stores = Stores(settings_for(home, folder, backend))  # a fresh handle, as a second run of the program would have
    results = ingest_paths(stores, files, progress=False)
    total = time.perf_counter() - start
    return {"total_s": total, "statuses": dict(collections.Counter(r.status for r in results))}


def run_parse_only(files: list[Path]) -> dict:
    from ingest.pipeline import parse_report
    start = time.perf_counter()
    n_chunks = 0
    for f in files:
        n_chunks += len(parse_report(f).chunks)
    return {"total_s": time.perf_counter() - start, "chunks": n_chunks}


def run_plain(files: list[Path], persist: Path, embeddings: PlainEmbeddings) -> dict:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings.timer = Timer()
    start = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30, separators=SEPARATORS,
                                              keep_separator="end")
    texts, metas = [], []
    for f in files:
        for i, piece in enumerate(splitter.split_text(f.read_text(encoding="utf-8"))):
            texts.append(piece)
            metas.append({"source": f.name, "i": i})
    split_s = time.perf_counter() - start
    store = Chroma.from_texts(texts, embeddings, metadatas=metas, collection_name="plain",
                              persist_directory=str(persist), collection_metadata={"hnsw:space": "cosine"})
    total = time.perf_counter() - start
    return {"total_s": total, "split_s": split_s, "embed_s": embeddings.timer.seconds,
            "store_s": total - split_s - embeddings.timer.seconds, "chunks": len(texts),
            "chars_per_chunk": sum(map(len, texts)) / max(1, len(texts)), "vectors": store._collection.count()}


def run_pairs(files: list[Path], tmp: Path, folder: Path, configs: list[tuple[str, int]], rounds: int) -> list[dict]:
    """Each (backend, workers) against the plain pipeline, back to back, for each round."""
    plain_embeddings = PlainEmbeddings(folder)
    plain_embeddings.embed_documents(["warm"])
    pairs = []
    for r in range(rounds):
        for i, (backend, workers) in enumerate(configs):
            tag = f"{r}-{backend}-{workers}"
            order = ("plain", "reportqa") if (r + i) % 2 == 0 else ("reportqa", "plain")
            got = {}
            for name in order:
                if name == "plain":
                    got[name] = run_plain(files, tmp / f"plain-{tag}", plain_embeddings)
                else:
                    got[name] = run_reportqa(files, tmp / f"home-{tag}", folder, backend, workers)
            got["ratio"] = got["plain"]["total_s"] / got["reportqa"]["total_s"]  # reports/min over plain's
            got["load"] = os.getloadavg()[0]
            pairs.append(got)
            n = len(files)
            print(f"round {r + 1} {backend:9} workers {workers}: reportqa {60 * n / got['reportqa']['total_s']:6.1f} "
                  f"reports/min, plain {60 * n / got['plain']['total_s']:6.1f}, ratio {got['ratio']:.2f}x "
                  f"(load {got['load']:.1f})", flush=True)
    return pairs


def report(pairs: list[dict], n: int) -> list[dict]:
    rows, summary = [], []
    for (backend, workers) in dict.fromkeys((p["reportqa"]["backend"], p["reportqa"]["workers"]) for p in pairs):
        mine = [p for p in pairs if (p["reportqa"]["backend"], p["reportqa"]["workers"]) == (backend, workers)]
        rq = statistics.median(60 * n / p["reportqa"]["total_s"] for p in mine)
        plain = statistics.median(60 * n / p["plain"]["total_s"] for p in mine)
        ratio = statistics.median(p["ratio"] for p in mine)
        last = mine[-1]["reportqa"]
        rows.append([backend, workers, f"{rq:.1f}", f"{plain:.1f}", f"{ratio:.2f}x", last["chunks"],
                     last["texts_embedded"] if workers == 1 else "-",
                     f"{100 * last['embed_s'] / last['total_s']:.0f}%" if workers == 1 else "-",
                     "PASS" if rq >= TARGET_REPORTS_PER_MIN else "FAIL", "PASS" if ratio >= TARGET_RATIO else "FAIL"])
        summary.append({"backend": backend, "workers": workers, "reports_per_min": rq, "plain_reports_per_min": plain,
                        "ratio": ratio})
    print()
    print(table(rows, ["backend", "workers", "reports/min", "plain r/min", "ratio", "chunks", "texts embedded",
                       "embed share", f">= {TARGET_REPORTS_PER_MIN}/min", f">= {TARGET_RATIO:g}x plain"]))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="reports to generate (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="generate_collection seed")
    parser.add_argument("--backends", default="onnx,onnx-int8,torch", help="reportqa backends (default all three)")
    parser.add_argument("--workers", default="1", help="worker counts for reportqa, comma-separated (default 1)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (the median is shown)")
    parser.add_argument("--model-dir", default=None, help="sentence-transformers folder (default: bundled e5-small)")
    parser.add_argument("--json", action="store_true", help="also write bench/results/ingest.json")
    args = parser.parse_args()

    folder = model_folder(args.model_dir)
    backends = args.backends.split(",")
    configs = [(b, int(w)) for b in backends for w in args.workers.split(",")]
    for backend in backends:
        embedder, load_s = load_embedder(folder, backend)
        print(f"{backend}: {embedder.vector_key} loaded+warmed in {load_s:.1f} s")
    warm_libraries()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    with temp_dir("bench-ingest-") as tmp:
        files = write_generated(tmp / "reports", args.n, args.seed)
        sizes = [len(f.read_text(encoding="utf-8")) for f in files]
        print(f"{len(files)} generated reports, {sum(sizes) / len(sizes):.0f} chars on average "
              f"(sample {SAMPLE.name}: {len(SAMPLE.read_text(encoding='utf-8'))})")
        parse_only = run_parse_only(files)
        pairs = run_pairs(files, tmp, folder, configs, args.rounds)
        again = run_reingest(files, tmp / f"home-{args.rounds - 1}-{backends[0]}-{configs[0][1]}", folder, backends[0])

    n = len(files)
    summary = report(pairs, n)
    last = pairs[-1]
    print(f"\nreportqa statuses: {last['reportqa']['statuses']}; chunks {last['reportqa']['chunks']} "
          f"({last['reportqa']['chars_per_chunk']:.0f} chars each); plain: {last['plain']['chunks']} pieces "
          f"({last['plain']['chars_per_chunk']:.0f} chars), embed {last['plain']['embed_s']:.2f} s of "
          f"{last['plain']['total_s']:.2f} s")
    for msg in last["reportqa"]["rejected"]:
        print(f"  rejected: {msg}")
    print(f"parse_report alone over the files: {parse_only['total_s']:.2f} s "
          f"({1000 * parse_only['total_s'] / n:.0f} ms/report)")
    print(f"re-ingest unchanged ({backends[0]}): {again['total_s']:.2f} s ({again['statuses']})")
    print(f"load average after the runs: {os.getloadavg()[0]:.1f} (a shared machine: other processes slow the "
          "embedding down; the pairs run back to back so both sides see the same load)")
    if args.json:
        path = write_json("ingest.json", {
            "n_reports": n, "avg_chars": sum(sizes) / n, "model": str(folder), "pairs": pairs, "summary": summary,
            "parse_only": parse_only, "reingest_unchanged": again,
            "targets": {"reports_per_min": TARGET_REPORTS_PER_MIN, "ratio": TARGET_RATIO},
        })
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
