"""The answer contract: one object for the CLI, the web chat, the gradio API and the evaluator."""
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


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    for note in answer.notes:
        lines.append(f"  注意：{note}")
    for i, c in enumerate(answer.citations, 1):
        where = f"{c.body} {c.year or ''}年报告 · {c.section}" + (f" · 第{c.page}页" if c.page else "")
        cell = f" · 表格单元格：{c.cell.row} / {c.cell.column}" if c.cell else ""
        quote = c.quote.replace("\t", " | ").replace("\n", " ⏎ ")
        lines.append(f"[{i}] {where}{cell} [{c.start}:{c.end}]\n    「{quote}」")
    return "\n".join(lines)
