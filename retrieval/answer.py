"""The answer contract: one object for the CLI, the web chat, the gradio API and the evaluator.

The answer as terminal text is app/text.py (format_answer)."""
from __future__ import annotations

from dataclasses import asdict

from reportqa.types import Answer


def answer_to_dict(answer: Answer) -> dict:
    citations = []
    for c in answer.citations:
        d = asdict(c)
        d["cell"] = asdict(c.cell) if c.cell else None
        citations.append(d)
    return {
        "question": answer.question, "route": answer.route, "answer": answer.answer,
        "value": answer.value, "unit": answer.unit, "reports": list(answer.reports),
        "citations": citations, "notes": list(answer.notes),
    }

