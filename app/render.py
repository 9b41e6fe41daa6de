"""HTML and Markdown views of answers, citations and table grids for the web page.

Every piece of report text is escaped; in chat bubbles it is Markdown-inert too. A table row's tab
stays a tab in the text (copying a quote gives the report's characters) and is drawn as a cell
separator, so 178<tab>37 never reads as 17837. Table grids are app/render_grid.py, the audit
app/web/audit.py, comparisons app/web/compare_view.py, the report page app/web/report_view.py.
"""
from __future__ import annotations

import re
from html import escape

from app.render_grid import header_rows, table_grid  # noqa: F401  (header_rows: kept importable from here)
from reportqa.schema import table_specs
from reportqa.types import Answer, CellRef, Citation
from reportqa.vocabulary import standard_sections

RADIUS = 150  # characters of surrounding text shown on each side of a quote
TITLE_CHARS = 240  # characters of a quote shown when hovering over its [n]
SECTION_NAMES = {s.number: s.name for s in standard_sections()}
CELL_SEPARATOR = " │ "  # a tab between two table cells in plain text (chat bubbles, exports)


def _e(value) -> str:
    return escape("" if value is None else str(value))


# Characters that Markdown would act on, as entities: a report's "[点此](http://…)" or "**重要**" is
# shown as written, never as a link or bold (the quote must be what the report says); "://" and
# "www." too, which the chat would otherwise turn into links by themselves.
_MARKDOWN_ENTITIES = {ch: f"&#{ord(ch)};" for ch in "\\`*_[]()#+-!|~{}<>&\"'"}


def md_text(value) -> str:
    """Report text for a Markdown bubble: HTML-escaped, Markdown inert, table cells kept apart."""
    text = "".join(_MARKDOWN_ENTITIES.get(ch, ch) for ch in ("" if value is None else str(value)))
    text = text.replace("\t", CELL_SEPARATOR)
    return text.replace("://", ":&#47;&#47;").replace("www.", "www&#46;")


def plain(value, limit: int | None = None) -> str:
    """Report text on one line for a title attribute or an export: tabs as │, line breaks as spaces."""
    text = " ".join(("" if value is None else str(value)).replace("\t", CELL_SEPARATOR).split())
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


def section_title(number: str) -> str:
    """第三部分 收到和处理政府信息公开申请情况: a standard section by its official name."""
    return f"第{number}部分 {SECTION_NAMES[number]}" if number in SECTION_NAMES else number


def table_name(table: str) -> str:
    """A table by the names the report template gives it, never its internal key."""
    spec = table_specs().get(table)
    if spec is None:
        return "正文" if table == "narrative" else table
    section = section_title(spec.section)
    return section if spec.title in section else f"{section} · {spec.title}"


def where(c: Citation) -> str:
    page = f" · 第{c.page}页" if c.page else ""
    return f"{c.body or ''} {c.year or ''}年 · {c.section}{page}"


def cells(escaped: str) -> str:
    """Escaped text whose tabs are drawn as cell separators (the tab itself stays, for copying)."""
    return escaped.replace("\t", "<span class='rq-tab'>\t</span>")


def marked(text: str, start: int, end: int, lo: int = 0, hi: int | None = None, mark_id: str = "") -> str:
    return marked_spans(text, [(start, end)], lo, hi, mark_id)


def marked_spans(text: str, spans, lo: int = 0, hi: int | None = None, mark_id: str = "",
                 ids: dict | None = None) -> str:
    """text[lo:hi] escaped, with each span (start, end) inside it highlighted; the first mark gets mark_id,
    or each mark the id ids gives its span."""
    hi = len(text) if hi is None else hi
    out, cursor = [], lo
    for span in sorted(set(spans)):
        start, end = max(span[0], cursor), min(span[1], hi)
        if start >= end:
            continue
        ident = (ids or {}).get(span) or (mark_id if not out else "")
        ident = f' id="{_e(ident)}"' if ident else ""
        out.append(f"{cells(_e(text[cursor:start]))}<mark class='hit'{ident}>{cells(_e(text[start:end]))}</mark>")
        cursor = end
    return "".join(out) + cells(_e(text[cursor:hi]))


def cite_id(turn: int, i: int) -> str:
    """The id of the card of citation i of the conversation's answer number turn."""
    return f"rq-cite-{turn}-{i}"


