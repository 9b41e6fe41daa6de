"""A conversation exported on demand, as Markdown or PDF: the date, and per question the reports
searched, the answer (a refusal marked as such), the notes, and every quote with its location
(report, section, page, cell, character offsets), so anyone can check it with `reportqa show`.

Files are written to a fresh temporary folder only when the user asks for one; gradio serves them
from there. The PDF uses reportlab's built-in CJK font STSong-Light (no font file needed).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from app.render import CELL_SEPARATOR, plain

REFUSED = "未找到答案"


def _names(turn: dict, names: dict[str, str]) -> str:
    return "、".join(names.get(r, r) for r in turn.get("reports") or []) or "（未限定，见下方引用）"


def _location(c: dict) -> str:
    parts = [f"{c.get('body') or ''} {c.get('year') or ''}年", c.get("section") or ""]
    if c.get("page"):
        parts.append(f"第{c['page']}页")
    if c.get("cell"):
        parts.append(f"单元格：{c['cell']['row']} / {c['cell']['column']}")
    parts.append(f"报告 {c['report_id']} 原文第 {c['start']}–{c['end']} 字")
    return " · ".join(p for p in parts if p.strip())


def outline(turns: list[dict], names: dict[str, str], when: float | None = None) -> list[tuple[str, str]]:
    """The export as (kind, text) lines: title, meta, question, refusal, answer, note, cite, quote."""
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(when or time.time()))
    out = [("title", "reportqa 问答记录"), ("meta", f"导出时间：{stamp}　共 {len(turns)} 问")]
    for k, t in enumerate(turns, 1):
        out.append(("question", f"问 {k}：{plain(t['question'])}"))
        out.append(("meta", f"检索的报告：{_names(t, names)}"))
        if t.get("route") == "none":
            out.append(("refusal", f"【{REFUSED}】"))
        out.append(("answer", t["answer"].replace("\t", CELL_SEPARATOR)))
        out += [("note", f"注意：{n}") for n in t.get("notes") or []]
        for i, c in enumerate(t.get("citations") or [], 1):
            out.append(("cite", f"[{i}] {_location(c)}"))
            out.append(("quote", c["quote"].replace("\t", CELL_SEPARATOR)))
    return out


def to_markdown(turns: list[dict], names: dict[str, str], when: float | None = None) -> str:
    lines = []
    for kind, text in outline(turns, names, when):
        if kind == "title":
            lines += [f"# {text}", ""]
        elif kind == "question":
            lines += ["", f"## {text}", ""]
        elif kind == "refusal":
            lines += [f"**{text}**", ""]
        elif kind in ("note", "quote"):
            lines += ["> " + line for line in text.splitlines() or [""]] + [""]
        else:
            lines += [text, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_pdf(turns: list[dict], names: dict[str, str], path: Path, when: float | None = None) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    base = ParagraphStyle("rq", fontName="STSong-Light", fontSize=10.5, leading=16, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("t", parent=base, fontSize=16, leading=22, spaceAfter=4),
        "meta": ParagraphStyle("m", parent=base, fontSize=9, textColor=colors.grey),
        "question": ParagraphStyle("q", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=2),
        "refusal": ParagraphStyle("r", parent=base, textColor=colors.HexColor("#92400e")),
        "answer": base,
        "note": ParagraphStyle("n", parent=base, textColor=colors.HexColor("#92400e"), leftIndent=8),
        "cite": ParagraphStyle("c", parent=base, fontSize=9, textColor=colors.HexColor("#1e3a8a"), spaceBefore=4),
        "quote": ParagraphStyle("o", parent=base, fontSize=9.5, leftIndent=12, textColor=colors.HexColor("#374151"),
                                backColor=colors.HexColor("#f3f4f6"), borderPadding=3),
    }
    story = []
    for kind, text in outline(turns, names, when):
        story.append(Paragraph(xml_escape(text).replace("\n", "<br/>"), styles[kind]))
        if kind == "quote":
            story.append(Spacer(1, 3))
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="reportqa 问答记录", author="reportqa",
                            leftMargin=48, rightMargin=48, topMargin=48, bottomMargin=48)
    doc.build(story)
    return path


def write_export(turns: list[dict], names: dict[str, str], kind: str) -> Path:
    """The conversation as a file of its own in a new temporary folder: kind 'md' or 'pdf'."""
    folder = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
    path = folder / f"reportqa-对话-{time.strftime('%Y%m%d-%H%M%S')}.{kind}"
    if kind == "pdf":
        return to_pdf(turns, names, path)
    path.write_text(to_markdown(turns, names), encoding="utf-8")
    return path
