"""Evaluation over a JSONL question file: accuracy per kind, refusals, citation validity, latency.

Each line: {"question", "kind": numeric|narrative|unanswerable, "answer": number | phrase (or a
list of acceptable phrases) | "UNANSWERABLE", optional "bodies", "years", "history"}.  Numeric is
right when the table route gives exactly the value and a citation supports it (a quote holds the
number, or the cited cells sum to it); narrative when a text-route citation quotes the phrase;
unanswerable when the answer is an honest refusal (route "none").
"""
from __future__ import annotations

import json
import re
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

KINDS = ("numeric", "narrative", "unanswerable")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def _dec(value) -> Decimal | None:
    try:
        return None if value is None or isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass
class Result:
    question: str
    kind: str
    expected: object
    route: str
    answer: str
    correct: bool
    seconds: float
    n_citations: int  # how many citations the answer gave
    n_valid: int  # how many of them quote exactly text[start:end]
    report: str | None = None  # the file the answer is in, when the question file says


@dataclass(repr=False)
class EvalReport:
    results: list[Result] = field(default_factory=list)

    def of(self, kind: str | None = None) -> list[Result]:
        return [r for r in self.results if kind is None or r.kind == kind]

    def accuracy(self, kind: str | None = None) -> float:
        return _rate([r.correct for r in self.of(kind)])

    def wrongly_refused(self, except_reports: set[str] = frozenset()) -> float:
        return _rate([r.route == "none" for r in self.results if r.kind != "unanswerable" and r.report not in except_reports])

    def wrongly_answered(self) -> float:
        return _rate([r.route != "none" for r in self.of("unanswerable")])

    def wrong_numbers(self) -> list[Result]:
        """Answers that gave a number that is not the right one: a numeric question answered with
        another value, or an unanswerable one answered with a figure. Refusals are not counted here."""
        return [r for r in self.results if r.route == "table" and not r.correct and r.kind in ("numeric", "unanswerable")]

    def citation_validity(self) -> float:
        total = sum(r.n_citations for r in self.results)
        return sum(r.n_valid for r in self.results) / total if total else 1.0

    def latency(self, kind: str | None = None, q: float = 0.5) -> float:
        xs = sorted(r.seconds for r in self.of(kind))  # nearest-rank percentile
        return xs[min(len(xs) - 1, max(0, round(q * len(xs) + 0.5) - 1))] if xs else float("nan")

    @property
    def failures(self) -> list[tuple[str, object, str]]:
        return [(r.question, r.expected, f"[{r.route}] {r.answer}") for r in self.results if not r.correct]

    def summary(self) -> str:
        lines = [f"{'kind':<14}{'n':>5}{'correct':>9}{'accuracy':>10}{'p50 ms':>9}{'p95 ms':>9}"]
        for kind, rs in [(k, self.of(k)) for k in (*KINDS, None) if self.of(k)]:
            lines.append(f"{kind or 'all':<14}{len(rs):>5}{sum(r.correct for r in rs):>9}{self.accuracy(kind):>10.1%}"
                         f"{self.latency(kind, 0.5) * 1000:>9.0f}{self.latency(kind, 0.95) * 1000:>9.0f}")
        lines += [f"wrong numbers (a figure given, not the right one): {len(self.wrong_numbers())}",
                  f"wrongly refused (answerable → none): {self.wrongly_refused():.1%}",
                  f"wrongly answered (unanswerable → answer): {self.wrongly_answered():.1%}",
                  f"citation validity (quote == text[start:end]): {self.citation_validity():.1%} of "
                  f"{sum(r.n_citations for r in self.results)}"]
        if self.failures:
            lines.append(f"failures ({len(self.failures)}):")
            for q, expected, got in self.failures:
                lines.append(f"  ✗ {q}\n      expected: {expected}\n      got: {got[:160].replace(chr(10), ' ⏎ ')}")
        return "\n".join(lines)


