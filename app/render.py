"""HTML and Markdown views of answers, tables and findings. Every piece of report text is escaped."""
from __future__ import annotations

from html import escape

from reportqa.types import Answer, Citation

RADIUS = 150  # characters of surrounding text shown on each side of a quote
WINDOW = 5  # table rows shown above and below a cited cell


def _e(value) -> str:
    return escape("" if value is None else str(value))


# Characters that Markdown would act on, as entities: a report's "[点此](http://…)" or "**重要**" is
# shown as written, never as a link or bold (the quote must be what the report says); "://" and
# "www." too, which the chat would otherwise turn into links by themselves.
_MARKDOWN_ENTITIES = {ch: f"&#{ord(ch)};" for ch in "\\`*_[]()#+-!|~{}"}


def _md_text(value) -> str:
    """Report text for a Markdown bubble: HTML-escaped, Markdown inert."""
    text = _e(value)
    text = "".join(_MARKDOWN_ENTITIES.get(ch, ch) for ch in text)
    return text.replace("://", ":&#47;&#47;").replace("www.", "www&#46;")


def where(c: Citation) -> str:
    page = f" · 第{c.page}页" if c.page else ""
    return f"{c.body or ''} {c.year or ''}年 · {c.section}{page}"


def _cells(escaped: str) -> str:
    # A table row's tab stays a tab (the text is verbatim) but is drawn as a visible cell border,
    # so 178<tab>37 never reads as 17837.
    return escaped.replace("\t", "<span class='rq-tab'>\t</span>")


def marked(text: str, start: int, end: int, lo: int = 0, hi: int | None = None, mark_id: str = "") -> str:
    hi = len(text) if hi is None else hi
    ident = f' id="{_e(mark_id)}"' if mark_id else ""
    return (f"{_cells(_e(text[lo:start]))}<mark class='hit'{ident}>{_cells(_e(text[start:end]))}</mark>"
            f"{_cells(_e(text[end:hi]))}")


def table_grid(collection, report_id: str, table: str, row_key: str = "", column_key: str = "", fmt: str = "2021") -> str:
    """All facts of one table of a report as a grid, the cited cell highlighted."""
    grid = collection.table_grid(report_id, table, fmt)
    if grid is None:
        return ""
    rows, cols = grid.rows, grid.columns
    hit = next((i for i, (k, _l) in enumerate(rows) if k == row_key), 0)
    lo = max(0, min(hit - WINDOW, len(rows) - 2 * WINDOW - 1))
    shown = rows[lo:lo + 2 * WINDOW + 1]
    labels = [label for _k, label in cols]  # two columns both written 其他: name them by key
    head = "".join(f"<th>{_e(key if labels.count(label) > 1 else label)}</th>" for key, label in cols)
    body = []
    for rk, rlabel in shown:
        tds = []
        for ck, _cl in cols:
            f = grid.cells.get((rk, ck))
            hit = " class='hit-cell'" if rk == row_key and ck == column_key else ""
            tds.append(f"<td{hit}>{_e(f.raw if f else '')}</td>")
        cls = " class='hit-row'" if rk == row_key else ""
        body.append(f"<tr{cls}><th>{_e(rlabel)}</th>{''.join(tds)}</tr>")
    title = _e(grid.title) + (f"（第 {lo + 1}–{lo + len(shown)} 行，共 {len(rows)} 行）" if len(shown) < len(rows) else "")
    return (f"<details class='rq-table' open><summary>表格：{title}</summary><div class='rq-scroll'><table>"
            f"<tr><th></th>{head}</tr>{''.join(body)}</table></div></details>")


def citation_card(collection, i: int, c: Citation, formats: dict[str, str]) -> str:
    text = collection.text(c.report_id) or ""
    lo, hi = max(0, c.start - RADIUS), min(len(text), c.end + RADIUS)
    context = ("…" if lo else "") + marked(text, c.start, c.end, lo, hi) + ("…" if hi < len(text) else "")
    cell = ""
    if c.cell:
        cell = (f"<div class='rq-cell'>单元格：{_e(c.cell.row)} / {_e(c.cell.column)}</div>"
                + table_grid(collection, c.report_id, c.cell.table, c.cell.row_key, c.cell.column_key,
                             formats.get(c.report_id, "2021")))
    full = marked(text, c.start, c.end, mark_id=f"rq-hit-{i}")
    return (f"<div class='rq-card' id='rq-cite-{i}'><div class='rq-card-head'><span class='rq-num'>[{i}]</span> "
            f"<b>{_e(c.body)} {_e(c.year or '')}年</b> <span class='rq-meta'>{_e(c.title)}</span></div>"
            f"<div class='rq-meta'>{_e(c.section)}{' · 第' + _e(c.page) + '页' if c.page else ''}"
            f" · 字符 {c.start}–{c.end}</div>{cell}<div class='rq-context'>{context}</div>"
            f"<details class='rq-full'><summary>在原文中查看</summary><div class='rq-fulltext'>{full}</div></details></div>")


