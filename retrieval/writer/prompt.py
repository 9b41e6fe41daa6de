"""The messages sent to the model: the question, the router's verified answer (its figures) and the
numbered cited quotes with body, year and section, worded by prompts/writer.toml."""
from __future__ import annotations

from prompts import writer
from reportqa.types import Answer

# A quote longer than this is cut in the prompt (the guard still checks against the whole quote): table
# rows and passages fit; a 270M model's context and 2 CPU cores do not take ten full sections.
MAX_QUOTE_CHARS = 300
# The cited quotes shown to the model; a group answer of 8 parts fits, an answer citing 30 cells is
# worded from the answer's own text and the first of them.
MAX_SOURCES = 10


def _quote(text: str) -> str:
    flat = " ".join(text.replace("\t", " ").split())
    return flat if len(flat) <= MAX_QUOTE_CHARS else flat[:MAX_QUOTE_CHARS] + "…"


def sources_text(answer: Answer) -> str:
    p = writer()["prompts"]
    lines = []
    for n, c in enumerate(answer.citations[:MAX_SOURCES], 1):
        report = f"{c.body}{c.year or ''}年报告" if c.year else f"{c.body}报告"
        lines.append(p["source"].format(ref=n, report=report, section=c.section or "正文", quote=_quote(c.quote)))
    return "\n".join(lines)


def messages(answer: Answer) -> list[dict[str, str]]:
    """OpenAI chat messages for one answer: the rules, one worked example, the answer to word."""
    p = writer()["prompts"]
    user = p["user"].format(question=answer.question, answer=answer.answer, sources=sources_text(answer))
    return [{"role": "system", "content": p["system"]}, {"role": "user", "content": p["example_user"]},
            {"role": "assistant", "content": p["example_answer"]}, {"role": "user", "content": user}]


def stop_sequences() -> list[str]:
    return list(writer()["prompts"].get("stop", []))
