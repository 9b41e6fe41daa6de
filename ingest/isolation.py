"""Each file is parsed in a separate process, under a deadline and a memory ceiling.

A hostile or damaged file (a decompression bomb, a page of 3.6 billion pixels, HTML nested
100,000 deep, a pattern that makes a parser spin) then costs at most ParseLimits.seconds and
ParseLimits.memory_mb, and is rejected with the reason; the run, the web server and the machine
go on. One worker process serves file after file (started once: its imports cost a second); a
worker that overran or died is replaced for the next file.

The worker is a plain `python -m ingest.isolation` child talking length-prefixed pickles over
its stdin/stdout, so it never re-imports the caller's main module (as multiprocessing's spawn
does) and works the same under the CLI, the web server, pytest and a user's script.
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from pathlib import Path

from ingest.readers import ReaderError
from reportqa.config import ParseLimits
from reportqa.names import displayable
from reportqa.types import ParsedReport

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!Q")
_ROOT = Path(__file__).resolve().parents[1]


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("the worker closed its pipe")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _receive(stream):
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return pickle.loads(_read_exactly(stream, size))


# ------------------------------------------------------------------ the worker side
def worker_requests(first: int = 0):
    """A worker's channel: the stdin/stdout pair every request and reply go through. Yields
    (channel_out, request) until the caller sends None or closes; `first` requests are read
    and yielded before the loop's (a worker's set-up message)."""
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing a library prints may corrupt the channel
    while True:
        try:
            request = _receive(channel_in)
        except EOFError:
            return
        if request is None and first <= 0:
            return
        first -= 1
        yield channel_out, request


def _serve(memory_mb: int) -> None:
    """Parse each (path, body, year) read from stdin; write back ("ok", report) or ("rejected", name, reason)."""
    import resource
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from ingest.pipeline import parse_report
    for channel_out, request in worker_requests():
        path, body, year = request
        name = Path(path).name
        try:
            reply = ("ok", parse_report(Path(path), body=body, year=year))
        except ReaderError as exc:
            reply = ("rejected", exc.name, exc.reason)
        except MemoryError:
            _send(channel_out, ("rejected", name, f"reading it used more than {memory_mb} MB of memory; stopped"))
            return  # the heap may be in pieces: a fresh worker reads the next file
        except RecursionError:
            reply = ("rejected", name, "its structure is nested too deeply to read")
        except Exception as exc:  # a reader's bug on a strange file: that file is rejected, the run goes on
            reply = ("rejected", name, f"it could not be read ({type(exc).__name__}: {str(exc)[:200]})")
        _send(channel_out, reply)


# ------------------------------------------------------------------ the caller's side
class IsolatedParser:
    """parse(path) in the worker process; raises ReaderError naming the file when it cannot."""

    def __init__(self, limits: ParseLimits | None = None):
        self.limits = limits or ParseLimits.current()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._largest_peak_mb = 0.0  # of the workers stopped so far (a worker is replaced after a failure)

    def parse(self, path: Path, *, body: str | None = None, year: int | None = None) -> ParsedReport:
        path = Path(path)
        with self._lock:
            process = self._start()
            try:
                _send(process.stdin, (os.path.abspath(path), body, year))  # the worker runs in another folder
                ready, _, _ = select.select([process.stdout], [], [], self.limits.seconds)
                if not ready:
                    self._stop(kill=True)
                    log.warning("%r: parsing stopped after %s s", path.name, self.limits.seconds)
                    raise ReaderError(path.name, f"reading it took longer than {self.limits.seconds:g} s; stopped")
                reply = _receive(process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError, struct.error):
                self._stop(kill=True)
                raise ReaderError(path.name, "the parser stopped unexpectedly while reading it (out of memory or a "
                                             "crash in a reader)") from None
            if reply[0] != "ok" and process.poll() is not None:
                self._stop(kill=True)
        if reply[0] == "ok":
            reply[1].source_path = displayable(str(path))  # as the caller named it
            return reply[1]
        raise ReaderError(reply[1], reply[2])

    def peak_memory_mb(self) -> float | None:
        """The worker's peak resident memory so far (Linux), None when no worker runs."""
        process = self._process
        try:
            status = Path(f"/proc/{process.pid}/status").read_text() if process else ""
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def largest_peak_mb(self) -> float:
        """The largest peak resident memory of any worker so far, the running one included."""
        return max(self._largest_peak_mb, self.peak_memory_mb() or 0.0)

    def _start(self) -> subprocess.Popen:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop(kill=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ingest.isolation", str(self.limits.memory_mb)], cwd=_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._process

    def _stop(self, *, kill: bool = False) -> None:
        self._largest_peak_mb = max(self._largest_peak_mb, self.peak_memory_mb() or 0.0)
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if not kill and process.poll() is None:
                _send(process.stdin, None)
            process.stdin.close()
        except OSError:
            pass
        if kill:
            process.kill()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()

    def close(self) -> None:
        with self._lock:
            self._stop()


_shared: IsolatedParser | None = None
_shared_lock = threading.Lock()


def shared_parser() -> IsolatedParser:
    """One worker per process, shut down at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = IsolatedParser()
            atexit.register(_shared.close)
        return _shared


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else ParseLimits().memory_mb)
