"""HTML and Markdown views of answers, tables and findings. Every piece of report text is escaped."""
from __future__ import annotations

from html import escape

from reportqa.schema import table_specs
from reportqa.types import Answer, Citation

RADIUS = 150  # characters of surrounding text shown on each side of a quote
WINDOW = 5  # table rows shown above and below a cited cell


def _e(value) -> str:
    return escape("" if value is None else str(value))


def where(c: Citation) -> str:
    page = f" · 第{c.page}页" if c.page else ""
    return f"{c.body or ''} {c.year or ''}年 · {c.section}{page}"


def marked(text: str, start: int, end: int, lo: int = 0, hi: int | None = None, mark_id: str = "") -> str:
    hi = len(text) if hi is None else hi
    ident = f' id="{_e(mark_id)}"' if mark_id else ""
    return f"{_e(text[lo:start])}<mark class='hit'{ident}>{_e(text[start:end])}</mark>{_e(text[end:hi])}"


def table_grid(stores, report_id: str, table: str, row_key: str = "", column_key: str = "", fmt: str = "2021") -> str:
    """All facts of one table of a report as a grid, the cited cell highlighted."""
    spec = table_specs().get(table)
    facts = stores.facts.facts(report_id, table=table, kind="table") if spec else []
    if not facts:
        return ""
    cells = {(f.row_key, f.column_key): f for f in facts}
    present_rows = {f.row_key for f in facts}
    present_cols = {f.column_key for f in facts}
    rows = [(r.key, r.label) for r in spec.rows if r.key in present_rows]
    rows += sorted({(f.row_key, f.row_label) for f in facts if f.row_key not in {k for k, _ in rows}})
    hit = next((i for i, (k, _l) in enumerate(rows) if k == row_key), 0)
    lo = max(0, min(hit - WINDOW, len(rows) - 2 * WINDOW - 1))
    shown = rows[lo:lo + 2 * WINDOW + 1]
    cols = [(c.key, c.label) for c in spec.columns_for(fmt) if c.key in present_cols]
    cols += sorted({(f.column_key, f.column_label) for f in facts if f.column_key not in {k for k, _ in cols}})
    labels = [label for _k, label in cols]  # two columns both written 其他: name them by key
    head = "".join(f"<th>{_e(key if labels.count(label) > 1 else label)}</th>" for key, label in cols)
    body = []
    for rk, rlabel in shown:
        tds = []
        for ck, _cl in cols:
            f = cells.get((rk, ck))
            hit = " class='hit-cell'" if rk == row_key and ck == column_key else ""
            tds.append(f"<td{hit}>{_e(f.raw if f else '')}</td>")
        cls = " class='hit-row'" if rk == row_key else ""
        body.append(f"<tr{cls}><th>{_e(rlabel)}</th>{''.join(tds)}</tr>")
    title = _e(spec.title) + (f"（第 {lo + 1}–{lo + len(shown)} 行，共 {len(rows)} 行）" if len(shown) < len(rows) else "")
    return (f"<details class='rq-table' open><summary>表格：{title}</summary><div class='rq-scroll'><table>"
            f"<tr><th></th>{head}</tr>{''.join(body)}</table></div></details>")


def citation_card(stores, i: int, c: Citation, formats: dict[str, str]) -> str:
    text = stores.facts.report_text(c.report_id) or ""
    lo, hi = max(0, c.start - RADIUS), min(len(text), c.end + RADIUS)
    context = ("…" if lo else "") + marked(text, c.start, c.end, lo, hi) + ("…" if hi < len(text) else "")
    cell = ""
    if c.cell:
        cell = (f"<div class='rq-cell'>单元格：{_e(c.cell.row)} / {_e(c.cell.column)}</div>"
                + table_grid(stores, c.report_id, c.cell.table, c.cell.row_key, c.cell.column_key,
                             formats.get(c.report_id, "2021")))
    full = marked(text, c.start, c.end, mark_id=f"rq-hit-{i}")
    return (f"<div class='rq-card' id='rq-cite-{i}'><div class='rq-card-head'><span class='rq-num'>[{i}]</span> "
            f"<b>{_e(c.body)} {_e(c.year or '')}年</b> <span class='rq-meta'>{_e(c.title)}</span></div>"
            f"<div class='rq-meta'>{_e(c.section)}{' · 第' + _e(c.page) + '页' if c.page else ''}"
            f" · 字符 {c.start}–{c.end}</div>{cell}<div class='rq-context'>{context}</div>"
            f"<details class='rq-full'><summary>在原文中查看</summary><div class='rq-fulltext'>{full}</div></details></div>")


def sources_html(stores, answer: Answer | None) -> str:
    if answer is None:
        return "<div class='rq-empty'>提问后，这里显示答案引用的原文段落。</div>"
    parts = []
    if answer.route == "none":
        parts.append(f"<div class='rq-none'><b>未在报告中找到</b><div>{_e(answer.answer)}</div></div>")
    parts += [f"<div class='rq-note'>⚠ {_e(n)}</div>" for n in answer.notes]
    formats = {r.report_id: r.format_version for r in stores.facts.list_reports()}
    parts += [citation_card(stores, i, c, formats) for i, c in enumerate(answer.citations, 1)]
    return "".join(parts) or "<div class='rq-empty'>没有引用。</div>"


def chat_markdown(answer: Answer) -> str:
    """The chat bubble: the answer, numbered source markers, notes. Report text is escaped."""
    body = _e(answer.answer)
    if answer.route == "none":
        body = f"<div class='rq-none-chat'>⚠ <b>未在报告中找到</b><br>{body}</div>"
    lines = [body]
    lines += [f"> ⚠ {_e(n)}" for n in answer.notes]
    if answer.citations:
        lines.append("来源：" + "　".join(f"[{i}] {_e(where(c))}" for i, c in enumerate(answer.citations, 1)))
    return "\n\n".join(lines)


