"""`reportqa eval FILE --writer`: the LLM writer measured on a question file.

For each question the router's (extractive) answer is written by the configured model and shown as
the writer decides (retrieval/writer/write.py). Reported: how often the draft passed the guard, which
checks failed, the endpoint's errors, the writer's latency, and — checked here independently of the
guard, with its own reading of numbers — how many numbers that reached the user are not in the
extractive answer or its cited quotes. That count must be 0; refusals must stay refusals."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# This reading is deliberately simpler than the guard's (retrieval/writer/numbers.py): a number is its
# digits and the characters right after it, and it must be found with the same characters in the facts.
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)[ \t]*(余|多)?[ \t]*(万元|亿元|元|万|%|件|条|个|项|次|人|家|篇|年|月|日)?")
_MARKER = re.compile(r"\[\d+\]")


def _numbers(text: str) -> set[tuple[Decimal, str, str]]:
    flat = _MARKER.sub(" ", re.sub(r"(?<=\d),(?=\d{3})", "", unicodedata.normalize("NFKC", text or "")))
    return {(Decimal(m[1]), m[2] or "", m[3] or "") for m in _NUMBER.finditer(flat)}


def unsupported_numbers(shown, extractive) -> list[str]:
    """Numbers in the shown answer's text that neither the extractive answer nor a cited quote holds
    (same value, same 余/多, same unit; a bare number may be a bare table cell)."""
    facts = _numbers(extractive.answer) | {n for c in extractive.citations for n in _numbers(c.quote)}
    if extractive.value is not None:
        facts.add((Decimal(str(extractive.value)), "", extractive.unit or ""))
    bare = {(v, a) for v, a, _u in facts}
    return [f"{v}{a}{u}" for v, a, u in sorted(_numbers(shown.answer))
            if (v, a, u) not in facts and not (u == "" and (v, a) in bare)]


@dataclass
class WriterRow:
    question: str
    status: str  # passed | failed | error | refusal
    failure: str
    seconds: float
    unsupported: list[str] = field(default_factory=list)
    refusal_kept: bool = True


@dataclass(repr=False)
class WriterEvalReport:
    rows: list[WriterRow] = field(default_factory=list)

    def summary(self) -> str:
        written = [r for r in self.rows if r.status != "refusal"]
        passed = sum(r.status == "passed" for r in written)
        times = sorted(r.seconds for r in written)
        pct = lambda q: times[min(len(times) - 1, int(q * len(times)))] if times else float("nan")
        failures = Counter(c for r in written if r.status == "failed" for c in r.failure.split("、"))
        errors = Counter(r.failure for r in written if r.status == "error")
        bad = [(r.question, n) for r in self.rows for n in r.unsupported]
        lines = [f"writer: {len(written)} answers written, {len(self.rows) - len(written)} refusals left as they are",
                 f"  guard pass rate: {passed}/{len(written)} ({passed / (len(written) or 1):.1%})",
                 f"  failed checks: {dict(failures) or 'none'}; endpoint errors: {dict(errors) or 'none'}",
                 f"  writer latency p50 {pct(0.5):.1f} s, p95 {pct(0.95):.1f} s",
                 f"  numbers shown that differ from the facts or the cited text: {len(bad)} (must be 0)",
                 f"  refusals turned into answers: {sum(not r.refusal_kept for r in self.rows)} (must be 0)"]
        lines += [f"  ✗ {q}: {n}" for q, n in bad]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps([r.__dict__ for r in self.rows], ensure_ascii=False)


def run_writer_eval(stores, path: Path, writer, qa=None) -> WriterEvalReport:
    """Each question of the file asked, written and checked (writer: reportqa.config.WriterSettings)."""
    from app.evaluate import load_questions
    from retrieval.collection import Collection
    from retrieval.pipeline import QuestionAnswerer
    from retrieval.writer import written_answer
    from retrieval.writer.guard import known_names
    qa = qa or QuestionAnswerer(stores)
    names = known_names(Collection(stores).reports())
    report = WriterEvalReport()
    for item in load_questions(path):
        answer = qa.ask(item["question"], bodies=item.get("bodies"), years=item.get("years"), history=item.get("history"))
        outcome = written_answer(answer, writer, names)
        shown = outcome.answer
        report.rows.append(WriterRow(item["question"], outcome.status, outcome.failure, outcome.seconds,
                                     unsupported_numbers(shown, answer),
                                     answer.route != "none" or shown.answer == answer.answer))
    return report
