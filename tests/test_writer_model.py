"""The writer against a real model: llama.cpp's OpenAI-compatible server with Gemma 3 270M, both from
PyPI packages, started once per session by scripts/llm.sh (the first run on a machine compiles the
server: several minutes).

What a 270M model can show here: the whole path works against a real server (streaming, the chat
template, the deadline), how long a draft takes on 2 CPU cores, and how often its drafts pass the guard;
and that whatever it writes, nothing unchecked reaches the user — every shown answer either passed the
guard (and an independent count finds no number outside the facts and cited quotes) or is the
extractive answer with the note.

What it cannot show: wording quality, and the pass rate a real deployment would see. A 270M model
often miscopies numbers, drops [n] or adds names; those drafts are (rightly) rejected, so its pass rate
is measured and printed, not asserted. Quality needs a 7B-class model on the user's own endpoint."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.writer_eval import unsupported_numbers
from reportqa.config import WriterSettings
from retrieval.writer import written_answer
from retrieval.writer.guard import known_names

ROOT = Path(__file__).resolve().parents[1]
LLM = ROOT / "scripts" / "llm.sh"
INSTALL_SECONDS = 2400  # a fresh machine compiles llama.cpp's server once
# The server answers a prompt of ~1,000 tokens in a few seconds; the first request also warms it up.
TIMEOUT = 90.0
QUESTIONS = ("绥芬河市2023年收到多少政府信息公开申请？", "绥芬河市2023年行政事业性收费金额是多少？",
             "绥芬河市政务新媒体有多少个？", "绥芬河市政府信息公开工作存在的主要问题是什么？")


def _llm(command: str, timeout: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPORTQA_PYTHON": sys.executable, "NO_PROXY": "127.0.0.1,localhost"}
    return subprocess.run(["bash", str(LLM), command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def llm_url():
    """The local server's base URL; stopped at the end unless it was running before the session."""
    was_running = _llm("url", 30).returncode == 0
    started = _llm("start", INSTALL_SECONDS)
    if started.returncode != 0:
        pytest.fail(f"scripts/llm.sh start failed:\n{started.stderr[-3000:]}")
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        _llm("stop", 60)


def test_llm_sh_prints_the_base_url_last(llm_url):
    assert llm_url.startswith("http://127.0.0.1:") and llm_url.endswith("/v1")
    assert _llm("start", 60).stdout.strip().splitlines()[-1] == llm_url  # started already: the same URL again


# The model does not care where the answer's facts were stored: one store backend keeps model calls few.
@pytest.mark.parametrize("backend", ["embedded"], scope="session")
def test_a_real_model_never_shows_an_unchecked_answer(llm_url, collection):
    from retrieval.collection import Collection
    from retrieval.pipeline import QuestionAnswerer
    stores, _generated = collection
    qa, names = QuestionAnswerer(stores), known_names(Collection(stores).reports())
    settings = WriterSettings(url=llm_url, model="gemma-3-270m", timeout=TIMEOUT)
    outcomes = []
    for question in QUESTIONS:
        answer = qa.ask(question)
        t0 = time.monotonic()
        outcome = written_answer(answer, settings, names)
        assert time.monotonic() - t0 < TIMEOUT + 5
        shown = outcome.answer
        if outcome.status == "passed":
            assert outcome.guard.passed and shown.answer == outcome.draft.strip()
            assert shown.citations == answer.citations
        else:
            assert shown.answer == answer.answer and shown.notes[-1].endswith("以下为原文摘录回答。")
        assert unsupported_numbers(shown, answer) == []
        outcomes.append(outcome)
        print(f"\n[{outcome.status} {outcome.seconds:.1f}s {outcome.failure}] {question}\n  draft: {outcome.draft[:300]!r}")
    passed = sum(o.status == "passed" for o in outcomes)
    seconds = sorted(o.seconds for o in outcomes)
    print(f"\nwriter on gemma-3-270m: guard pass rate {passed}/{len(outcomes)}, "
          f"latency median {seconds[len(seconds) // 2]:.1f} s, max {seconds[-1]:.1f} s")
    assert any(o.status in ("passed", "failed") for o in outcomes), [o.failure for o in outcomes]  # it did write


@pytest.mark.parametrize("backend", ["embedded"], scope="session")
def test_a_refusal_is_not_sent_to_the_model(llm_url, collection):
    from retrieval.pipeline import QuestionAnswerer
    stores, _generated = collection
    answer = QuestionAnswerer(stores).ask("北京市2023年收到多少申请？")
    outcome = written_answer(answer, WriterSettings(url=llm_url, timeout=TIMEOUT))
    assert answer.route == "none" and outcome.status == "refusal" and outcome.answer is answer