@dataclass
class Identification:
    """Body and year found at ingest, against the truth read by hand (sources JSONL)."""

    file: str
    expected_body: str
    expected_year: int | None
    found_body: str | None
    found_year: int | None
    stored: bool
    named_in_text: bool = True  # False: the text never names its body (我局…), known only from elsewhere

    @property
    def body_right(self) -> bool:
        return self.stored and same_body(self.expected_body, self.found_body)

    @property
    def year_right(self) -> bool:
        return self.stored and self.expected_year == self.found_year


def same_body(expected: str | None, found: str | None) -> bool:
    """One body: the same canonical name, or one is the other with its parent places written out
    (宝鸡市渭滨区统计局 ~ 渭滨区统计局)."""
    from reportqa.bodies import canonical
    # a zone's 管理委员会 is its government: 平潭综合实验区管理委员会 ~ 平潭综合实验区
    a, b = (_body_core(canonical(x)) for x in (expected, found))
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return a == b or (long_.endswith(short) and re.fullmatch(r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|州|盟|地区|区|县))+",
                                                              long_[: len(long_) - len(short)]) is not None)


def _body_core(name: str) -> str:
    """What two ways of writing one body share: a place's 人民政府 (上海市 ~ 上海市人民政府), a zone's
    管理委员会, a street's 街道办事处 (白云街 ~ 白云街道办事处), 人民政府 between place and street."""
    name = re.sub(r"(?<=[区县市镇乡])(?:管理委员会|人民政府)$", "", name)
    name = re.sub(r"街(?:道)?(?:办事处)?$", "街道", name)
    return re.sub(r"人民政府(?=[\u4e00-\u9fff]{2,6}街道$)", "", name)


def identification_report(sources: Path) -> tuple[list[Identification], str]:
    """Each source line ({"file", "body", "year"}, file relative to the sources file) read as ingest reads
    it (in memory, nothing stored): accepted or rejected, and the body and year found."""
    from ingest.pipeline import parse_report
    from ingest.readers import ReaderError
    rows = []
    for line in Path(sources).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        try:
            meta = parse_report(Path(sources).parent / item["file"]).meta
        except (ReaderError, OSError, ValueError):
            meta = None
        rows.append(Identification(item["file"], item["body"], item.get("year"), meta.body if meta else None,
                                   meta.year if meta else None, meta is not None,
                                   item.get("body_evidence", "") is not None))
    n = len(rows) or 1
    lines = [f"identification over {len(rows)} reports:",
             f"  stored (not rejected): {sum(r.stored for r in rows)} ({sum(r.stored for r in rows) / n:.1%})",
             f"  body right: {sum(r.body_right for r in rows)} ({sum(r.body_right for r in rows) / n:.1%})",
             f"  year right: {sum(r.year_right for r in rows)} ({sum(r.year_right for r in rows) / n:.1%})",
             f"  both right: {sum(r.body_right and r.year_right for r in rows) / n:.1%}"]
    named = [r for r in rows if r.named_in_text]
    unnamed = [r for r in rows if not r.named_in_text]
    if unnamed:
        lines += [f"  of the {len(named)} whose text names the body: body right {sum(r.body_right for r in named)}"
                  f" ({sum(r.body_right for r in named) / (len(named) or 1):.1%}), both right "
                  f"{sum(r.body_right and r.year_right for r in named) / (len(named) or 1):.1%}",
                  f"  of the {len(unnamed)} whose text never names it: left unknown or partial (区统计局) "
                  f"{sum(not r.found_body or not same_body(r.expected_body, r.found_body) and len(r.found_body) <= 6 for r in unnamed)},"
                  f" named right anyway {sum(r.body_right for r in unnamed)}, named wrong "
                  f"{sum(bool(r.found_body) and not r.body_right and len(r.found_body) > 6 for r in unnamed)}"]
    for r in rows:
        if not (r.body_right and r.year_right):
            lines.append(f"  ✗ {r.file}: expected {r.expected_body} {r.expected_year}, "
                         f"got {'(rejected)' if not r.stored else f'{r.found_body} {r.found_year}'}")
    return rows, "\n".join(lines)