def export_markdown(turns: list[dict]) -> str:
    """A conversation (answer_to_dict objects) as Markdown with its citations."""
    out = ["# reportqa 问答记录", ""]
    for t in turns:
        out += [f"## 问：{t['question']}", "", t["answer"], ""]
        out += [f"> 注意：{n}" for n in t["notes"]]
        for i, c in enumerate(t["citations"], 1):
            cell = f" · 单元格：{c['cell']['row']} / {c['cell']['column']}" if c.get("cell") else ""
            page = f" · 第{c['page']}页" if c.get("page") else ""
            quote = c["quote"].replace("\n", " ").replace("\t", " | ")
            out += [f"[{i}] {c['body']} {c['year'] or ''}年 · {c['section']}{page}{cell} · {c['report_id']} [{c['start']}:{c['end']}]",
                    f"> {quote}", ""]
    return "\n".join(out) + "\n"


def _cell_label(facts: dict, cell: tuple) -> str:
    f = facts.get(tuple(cell))
    if f is None:
        return _e(" / ".join(cell))
    return f"表 {_e(f.table)} · {_e(f.row_label)} / {_e(f.column_label)} = <b>{_e(f.raw)}</b>"


def findings_html(stores) -> str:
    parts = []
    for r in stores.facts.list_reports():
        findings = stores.facts.findings(r.report_id)
        text = stores.facts.report_text(r.report_id) or ""
        facts = {(x.table, x.row_key, x.column_key): x for x in stores.facts.facts(r.report_id)} if findings else {}
        status = f"{len(findings)} 条问题" if findings else "勾稽关系全部通过"
        items = []
        for f in findings:
            cells = "".join(f"<li>{_cell_label(facts, cell)}</li>" for cell in f.cells)
            quotes = []
            for start, end in f.spans[:8]:
                lo = text.rfind("\n", 0, start) + 1
                hi = text.find("\n", end)
                quotes.append(f"<div class='rq-context'>{marked(text, start, end, lo, len(text) if hi < 0 else hi)}</div>")
            items.append(f"<div class='rq-finding'><div><b>{_e(f.message)}</b> <span class='rq-meta'>[{_e(f.rule)}]</span></div>"
                         f"<div class='rq-meta'>应为 {_e(f.expected)}，实际 {_e(f.found)}</div>"
                         f"<ul>{cells}</ul>{''.join(quotes)}</div>")
        cls = "rq-card rq-warn" if findings else "rq-card rq-ok"
        parts.append(f"<div class='{cls}'><div class='rq-card-head'><b>{_e(r.body)} {_e(r.year or '')}年</b> "
                     f"<span class='rq-meta'>{_e(r.report_id)} · {status}</span></div>{''.join(items)}</div>")
    return "".join(parts) or "<div class='rq-empty'>尚无报告。</div>"


CSS = """
.rq-title h1 { font-size: 1.6rem; margin: 0 0 .2rem 0; }
.rq-title p { color: var(--body-text-color-subdued); margin: 0; }
#rq-sources { max-height: 78vh; overflow-y: auto; }
.rq-card { border: 1px solid var(--border-color-primary); border-left: 4px solid #3b82f6; border-radius: 8px;
  padding: .6rem .8rem; margin-bottom: .7rem; background: var(--background-fill-primary); }
.rq-card-head { margin-bottom: .2rem; }
.rq-num { color: #2563eb; font-weight: 700; }
.rq-meta { color: var(--body-text-color-subdued); font-size: .85em; }
.rq-context, .rq-fulltext { white-space: pre-wrap; tab-size: 4; font-size: .9em; line-height: 1.6;
  background: var(--background-fill-secondary); border-radius: 6px; padding: .45rem .6rem; margin-top: .4rem; }
.rq-fulltext { max-height: 360px; overflow-y: auto; }
mark.hit { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.rq-full summary, .rq-table summary { cursor: pointer; color: #2563eb; font-size: .85em; margin-top: .3rem; }
.rq-scroll { overflow-x: auto; }
.rq-table table { border-collapse: collapse; font-size: .78em; margin-top: .3rem; }
.rq-table th, .rq-table td { border: 1px solid var(--border-color-primary); padding: 2px 5px; text-align: right; }
.rq-table th { background: var(--background-fill-secondary); text-align: left; font-weight: normal; max-width: 14em; }
.rq-table tr.hit-row > * { background: #fef9c3; }
.rq-table td.hit-cell { background: #f59e0b !important; color: #000; font-weight: 700; outline: 2px solid #b45309; }
#rq-delete { background: #dc2626; color: #fff; }
.rq-cell { font-size: .85em; margin-top: .2rem; }
.rq-none { border: 1px solid #f59e0b; background: #fffbeb; color: #78350f; border-radius: 8px; padding: .6rem .8rem;
  margin-bottom: .7rem; }
.rq-none-chat { color: #78350f; }
#rq-chat .message:has(.rq-none-chat) { background: #fffbeb !important; border-color: #f59e0b !important; }
.rq-note { border-left: 4px solid #f59e0b; padding: .3rem .6rem; margin-bottom: .5rem; background: #fffbeb; color: #78350f; }
.rq-empty { color: var(--body-text-color-subdued); padding: 1rem; text-align: center; }
.rq-warn { border-left-color: #f59e0b; } .rq-ok { border-left-color: #10b981; }
.rq-finding { margin: .5rem 0 .2rem 0; }
"""
