"""Ingest speed: reportqa's pipeline against a plain LangChain pipeline over the same files.

Run: python bench/bench_ingest.py [--n 30] [--seed 0] [--model-dir DIR] [--json]

Generates --n distinct sample-sized synthetic reports (tests/generator) into a temp folder, then
  (a) reportqa: ingest_paths into a fresh home, split into parse / embed / store;
      also parse_report alone over the files;
  (b) plain: read text, RecursiveCharacterTextSplitter(300, 30, Chinese separators), the same
      embedding model through LangchainEmbeddings, Chroma.from_texts into a fresh persistent dir;
  (c) the ratio reportqa/plain against the targets (>= 60 reports/min; <= 1.2x plain);
  (d) re-ingest of the unchanged files into the same home.
The embedding model is loaded and warmed, and jieba / the parser / chromadb touched once, before
any clock starts. --json writes the figures to bench/results/ingest.json.
"""
from __future__ import annotations

import argparse
import collections
import os
import time
from pathlib import Path

from _common import SAMPLE, Timer, load_embedder, model_folder, settings_for, table, temp_dir, warm_libraries, \
    write_generated, write_json

SEPARATORS = ["\n\n", "\n", "。", "；", "，", ""]
TARGET_REPORTS_PER_MIN = 60
TARGET_RATIO = 1.2


def run_reportqa(files: list[Path], home: Path, folder: Path, embedder) -> dict:
    import ingest.pipeline as pipeline
    from reportqa.stores import Stores

    parse_t = Timer()
    embed_t = Timer()
    original_parse = pipeline.parse_report
    pipeline.parse_report = parse_t.wrap(original_parse)
    embedder.embed_passages = embed_t.wrap(type(embedder).embed_passages.__get__(embedder),
                                           count=lambda texts: len(texts))
    try:
        start = time.perf_counter()
        stores = Stores(settings_for(home, folder))
        results = pipeline.ingest_paths(stores, files, progress=True)
        total = time.perf_counter() - start
    finally:
        pipeline.parse_report = original_parse
        del embedder.embed_passages
    statuses = collections.Counter(r.status for r in results)
    chunks = sum(r.n_chunks for r in results)
    rows = [c for c, _tokens in stores.facts.chunks()]
    chars = sum(len(c.text) for c in rows)
    kinds = dict(collections.Counter(c.kind for c in rows))
    return {
        "total_s": total, "parse_s": parse_t.seconds, "embed_s": embed_t.seconds,
        "store_s": total - parse_t.seconds - embed_t.seconds,
        "texts_embedded": embed_t.items, "chunks": chunks, "chars_per_chunk": chars / max(1, len(rows)),
        "chunk_kinds": kinds, "statuses": dict(statuses),
        "rejected": [r.message for r in results if r.status == "rejected"],
        "vectors": stores.vectors.count(),
    }


def run_reingest(files: list[Path], home: Path, folder: Path) -> dict:
    from ingest.pipeline import ingest_paths
    from reportqa.stores import Stores

    start = time.perf_counter()
    stores = Stores(settings_for(home, folder))  # a fresh handle, as a second run of the program would have
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