def sources_html(collection, answer: Answer | None) -> str:
    """The sources panel: a card per citation, its context and table (collection: retrieval.collection.Collection)."""
    if answer is None:
        return "<div class='rq-empty'>提问后，这里显示答案引用的原文段落。</div>"
    parts = []
    if answer.route == "none":
        parts.append(f"<div class='rq-none'><b>未在报告中找到</b><div>{_e(answer.answer)}</div></div>")
    parts += [f"<div class='rq-note'>⚠ {_e(n)}</div>" for n in answer.notes]
    formats = collection.formats()
    parts += [citation_card(collection, i, c, formats) for i, c in enumerate(answer.citations, 1)]
    return "".join(parts) or "<div class='rq-empty'>没有引用。</div>"


def chat_markdown(answer: Answer) -> str:
    """The chat bubble: the answer, numbered source markers, notes. Report text is escaped."""
    body = _md_text(answer.answer).replace("\t", " │ ")  # table cells in a quoted row stay apart
    if answer.route == "none":
        body = f"<div class='rq-none-chat'>⚠ <b>未在报告中找到</b><br>{body}</div>"
    lines = [body]
    lines += [f"> ⚠ {_md_text(n)}" for n in answer.notes]
    if answer.citations:
        lines.append("来源：" + "　".join(f"&#91;{i}&#93; {_md_text(where(c))}" for i, c in enumerate(answer.citations, 1)))
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


def _finding_html(f, text: str, cells: dict) -> str:
    items = "".join(f"<li>{_cell_label(cells, cell)}</li>" for cell in f.cells)
    quotes = []
    for start, end in f.spans[:8]:
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        quotes.append(f"<div class='rq-context'>{marked(text, start, end, lo, len(text) if hi < 0 else hi)}</div>")
    return (f"<div class='rq-finding'><div><b>{_e(f.message)}</b> <span class='rq-meta'>[{_e(f.rule)}]</span></div>"
            f"<div class='rq-meta'>应为 {_e(f.expected)}，实际 {_e(f.found)}</div>"
            f"<ul>{items}</ul>{''.join(quotes)}</div>")


def _reuse_html(u) -> str:
    """Text copied word for word from the body's previous report (retrieval.audit.Reuse)."""
    what = (f"与 {_e(u.previous)} 逐字相同（{u.reused} 句）" if u.whole
            else f"有 {u.reused} 句与 {_e(u.previous)} 逐字相同")
    return (f"<div class='rq-finding rq-reuse'><div><b>「{_e(u.heading)}」{what}</b> "
            f"<span class='rq-meta'>[{_e(u.rule)}] 相似度 {u.similarity * 100:.0f}%</span></div></div>")


def findings_html(audit) -> str:
    """An audit (retrieval.audit.Audit): the same findings the CLI's `reportqa audit` lists."""
    parts = []
    for ra in audit.reports:
        r, findings = ra.report, ra.findings
        status = f"{len(findings)} 条问题" if findings else "勾稽关系全部通过"
        if ra.reuse:
            status += f" · {len(ra.reuse)} 节沿用上年文字"
        items = [_finding_html(f, ra.text, ra.cells) for f in findings] + [_reuse_html(u) for u in ra.reuse]
        cls = "rq-card rq-warn" if findings else "rq-card rq-ok"
        parts.append(f"<div class='{cls}'><div class='rq-card-head'><b>{_e(r.body)} {_e(r.year or '')}年</b> "
                     f"<span class='rq-meta'>{_e(r.report_id)} · {status}</span></div>{''.join(items)}</div>")
    return "".join(parts) or "<div class='rq-empty'>尚无报告。</div>"


SECTION_NAMES = {"一": "总体情况", "二": "主动公开政府信息情况", "三": "收到和处理政府信息公开申请情况",
                 "四": "政府信息公开行政复议、行政诉讼情况", "五": "存在的主要问题及改进情况", "六": "其他需要报告的事项"}


