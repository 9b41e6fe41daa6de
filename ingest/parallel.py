"""Ingest of many files: parsing runs ahead of embedding, or N worker processes share the files.

`overlapped`: a thread parses the next files (in the isolated parser process, so on another core)
while this one embeds and stores. The reports parsed meanwhile (up to GROUP) are embedded
together — their distinct texts in one run sorted by length, so batches pad less than one report
alone — and then stored one by one, each all or nothing as before.

`in_workers`: N processes (`python -m ingest.parallel`), each with its own stores handle, parser
process and one embedding thread, take the files one at a time; the store's writer lock serialises
their commits. Each file goes to exactly one worker; a worker that dies is replaced, and its file is
reported rejected. Both yield (index of the file, IngestResult) as files finish.
"""
from __future__ import annotations

import dataclasses
import os
import queue
import select
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from ingest.isolation import _receive, _send, worker_requests
from ingest.pipeline import IngestResult, ingest_file, parse_file, store_parsed
from reportqa.config import Settings
from reportqa.stores import Stores
from reportqa.stores.vector_space import embed_chunks
from reportqa.types import ParsedReport

GROUP = 8  # reports parsed ahead of the embedder, and embedded together
_ROOT = Path(__file__).resolve().parents[1]


def overlapped(stores: Stores, files: list[Path], *, body=None, year=None, replace=False):
    ready: queue.Queue = queue.Queue(maxsize=GROUP)
    stop = threading.Event()

    def put(item) -> None:
        while not stop.is_set():
            try:
                return ready.put(item, timeout=0.2)
            except queue.Full:
                continue

    def produce() -> None:
        for index, path in enumerate(files):
            if stop.is_set():
                return
            try:
                put((index, path, parse_file(path, body=body, year=year)))
            except BaseException as exc:  # a bug, not a bad file: raised in the caller's thread
                put((index, path, exc))
                return

    thread = threading.Thread(target=produce, name="ingest-parse", daemon=True)
    thread.start()
    try:
        done = 0
        while done < len(files):
            group = [ready.get()]
            while len(group) < GROUP:
                try:
                    group.append(ready.get_nowait())
                except queue.Empty:
                    break
            _embed_together(stores, [parsed for _i, _p, parsed in group if isinstance(parsed, ParsedReport)])
            for index, path, parsed in group:
                if isinstance(parsed, BaseException):
                    raise parsed
                done += 1
                yield index, parsed if isinstance(parsed, IngestResult) else store_parsed(stores, path, parsed,
                                                                                          replace=replace)
    finally:
        stop.set()


def _embed_together(stores: Stores, reports: list[ParsedReport]) -> None:
    """Fill the vector cache with the chunks of the reports that will be stored (not unchanged)."""
    new = [r for r in reports if stores.facts.report_version(r.report_id) != r.version]
    if len(new) > 1:
        embed_chunks(stores.facts, stores.embedder, [c for r in new for c in r.chunks])


def in_workers(stores: Stores, files: list[Path], workers: int, *, body=None, year=None, replace=False):
    _prepare(stores)
    settings = dataclasses.replace(stores.settings, embedding_threads=1)
    todo = deque(enumerate(files))
    busy: dict[subprocess.Popen, tuple[int, Path]] = {}

    def give(worker: subprocess.Popen) -> None:
        if not todo:
            _stop(worker)
            return
        index, path = todo.popleft()
        busy[worker] = (index, path)
        _send(worker.stdin, (os.path.abspath(path), body, year, replace))

    try:
        for _ in range(min(workers, len(files))):
            give(_start(settings))
        while busy:
            readable, _, _ = select.select([w.stdout for w in busy], [], [])
            for worker in [w for w in list(busy) if w.stdout in readable]:
                index, path = busy.pop(worker)
                try:
                    result = dataclasses.replace(_receive(worker.stdout), path=str(path))
                except (EOFError, OSError):
                    result = IngestResult(str(path), "rejected", message=f"{path.name}: the ingest worker stopped "
                                                                         "unexpectedly while storing it")
                    _stop(worker)
                    worker = _start(settings)
                yield index, result
                give(worker)
    finally:
        for worker in list(busy):
            _stop(worker)


def _prepare(stores: Stores) -> None:
    """Convert the model, create the Chroma folder and collection (two processes creating a new Chroma
    folder at once collide: "table collections already exists"), and re-embed a store switched to
    this backend: once, here, not in every worker. The model is loaded here only to re-embed."""
    from reportqa.embedding import prepare_model
    prepare_model(stores.settings)
    stores.vectors
    if stores.facts.vector_space() != stores.embedder_name() and stores.facts.committed_versions():
        stores.embedder


def _start(settings: Settings) -> subprocess.Popen:
    env = {**os.environ, "REPORTQA_EMBEDDING_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
    worker = subprocess.Popen([sys.executable, "-m", "ingest.parallel"], cwd=_ROOT, env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    _send(worker.stdin, settings)
    return worker


def _stop(worker: subprocess.Popen) -> None:
    try:
        if worker.poll() is None:
            _send(worker.stdin, None)
        worker.stdin.close()
    except OSError:
        pass
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    worker.stdout.close()


def _serve() -> None:
    """A worker: ingest each (path, body, year, replace) read from stdin; write back its IngestResult."""
    stores = None
    for channel_out, request in worker_requests(first=1):
        if stores is None:  # the first message is the settings of the store to write to
            stores = Stores(request)
            continue
        path, body, year, replace = request
        try:
            result = ingest_file(stores, Path(path), body=body, year=year, replace=replace)
        except Exception as exc:  # a bug on one file: that file is rejected, the run goes on
            result = IngestResult(path, "rejected", message=f"{Path(path).name}: {type(exc).__name__}: {exc}")
        _send(channel_out, result)


if __name__ == "__main__":
    _serve()