def citation_card(collection, i: int, c: Citation, formats: dict[str, str], turn: int = 0) -> str:
    text = collection.text(c.report_id) or ""
    lo, hi = max(0, c.start - RADIUS), min(len(text), c.end + RADIUS)
    context = ("…" if lo else "") + marked(text, c.start, c.end, lo, hi) + ("…" if hi < len(text) else "")
    cell = ""
    if c.cell:
        cell = (f"<div class='rq-cell'>单元格：{_e(c.cell.row)} / {_e(c.cell.column)}</div>"
                + table_grid(collection, c.report_id, c.cell.table, c.cell.row_key, c.cell.column_key,
                             formats.get(c.report_id, "2021")))
    full = marked(text, c.start, c.end, mark_id=f"rq-hit-{turn}-{i}")
    page = f" · 第{_e(c.page)}页" if c.page else ""
    return (f"<div class='rq-card' id='{cite_id(turn, i)}'><div class='rq-card-head'><span class='rq-num'>[{i}]</span> "
            f"<b>{_e(c.body)} {_e(c.year or '')}年</b> <span class='rq-meta'>{_e(c.title)}</span></div>"
            f"<div class='rq-meta'>{_e(c.section)}{page} · 原文第 {c.start}–{c.end} 字</div>{cell}"
            f"<div class='rq-context'>{context}</div>"
            f"<details class='rq-full'><summary>在原文中查看</summary><div class='rq-fulltext'>{full}</div></details></div>")


def sources_html(collection, answer: Answer | None, turn: int = 0) -> str:
    """The sources panel: a card per citation, its context and table (collection: retrieval.collection.Collection)."""
    if answer is None:
        return "<div class='rq-empty'>提问后，这里显示答案引用的原文段落。</div>"
    parts = [f"<div class='rq-src-question' data-turn='{turn}'>问：{_e(plain(answer.question, 80))}</div>"]
    if answer.route == "none":
        parts.append(f"<div class='rq-none'><b>未在报告中找到</b><div>{_e(answer.answer)}</div></div>")
    parts += [f"<div class='rq-note'>⚠ {_e(n)}</div>" for n in answer.notes]
    formats = collection.formats()
    parts += [citation_card(collection, i, c, formats, turn) for i, c in enumerate(answer.citations, 1)]
    if not answer.citations and answer.route != "none":
        parts.append("<div class='rq-empty'>没有引用。</div>")
    return "".join(parts)


_MARKER = re.compile(r"\[(\d+)\]")


def ref_link(turn: int, i: int, c: Citation) -> str:
    """[i] as a link to its citation card; hovering shows the quote."""
    return (f"<a class='rq-ref' href='#{cite_id(turn, i)}' title='{escape(plain(c.quote, TITLE_CHARS), quote=True)}'>"
            f"&#91;{i}&#93;</a>")


def _linked(text: str, answer: Answer, turn: int) -> str:
    out, cursor = [], 0
    for m in _MARKER.finditer(text):
        i = int(m.group(1))
        if 1 <= i <= len(answer.citations):
            out.append(md_text(text[cursor:m.start()]) + ref_link(turn, i, answer.citations[i - 1]))
            cursor = m.end()
    return "".join(out) + md_text(text[cursor:])


def chat_markdown(answer: Answer, turn: int = 0) -> str:
    """The chat bubble: the answer with its [n] linked to the citation cards, notes, the sources.
    Report text is escaped. turn: the answer's number in its conversation (1, 2 …)."""
    body = _linked(answer.answer, answer, turn)
    if answer.route == "none":
        body = f"<div class='rq-none-chat' data-turn='{turn}'>⚠ <b>未在报告中找到</b><br>{body}</div>"
    lines = [body]
    lines += [f"> ⚠ {md_text(n)}" for n in answer.notes]
    if answer.citations:
        lines.append("来源：" + "　".join(f"{ref_link(turn, i, c)} {md_text(where(c))}"
                                        for i, c in enumerate(answer.citations, 1)))
    return "\n\n".join(lines)


def answer_from_dict(d: dict) -> Answer:
    """An answer stored as retrieval.answer.answer_to_dict, back as an Answer."""
    citations = []
    for c in d.get("citations", []):
        cell = CellRef(**c["cell"]) if c.get("cell") else None
        citations.append(Citation(**{**c, "cell": cell}))
    return Answer(d["question"], d["route"], d["answer"], d.get("value"), d.get("unit"), list(d.get("reports", [])),
                  citations, list(d.get("notes", [])))