def load_questions(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            items.append(json.loads(line, parse_float=Decimal))
            if items[-1].get("kind") not in KINDS or not {"question", "answer"} <= items[-1].keys():
                raise ValueError(f"{path}:{n}: needs question, answer and kind in {KINDS}")
    return items


def _supports_number(stores, answer, expected: Decimal) -> bool:
    """A quote holds the number, or (a group total) the cited cells add up to it."""
    number = re.compile(rf"(?<![\d.]){re.escape(format(expected.normalize(), 'f'))}(?!\.?\d)")
    if any(number.search(unicodedata.normalize("NFKC", c.quote)) for c in answer.citations):
        return True
    cells = [c for c in answer.citations if c.cell is not None]
    values = {(f.report_id, f.table, f.row_key, f.column_key, f.start): f.value or 0
              for rid in {c.report_id for c in cells} for f in stores.facts.facts(rid, kind="table")}
    got = [values.get((c.report_id, c.cell.table, c.cell.row_key, c.cell.column_key, c.start)) for c in cells]
    return len(cells) > 1 and None not in got and sum(got, Decimal(0)) == expected


def _is_correct(stores, item: dict, answer) -> bool:
    kind, expected = item["kind"], item["answer"]
    if kind == "unanswerable":
        return answer.route == "none"
    if kind == "numeric":
        got = _dec(answer.value)
        return (answer.route == "table" and got is not None and got == _dec(expected)
                and _supports_number(stores, answer, _dec(expected)))
    phrases = [_flat(p) for p in (expected if isinstance(expected, list) else [expected])]
    return answer.route == "text" and any(p in _flat(c.quote) for c in answer.citations for p in phrases)


def run_eval(stores, path: Path, qa=None) -> EvalReport:
    from retrieval.pipeline import QuestionAnswerer
    qa = qa or QuestionAnswerer(stores)
    texts: dict[str, str | None] = {}
    if stores.facts.list_reports():  # load the model and indexes first: latency is per question, not start-up
        stores.embedder.embed_query("预热")
        stores.vectors, stores.keyword_index()
    report = EvalReport()
    for item in load_questions(path):
        t0 = time.perf_counter()
        answer = qa.ask(item["question"], bodies=item.get("bodies"), years=item.get("years"),
                        history=item.get("history"))
        seconds = time.perf_counter() - t0
        for c in answer.citations:
            texts.setdefault(c.report_id, stores.facts.report_text(c.report_id) or "")
        valid = sum(c.quote == texts[c.report_id][c.start:c.end] for c in answer.citations)
        report.results.append(Result(item["question"], item["kind"], item["answer"], answer.route, answer.answer,
                                     _is_correct(stores, item, answer), seconds, len(answer.citations), valid,
                                     item.get("report")))
    return report


def asker(stores, writer=None):
    """ask(question) -> Answer: the router's answer, written by the model when a writer is given
    (`reportqa ask --writer`); a writer that is asked for but not configured is an error, not silence."""
    from retrieval.collection import Collection
    from retrieval.pipeline import QuestionAnswerer
    from retrieval.writer import written_answer
    from retrieval.writer.guard import known_names
    qa = QuestionAnswerer(stores)
    if writer is None:
        return qa.ask
    if not writer.enabled:
        raise SystemExit("--writer needs an OpenAI-compatible endpoint: set REPORTQA_LLM_URL (e.g. scripts/llm.sh start)")
    names = known_names(Collection(stores).reports())
    return lambda question: written_answer(qa.ask(question), writer, names).answer


def eval_command(stores, path: Path, sources: str | None = None, writer=None) -> int:
    """`reportqa eval`: identification (with sources), accuracy, and the writer (with writer settings)."""
    rows = []
    if sources:
        rows, summary = identification_report(Path(sources))
        print(summary)
    report = run_eval(stores, Path(path))
    print(report.summary())
    unnamed = {r.file for r in rows if not r.named_in_text}
    if unnamed:  # a question naming a body its report's text never names is refused until someone relabels it
        print(f"wrongly refused, leaving out the reports whose text never names its body: "
              f"{report.wrongly_refused(unnamed):.1%}")
    if writer is not None:
        asker(stores, writer)  # configured, or the error
        from app.writer_eval import run_writer_eval
        print(run_writer_eval(stores, Path(path), writer).summary())
    return 0


__all__ = ["EvalReport", "Result", "asker", "eval_command", "load_questions", "run_eval"]
