"""The synthetic collections of bench_scale.py: a pool of generated reports parsed and embedded once,
cloned under new body names, each clone written through `Stores.write_report` with the pool's vectors.

Also a build worker: python bench/scale_data.py --worker W N START STOP POOL DATABASE_URL HOME MODEL_FOLDER
writes the reports i of START..STOP-1 with i % N == W (several run at once: many writers, one store).
"""
from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import settings_for  # noqa: E402

# Body names: three of these characters and 市 (216,000 names), unlike any real place.
NAME_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥宫商角徵羽琴棋书画梅兰竹菊松柏桐桂柳杨槐榆樟楠枫荷莲葵芷蘅芸蕙茗"
NUMERIC = ["{body}{year}年收到多少政府信息公开申请？", "{body}{year}年行政处罚多少件？", "{body}{year}年行政许可多少件？",
           "{body}{year}年被申请行政复议多少件？", "{body}{year}年不予公开多少件？"]
NARRATIVE = ["{body}{year}年存在的主要问题是什么？", "{body}{year}年在政务新媒体方面做了什么？", "{body}{year}年下一步有哪些改进措施？",
             "{body}{year}年在政策解读方面做了哪些工作？", "{body}{year}年开展了哪些政务公开培训？"]
UNSCOPED_NARRATIVE = ["存在的主要问题是什么？", "政务新媒体方面做了什么？", "下一步有哪些改进措施？", "如何开展政策解读工作？",
                      "开展了哪些政务公开培训？"]
UNSCOPED_NUMERIC = ["{year}年收到多少政府信息公开申请？", "{year}年行政处罚多少件？"]


def body_name(i: int) -> str:
    n = len(NAME_CHARS)
    return NAME_CHARS[i % n] + NAME_CHARS[(i // n) % n] + NAME_CHARS[(i // n // n) % n] + "市"


@dataclasses.dataclass
class Pool:
    reports: list  # ParsedReport
    vectors: list  # np.ndarray per report, one row per chunk
    tokens: list  # {chunk_id: tokens} per report
    cache_path: str = ""

    @classmethod
    def load_or_make(cls, home: Path, n: int, folder: Path) -> "Pool":
        path = home / f"pool-{n}.pickle"
        if path.exists():
            pool = pickle.loads(path.read_bytes())
            pool.cache_path = str(path)
            return pool
        from ingest.pipeline import parse_report, search_text
        from reportqa.chunk_text import embedding_text
        from reportqa.embedding import get_embedder
        from reportqa.stores.keywords import tokenize
        from tests.generator import generate_collection
        t0 = time.perf_counter()
        src = home / "pool"
        src.mkdir(parents=True, exist_ok=True)
        reports = [parse_report(g.write(src)) for g in generate_collection(n, seed=7)]
        embedder = get_embedder(settings_for(home, folder))
        vectors = [np.asarray(embedder.embed_passages([embedding_text(c) for c in r.chunks]), dtype=np.float32)
                   for r in reports]
        tokens = [{c.chunk_id: " ".join(tokenize(search_text(c))) for c in r.chunks} for r in reports]
        pool = cls(reports, vectors, tokens, str(path))
        path.write_bytes(pickle.dumps(pool))
        chunks = sum(len(r.chunks) for r in reports)
        print(f"pool: {n} reports, {chunks} chunks ({chunks / n:.0f} a report), parsed and embedded once in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        return pool

    def clone(self, i: int):
        """Report i of a collection: pool report i % n under the body body_name(i)."""
        k = i % len(self.reports)
        template, tokens = self.reports[k], self.tokens[k]
        body = body_name(i)
        rid = f"{body}-{template.meta.year}"
        meta = dataclasses.replace(template.meta, body=body, place=body, body_type=None, aliases=(),
                                   body_cue="title", body_confidence=1.0)
        ids = {c.chunk_id: f"{rid}#{n}" for n, c in enumerate(template.chunks)}
        retag = lambda items: [dataclasses.replace(x, report_id=rid) for x in items]  # noqa: E731
        report = dataclasses.replace(
            template, report_id=rid, version=hashlib.sha1(f"{rid}|{template.version}".encode()).hexdigest()[:16],
            meta=meta, sections=retag(template.sections), facts=retag(template.facts), findings=retag(template.findings),
            chunks=[dataclasses.replace(c, report_id=rid, chunk_id=ids[c.chunk_id]) for c in template.chunks])
        return report, {ids[cid]: t for cid, t in tokens.items()}, self.vectors[k]

    def write_range(self, stores, start: int, stop: int, label: str = "", every: int = 1, offset: int = 0) -> None:
        from tqdm import tqdm
        indexes = [i for i in range(start, stop) if i % every == offset]
        for i in tqdm(indexes, desc=label or "build", unit="report", file=sys.stderr, mininterval=5, disable=not label):
            report, tokens, vectors = self.clone(i)
            stores.write_report(report, tokens, vectors)

    @staticmethod
    def prepare_bulk(stores) -> None:
        """PostgreSQL: no HNSW index while loading (built once after, as an operator would)."""
        if stores.backend == "postgresql":
            with stores.facts.db.transaction() as tx:
                tx.execute("DROP INDEX IF EXISTS chunk_vectors_hnsw")

    @staticmethod
    def finish_bulk(stores) -> float:
        if stores.backend != "postgresql":
            return 0.0
        from reportqa.stores.postgres import PgVectors
        t0 = time.perf_counter()
        with stores.facts.db.transaction() as tx:
            tx.execute("SET LOCAL maintenance_work_mem = '4GB'")
            tx.execute("SET LOCAL max_parallel_maintenance_workers = 1")
            PgVectors.create_search_index(tx)
        with stores.facts.db.connection() as conn:
            conn.execute("VACUUM ANALYZE")
        return time.perf_counter() - t0


def question_set(pool: Pool, size: int, per_kind: int) -> list[tuple[str, str]]:
    import random
    rng = random.Random(size)
    out = []
    for kind, templates in (("numeric scoped", NUMERIC), ("narrative scoped", NARRATIVE)):
        for n in range(per_kind):
            i = rng.randrange(size)
            year = pool.reports[i % len(pool.reports)].meta.year
            out.append((kind, templates[n % len(templates)].format(body=body_name(i), year=year)))
    for n in range(per_kind):
        out.append(("narrative unscoped", UNSCOPED_NARRATIVE[n % len(UNSCOPED_NARRATIVE)]))
    for n in range(min(per_kind, 10)):
        out.append(("numeric unscoped", UNSCOPED_NUMERIC[n % 2].format(year=2021 + n % 4)))
    return out


def fresh_database(url: str, name: str) -> str:
    """A new, empty database on the server of `url`; its URL."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name


def _worker(argv: list[str]) -> None:
    w, n, start, stop, pool_path, url, home, folder = argv
    from reportqa.stores import Stores
    pool = pickle.loads(Path(pool_path).read_bytes())
    settings = dataclasses.replace(settings_for(Path(home), Path(folder)), database_url=url or None)
    stores = Stores(settings)
    stores.embedder  # loaded before the clock starts: the rate is of writing, not of starting a process
    print("READY", flush=True)
    sys.stdin.readline()  # every worker starts writing at once
    t0 = time.perf_counter()
    pool.write_range(stores, int(start), int(stop), every=int(n), offset=int(w))
    print(f"WROTE {time.perf_counter() - t0:.3f}", flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--worker":
    _worker(sys.argv[2:])