def run_plain(files: list[Path], persist: Path, embedder) -> dict:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from reportqa.embedding import LangchainEmbeddings

    embed_t = Timer()
    embedder.embed_passages = embed_t.wrap(type(embedder).embed_passages.__get__(embedder),
                                           count=lambda texts: len(texts))
    try:
        start = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=300, chunk_overlap=30, separators=SEPARATORS,
                                                  keep_separator="end")
        texts, metas = [], []
        for f in files:
            for i, piece in enumerate(splitter.split_text(f.read_text(encoding="utf-8"))):
                texts.append(piece)
                metas.append({"source": f.name, "i": i})
        split_s = time.perf_counter() - start
        store = Chroma.from_texts(texts, LangchainEmbeddings(embedder), metadatas=metas,
                                  collection_name="plain", persist_directory=str(persist),
                                  collection_metadata={"hnsw:space": "cosine"})
        total = time.perf_counter() - start
        count = store._collection.count()
    finally:
        del embedder.embed_passages
    return {"total_s": total, "split_s": split_s, "embed_s": embed_t.seconds,
            "store_s": total - split_s - embed_t.seconds, "chunks": len(texts),
            "chars_per_chunk": sum(map(len, texts)) / max(1, len(texts)), "vectors": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="reports to generate (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="generate_collection seed")
    parser.add_argument("--model-dir", default=None, help="sentence-transformers folder (default: bundled e5-small)")
    parser.add_argument("--json", action="store_true", help="also write bench/results/ingest.json")
    args = parser.parse_args()

    folder = model_folder(args.model_dir)
    embedder, load_s = load_embedder(folder)
    warm_libraries()
    print(f"model {embedder.name} ({folder}), loaded+warmed in {load_s:.1f} s, batch size {embedder.batch_size}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    with temp_dir("bench-ingest-") as tmp:
        files = write_generated(tmp / "reports", args.n, args.seed)
        sizes = [len(f.read_text(encoding="utf-8")) for f in files]
        print(f"{len(files)} generated reports, {sum(sizes) / len(sizes):.0f} chars on average "
              f"(sample {SAMPLE.name}: {len(SAMPLE.read_text(encoding='utf-8'))})")

        parse_only = run_parse_only(files)
        rq = run_reportqa(files, tmp / "home", folder, embedder)
        again = run_reingest(files, tmp / "home", folder)
        plain = run_plain(files, tmp / "plain-chroma", embedder)

    load_after = os.getloadavg()[0]
    n = len(files)
    per_min = 60 * n / rq["total_s"]
    ratio = rq["total_s"] / plain["total_s"]
    rows = []
    for name, r in (("reportqa", rq), ("plain langchain", plain)):
        rows.append([name, f"{r['total_s']:.2f}", f"{r['total_s'] / n:.3f}", f"{60 * n / r['total_s']:.1f}",
                     r["chunks"], f"{r['chunks'] / r['total_s']:.1f}", f"{r['chars_per_chunk']:.0f}",
                     f"{r['embed_s']:.2f}"])
    print()
    print(table(rows, ["pipeline", "total s", "s/report", "reports/min", "chunks", "chunks/s", "chars/chunk",
                       "embed s"]))
    print()
    print(f"reportqa split: parse {rq['parse_s']:.2f} s ({100 * rq['parse_s'] / rq['total_s']:.0f}%), "
          f"embed {rq['embed_s']:.2f} s ({100 * rq['embed_s'] / rq['total_s']:.0f}%, "
          f"{rq['texts_embedded']} texts for {rq['chunks']} chunks), "
          f"store {rq['store_s']:.2f} s ({100 * rq['store_s'] / rq['total_s']:.0f}%)")
    print(f"reportqa statuses: {rq['statuses']}; chunk kinds: {rq['chunk_kinds']}; vectors in Chroma: {rq['vectors']}")
    for msg in rq["rejected"]:
        print(f"  rejected: {msg}")
    print(f"parse_report alone over the files: {parse_only['total_s']:.2f} s "
          f"({1000 * parse_only['total_s'] / n:.0f} ms/report)")
    print(f"plain split: split {plain['split_s']:.2f} s, embed {plain['embed_s']:.2f} s, "
          f"store {plain['store_s']:.2f} s; vectors: {plain['vectors']}")
    print(f"re-ingest unchanged: {again['total_s']:.2f} s ({again['statuses']})")
    print(f"load average after the runs: {load_after:.1f} (other processes on the machine slow the embedding down)")
    print()
    ok_rate = per_min >= TARGET_REPORTS_PER_MIN
    ok_ratio = ratio <= TARGET_RATIO
    print(f"target reports/min >= {TARGET_REPORTS_PER_MIN}: {per_min:.1f}  {'PASS' if ok_rate else 'FAIL'}")
    print(f"target reportqa/plain <= {TARGET_RATIO}x: {ratio:.2f}x  {'PASS' if ok_ratio else 'FAIL'}")

    if args.json:
        path = write_json("ingest.json", {
            "n_reports": n, "avg_chars": sum(sizes) / n, "model": str(folder), "model_load_s": load_s,
            "reportqa": rq, "plain": plain, "parse_only": parse_only, "reingest_unchanged": again,
            "reports_per_min": per_min, "ratio_reportqa_plain": ratio,
            "targets": {"reports_per_min": TARGET_REPORTS_PER_MIN, "ratio": TARGET_RATIO,
                        "reports_per_min_ok": ok_rate, "ratio_ok": ok_ratio},
        })
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
