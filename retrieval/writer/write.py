"""The writer's orchestration: an extractive answer in, the answer to show out.

    off, or a refusal (route "none")   the answer unchanged, byte for byte
    the draft passes the guard         the written text in place of answer.answer, the same citations,
                                       value and unit, and a note that the model wrote it
    anything else                      the extractive answer with a plain note saying the written version
                                       failed (and which check, or why the endpoint failed); the audit
                                       log records the reasons

The model's raw text is never shown: `write_events` yields only how many characters have arrived
(for a "writing…" indicator), then the outcome. The deadline is the caller's, whatever the endpoint
does: the draft is read in a worker thread and waited for with a timeout."""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Literal

from prompts import writer
from reportqa.config import WriterSettings
from reportqa.types import Answer
from retrieval.writer.client import WriterError, stream_chat
from retrieval.writer.guard import GuardResult, check_draft
from retrieval.writer.prompt import messages

log = logging.getLogger(__name__)
Status = Literal["off", "refusal", "passed", "failed", "error"]
Drafter = Callable[[WriterSettings, list], Iterator[str]]  # stream_chat, or a test's stand-in
# Past the deadline the worker thread may still be reading; it ends at its own HTTP timeout.
_END = object()


@dataclass(frozen=True)
class WriterOutcome:
    status: Status
    answer: Answer  # what is shown
    extractive: Answer  # the router's answer, unchanged
    draft: str = ""  # the model's text, for the audit (shown only when status == "passed")
    guard: GuardResult | None = None
    failure: str = ""  # which checks failed (数字核对…) or the endpoint's error kind
    seconds: float = 0.0


def _drafting(drafter: Drafter, settings: WriterSettings, msgs: list, out: queue.Queue) -> None:
    try:
        for part in drafter(settings, msgs):
            out.put(part)
        out.put(_END)
    except WriterError as exc:
        out.put(exc)
    except Exception as exc:  # a bug or an odd library error: logged, and the user gets the extractive answer
        log.exception("writer: drafting failed")
        out.put(WriterError("internal", type(exc).__name__))


def _draft(answer: Answer, settings: WriterSettings, drafter: Drafter) -> Iterator[int | str | WriterError]:
    """Character counts while the draft arrives, then the whole draft (str) or a WriterError."""
    deadline = time.monotonic() + settings.timeout
    out: queue.Queue = queue.Queue()
    threading.Thread(target=_drafting, args=(drafter, settings, messages(answer), out), daemon=True,
                     name="reportqa-writer").start()
    text = ""
    while True:
        try:
            item = out.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            yield WriterError("timeout", f"no complete draft within {settings.timeout:g} s")
            return
        if item is _END:
            yield text
            return
        if isinstance(item, WriterError):
            yield item
            return
        text += item
        yield len(text)


def _fallback(answer: Answer, note: str) -> Answer:
    return replace(answer, notes=[*answer.notes, note])


def _judge(answer: Answer, draft: str, known_names: Iterable[str], t0: float) -> WriterOutcome:
    notes = writer()["notes"]
    if not draft.strip():
        return _failed_call(answer, WriterError("empty"), t0)
    guard = check_draft(draft, answer, known_names)
    seconds = time.monotonic() - t0
    if guard.passed:
        log.info("writer: draft passed the guard in %.1f s", seconds)
        shown = replace(answer, answer=draft.strip(), notes=[*answer.notes, notes["written"]])
        return WriterOutcome("passed", shown, answer, draft, guard, "", seconds)
    log.warning("writer: draft failed its check (%s) for %r: %s | draft: %r", guard.failed_labels,
                answer.question, "; ".join(guard.reasons()), draft)
    shown = _fallback(answer, notes["failed"].format(checks=guard.failed_labels))
    return WriterOutcome("failed", shown, answer, draft, guard, guard.failed_labels, seconds)


def _failed_call(answer: Answer, error: WriterError, t0: float) -> WriterOutcome:
    reason = writer()["errors"].get(error.kind, error.kind)
    log.warning("writer: no draft for %r (%s)", answer.question, error)
    shown = _fallback(answer, writer()["notes"]["error"].format(reason=reason))
    return WriterOutcome("error", shown, answer, "", None, error.kind, time.monotonic() - t0)


def write_events(answer: Answer, settings: WriterSettings | None, known_names: Iterable[str] = (),
                 drafter: Drafter = stream_chat) -> Iterator[int | WriterOutcome]:
    """Character counts while the model writes (nothing of its text), then one WriterOutcome."""
    t0 = time.monotonic()
    if settings is None or not settings.enabled:
        yield WriterOutcome("off", answer, answer)
        return
    if answer.route == "none":  # the router refused: the model never answers what it refused
        yield WriterOutcome("refusal", answer, answer)
        return
    for item in _draft(answer, settings, drafter):
        if isinstance(item, int):
            yield item
        elif isinstance(item, WriterError):
            yield _failed_call(answer, item, t0)
        else:
            yield _judge(answer, item, known_names, t0)


def written_answer(answer: Answer, settings: WriterSettings | None, known_names: Iterable[str] = (),
                   drafter: Drafter = stream_chat) -> WriterOutcome:
    """The outcome of writing one answer (blocking, within settings.timeout)."""
    outcome = None
    for item in write_events(answer, settings, known_names, drafter):
        if isinstance(item, WriterOutcome):
            outcome = item
    return outcome