def _side(span, edits, which: str, tag: str) -> str:
    """One side of a changed sentence pair: the words its edits touch wrapped in <del>/<ins>."""
    text, base = span.text, span.start
    out, cursor = [], 0
    for e in edits:
        rng = e.old if which == "old" else e.new
        if not rng:
            continue
        a, b = rng[0] - base, rng[1] - base
        out.append(_e(text[cursor:a]))
        out.append(_e(text[a:b]) if e.op == "equal" else f"<{tag}>{_e(text[a:b])}</{tag}>")
        cursor = b
    out.append(_e(text[cursor:]))
    return "".join(out)


FOLD_CONTEXT = 2  # identical table lines kept around a change; longer runs of them are folded


def _folded(sec) -> list:
    """The pairs of a section; in table sections (二 三 四) runs of identical lines become one list."""
    if sec.section not in "二三四":
        return list(sec.pairs)
    out, run = [], []

    def flush(last: bool):
        keep_tail = 0 if last else FOLD_CONTEXT
        head = FOLD_CONTEXT if out else 0
        if len(run) > head + keep_tail + 1:
            out.extend(run[:head])
            out.append(run[head:len(run) - keep_tail])
            out.extend(run[len(run) - keep_tail:])
        else:
            out.extend(run)
        run.clear()

    for p in sec.pairs:
        if p.status == "same":
            run.append(p)
        else:
            flush(False)
            out.append(p)
    flush(True)
    return out


def compare_html(cmp, old_label: str = "", new_label: str = "") -> str:
    """A comparison (retrieval.compare.Comparison) as one two-column table per section:
    last year on the left, this year on the right, one row per aligned sentence pair."""
    if cmp is None:
        return "<div class='rq-empty'>选择发布机关、两个年份和章节，然后点击「对比」。</div>"
    if not cmp.sections:
        return "<div class='rq-empty'>所选章节在两份报告中都没有找到。</div>"
    old_h = _e(old_label or f"{cmp.old_year or ''}年")
    new_h = _e(new_label or f"{cmp.new_year or ''}年")
    parts = [("<div class='rq-cmp-legend'><span class='rq-cmp-key same'>相同</span>"
              "<span class='rq-cmp-key reused'>沿用（与上年逐字相同）</span><span class='rq-cmp-key changed'>"
              "修改：<del>删去</del> <ins>新增</ins></span><span class='rq-cmp-key added'>新增句</span>"
              "<span class='rq-cmp-key removed'>删除句</span></div>")]
    for sec in cmp.sections:
        c = sec.counts
        head = sec.heading_new or sec.heading_old or f"{sec.section}、{SECTION_NAMES.get(sec.section, '')}"
        badge = "<span class='rq-cmp-badge'>整节与上年逐字相同</span>" if sec.reused_section else ""
        stats = (f"相同 {c['same']}（沿用 {c['reused']}） · 修改 {c['changed']} · 新增 {c['added']} · 删除 {c['removed']}")
        rows = []
        for p in _folded(sec):
            if isinstance(p, list):  # a long run of identical table lines, folded
                inner = "".join(f"<tr class='rq-cmp-same'><td class='old'>{_e(q.old.text)}</td>"
                                f"<td class='new'>{_e(q.new.text)}</td></tr>" for q in p)
                rows.append(f"<tr class='rq-cmp-fold'><td colspan='2'><details><summary>… {len(p)} 行相同（展开）"
                            f"</summary><table class='rq-cmp'><colgroup><col><col></colgroup>{inner}</table>"
                            f"</details></td></tr>")
                continue
            if p.status == "changed":
                left = _side(p.old, p.edits, "old", "del")
                right = _side(p.new, p.edits, "new", "ins")
            else:
                left = _e(p.old.text) if p.old else ""
                right = _e(p.new.text) if p.new else ""
            cls = "reused" if p.reused else p.status
            flag = "<span class='rq-cmp-flag'>沿用</span>" if p.reused else ""
            rows.append(f"<tr class='rq-cmp-{cls}'><td class='old'>{left}</td><td class='new'>{right}{flag}</td></tr>")
        parts.append(f"<div class='rq-cmp-section' data-section='{_e(sec.section)}'><div class='rq-cmp-head'>"
                     f"<b>{_e(head)}</b> <span class='rq-cmp-sim'>相似度 {sec.similarity * 100:.0f}%</span>{badge}"
                     f"<div class='rq-meta'>{stats}</div></div><table class='rq-cmp'><colgroup><col><col></colgroup>"
                     f"<tr><th>{old_h}</th><th>{new_h}</th></tr>{''.join(rows)}</table></div>")
    return "".join(parts)
