"""HTML and Markdown views of answers, citations and table grids for the web page.

Every piece of report text is escaped; in chat bubbles it is Markdown-inert too. A table row's tab
stays a tab in the text (copying a quote gives the report's characters) and is drawn as a cell
separator, so 178<tab>37 never reads as 17837. The audit is app/web/audit.py, comparisons
app/web/compare_view.py.
"""
from __future__ import annotations

import re
from html import escape

from reportqa.schema import table_specs
from reportqa.types import Answer, CellRef, Citation
from reportqa.vocabulary import standard_sections

RADIUS = 150  # characters of surrounding text shown on each side of a quote
WINDOW = 5  # table rows shown above and below a cited cell
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


def marked_spans(text: str, spans, lo: int = 0, hi: int | None = None, mark_id: str = "") -> str:
    """text[lo:hi] escaped, with each span (start, end) inside it highlighted; the first mark gets mark_id."""
    hi = len(text) if hi is None else hi
    out, cursor = [], lo
    for start, end in sorted(set(spans)):
        start, end = max(start, cursor), min(end, hi)
        if start >= end:
            continue
        ident = f' id="{_e(mark_id)}"' if mark_id and not out else ""
        out.append(f"{cells(_e(text[cursor:start]))}<mark class='hit'{ident}>{cells(_e(text[start:end]))}</mark>")
        cursor = end
    return "".join(out) + cells(_e(text[cursor:hi]))


def _column_paths(cols: list[tuple[str, str]]) -> list[list[str]]:
    """Each column's header path: the groups its key names (行政诉讼.复议后起诉.结果维持) over its label."""
    labels = [label for _k, label in cols]
    paths = []
    for key, label in cols:
        groups = key.split(".")[:-1]
        leaf = key if not groups and labels.count(label) > 1 else label  # two columns both written 其他
        paths.append([*groups, leaf])
    return paths


def header_rows(cols: list[tuple[str, str]], hit_column: str = "") -> str:
    """The grid's header: one row per level of the columns' groups, a group spanning its columns
    (行政复议 over 结果维持 … 总计; 行政诉讼 over 未经复议直接起诉 and 复议后起诉, each over its five)."""
    paths = _column_paths(cols)
    depth = max((len(p) for p in paths), default=1)
    rows = [[f"<th class='rq-corner' rowspan='{depth}'></th>"]] + [[] for _ in range(depth - 1)]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if level >= len(path):
                i += 1
                continue
            if level == len(path) - 1:  # the column's own label, down to the last header row
                hit = " hit-col" if cols[i][0] == hit_column else ""
                rows[level].append(f"<th class='rq-leaf{hit}' rowspan='{depth - level}'>{_e(path[-1])}</th>")
                i += 1
                continue
            j = i
            while j < len(paths) and len(paths[j]) > level + 1 and paths[j][:level + 1] == path[:level + 1]:
                j += 1
            rows[level].append(f"<th class='rq-group' colspan='{j - i}'>{_e(path[level])}</th>")
            i = j
    return "".join(f"<tr>{''.join(r)}</tr>" for r in rows)


def table_grid(collection, report_id: str, table: str, row_key: str = "", column_key: str = "", fmt: str = "2021") -> str:
    """All facts of one table of a report as a grid, the cited cell highlighted."""
    grid = collection.table_grid(report_id, table, fmt)
    if grid is None:
        return ""
    rows, cols = grid.rows, grid.columns
    hit = next((i for i, (k, _l) in enumerate(rows) if k == row_key), 0)
    lo = max(0, min(hit - WINDOW, len(rows) - 2 * WINDOW - 1))
    shown = rows[lo:lo + 2 * WINDOW + 1]
    body = []
    for rk, rlabel in shown:
        tds = []
        for ck, _cl in cols:
            f = grid.cells.get((rk, ck))
            hit = " class='hit-cell'" if rk == row_key and ck == column_key else ""
            tds.append(f"<td{hit}>{_e(f.raw if f else '')}</td>")
        cls = " class='hit-row'" if rk == row_key else ""
        body.append(f"<tr{cls}><th class='rq-rowlabel'>{_e(rlabel)}</th>{''.join(tds)}</tr>")
    title = _e(grid.title) + (f"（第 {lo + 1}–{lo + len(shown)} 行，共 {len(rows)} 行）" if len(shown) < len(rows) else "")
    return (f"<details class='rq-table' open><summary>表格：{title}</summary><div class='rq-scroll'><table>"
            f"{header_rows(cols, column_key)}{''.join(body)}</table></div></details>")


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
