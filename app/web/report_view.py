"""The report page's HTML (app/web/report_page.py is the tab): one report's metadata and how it was
identified, its sections, its findings in the template's words linked to the cells they name,
every table as the official grid (app/render_grid.py) with each cell opening the row it was read
from, and its chunks. Report text is escaped everywhere; element ids are made here, never from it."""
from __future__ import annotations

from pathlib import Path

from app.render import RADIUS, _e, cells, marked_spans, table_name
from app.render_grid import grid_html, ordered_rows
from app.web.audit import finding_html, reuse_html
from reportqa.types import LOW_CONFIDENCE
from reportqa.vocabulary import standard_sections

# How a report's body and year were found (ingest/identify.py's cues), in words
CUES = {"title": "标题行", "published_as": "正文中“现公布《…年度报告》”一句", "self_named": "正文中的自称（以下简称…）",
        "compiled_by": "正文中“本报告由…编制”", "opening": "总体情况的第一句", "named_report": "正文中提到的报告名称",
        "contact": "联系方式（地址、联系单位）", "period": "数据统计期限", "source_line": "网页上的发布机构/信息来源",
        "website": "正文提到的本机关网站", "container": "文件或网页的标题", "filename": "文件名",
        "mentions": "正文中出现最多的年份", "self_mention": "正文中的自称", "given": "入库时指定",
        "relabelled": "人工修改"}
FORMATS = {"pdf": "PDF", "docx": "Word", "html": "网页（HTML）", "txt": "纯文本", "md": "Markdown"}


def _how(cue: str | None, confidence: float) -> str:
    """识别依据：标题行 · 可信度 1.00, and 待核实 when the cue was weak."""
    review = " <span class='rq-review'>待核实</span>" if confidence < LOW_CONFIDENCE else ""
    return (f"<span class='rq-cue'>识别依据：{_e(CUES.get(cue or '', cue or '未识别'))} · "
            f"可信度 {confidence:.2f}</span>{review}")


def _page(pages, offset: int) -> int | None:
    return next((p.page for p in pages if p.start <= offset < p.end), None)


def meta_html(report, pages) -> str:
    """The report's metadata as a two-column list, the body and year with how they were found."""
    r = report
    n_pages = max((p.page for p in pages), default=0) if r.source_format == "pdf" else 0
    source = Path(r.source_path or "").name
    rows = [("发布机关", f"<b>{_e(r.body or '未识别')}</b> {_how(r.body_cue, r.body_confidence if r.body else 0.0)}"),
            ("年份", f"<b>{_e(r.year or '未识别')}</b> {_how(r.year_cue, r.year_confidence if r.year else 0.0)}"),
            ("地区", _e(r.place or "—")), ("机关类型", _e(r.body_type or "—")),
            ("报告中的简称", _e("、".join(r.aliases) or "—")), ("标题", _e(r.title or "—")),
            ("原文件", f"{_e(source)}（{_e(FORMATS.get(r.source_format, r.source_format))}）"
                       + (f" · 共 {n_pages} 页" if n_pages else "")),
            ("发布日期", _e(r.published or "—")), ("表格格式", f"{_e(r.format_version)} 年版模板"),
            ("报告 ID", f"{_e(r.report_id)} <span class='rq-meta'>版本 {_e(r.version)}</span>"),
            ("入库内容", f"{r.n_chunks} 个段落 · {r.n_facts} 项数据 · {r.n_findings} 条审核问题")]
    state = ("<div class='rq-note'>⚠ 发布机关或年份待核实：请在右侧改正后保存。</div>" if r.needs_review else "")
    items = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<div class='rq-rp-meta'>{state}<table>{items}</table></div>"


def sections_html(sections, text: str) -> str:
    """The sections found, each opening its text; the standard ones not found are named."""
    found = {s.number for s in sections if s.level == 1 and s.number}
    items = []
    for s in sections:
        cls = "rq-rp-sec" + (" rq-rp-sub" if s.level > 1 else "")
        number = (f"<span class='rq-rp-num' data-number='{_e(s.number)}'>第{_e(s.number)}部分</span>"
                  if s.number and s.level == 1 else "")
        items.append(f"<details class='{cls}'><summary>{number}<b>{_e(s.heading)}</b> <span class='rq-meta'>"
                     f"第 {s.start}–{s.end} 字 · {s.end - s.start} 字</span></summary>"
                     f"<div class='rq-context'>{cells(_e(text[s.start:s.end]))}</div></details>")
    missing = [f"{s.number}、{s.name}" for s in standard_sections() if s.number not in found]
    note = f"<div class='rq-note'>未找到的标准章节：{_e('；'.join(missing))}</div>" if missing else ""
    return f"<div class='rq-rp-sections'>{note}{''.join(items)}</div>"


def _row_context(text: str, start: int, end: int, values: dict) -> str:
    """A table row as read (text[start:end]) marked, each cell's characters in it a mark of its own
    (values: (value_start, value_end) -> id), with the lines either side (at most RADIUS characters)."""
    line = text.rfind("\n", 0, start) + 1  # where the row's line starts
    lo = text.rfind("\n", 0, max(0, line - 1)) + 1  # and the line before it
    after = text.find("\n", end)
    hi = len(text) if after < 0 else (text.find("\n", after + 1) % (len(text) + 1))  # -1: the end of the text
    lo, hi = max(lo, start - RADIUS), min(hi, end + RADIUS)
    row = marked_spans(text, list(values), start, end, ids=values)
    return (("…" if lo else "") + cells(_e(text[lo:start])) + f"<mark class='hit rq-row'>{row}</mark>"
            + cells(_e(text[end:hi])) + ("…" if hi < len(text) else ""))


def cell_ids(grids) -> dict[tuple[str, str, str], str]:
    """(table, row_key, column_key) -> the id of that cell in the page's grids."""
    keys = [(g.table, rk, ck) for g in grids for (rk, ck) in g.cells]
    return {k: f"rq-rp-c{i}" for i, k in enumerate(keys)}


def _sources(g, text: str, pages, ids: dict) -> tuple[str, dict]:
    """The rows a table was read from, once each (hidden until a cell of the row is clicked); and
    (row_key, column_key) -> (the row's id, the id of the cell's characters in it)."""
    rows: dict[tuple[int, int], list] = {}
    for (rk, ck), f in g.cells.items():
        rows.setdefault((f.start, f.end), []).append((rk, ck, f))
    html, where = [], {}
    for n, ((start, end), facts) in enumerate(rows.items()):
        src = f"{ids[(g.table, facts[0][0], facts[0][1])]}-row"
        values = {}
        for rk, ck, f in facts:
            values[(f.value_start, f.value_end)] = ids[(g.table, rk, ck)] + "-v"
            where[(rk, ck)] = (src, values[(f.value_start, f.value_end)])
        page = _page(pages, start)
        html.append(f"<div class='rq-src' id='{src}' hidden><div class='rq-meta'><b>{_e(facts[0][2].row_label)}</b>"
                    f" · 原文第 {start}–{end} 字{f' · 第{page}页' if page else ''}</div>"
                    f"<div class='rq-context'>{_row_context(text, start, end, values)}</div></div>")
    return "".join(html), where


def _grid_block(g, text: str, pages, ids: dict, flags: dict) -> str:
    """One table: its grid, each cell a link that opens the row it was read from below the grid."""
    sources, where = _sources(g, text, pages, ids)

    def cell(rk: str, ck: str) -> str:
        f = g.cells.get((rk, ck))
        if f is None:
            return "<td class='rq-nocell'></td>"
        src, value = where[(rk, ck)]
        found = flags.get((g.table, rk, ck), [])
        cls = "rq-src-cell" + (" rq-flag" if found else "")
        tip = "；".join(message for _fid, message in found)
        title = f" title='{_e(tip)}'" if tip else ""
        marks = "".join(f"<a class='rq-jump rq-flag-link' href='#{fid}' title='查看审核问题'>⚠</a>" for fid, _m in found)
        return (f"<td class='{cls}' id='{ids[(g.table, rk, ck)]}'{title}><a class='rq-cellsrc' href='#{src}' "
                f"data-src='{src}' data-value='{value}'>{_e(f.raw) or '&nbsp;'}</a>{marks}</td>")

    grid = grid_html(g.table, g.columns, ordered_rows(g.table, g.rows), cell)
    return (f"<div class='rq-rp-table rq-table' data-table='{_e(g.table)}'><div class='rq-rp-tname'>"
            f"{_e(table_name(g.table))}</div><div class='rq-scroll'>{grid}</div>"
            f"<div class='rq-srcs'>{sources}</div></div>")


def tables_html(grids, text: str, pages, ids: dict, flags: dict) -> str:
    if not grids:
        return "<div class='rq-empty'>没有从这份报告中读出表格数据。</div>"
    hint = ("<div class='rq-meta'>点击表格中的数字，在它的行下显示读出它的原文行；"
            "红框的格有审核问题，点 ⚠ 查看。</div>" if flags else
            "<div class='rq-meta'>点击表格中的数字，在它的行下显示读出它的原文行。</div>")
    return hint + "".join(_grid_block(g, text, pages, ids, flags) for g in grids)


def findings_block(ra, ids: dict) -> tuple[str, dict]:
    """The report's findings linked to the grid cells they name; and, for the grid, each named cell's
    findings (cell -> [(finding id, message)])."""
    if ra is None or not (ra.findings or ra.reuse):
        return "<div class='rq-ok-note'>勾稽关系全部通过，没有审核问题。</div>", {}
    flags: dict = {}
    parts = []
    for i, f in enumerate(ra.findings, 1):
        fid = f"rq-rp-f{i}"
        for cell in dict.fromkeys(tuple(c) for c in f.cells):
            flags.setdefault(cell, []).append((fid, f.message))
        parts.append(finding_html(f, ra.text, ra.cells, ids, fid))
    parts += [reuse_html(u) for u in ra.reuse]
    return "".join(parts), flags


def chunks_html(chunks) -> str:
    items = "".join(f"<details class='rq-rp-chunk'><summary>{_e(c.section)} <span class='rq-meta'>第 {c.start}–{c.end} 字 · "
                    f"{'表格' if c.kind == 'table' else '正文'}</span></summary>"
                    f"<div class='rq-context'>{cells(_e(c.text))}</div></details>" for c in chunks)
    return (f"<details class='rq-rp-chunks'><summary>检索用段落（{len(chunks)} 个，问答时从中引用）</summary>"
            f"{items}</details>")


def report_html(collection, report_id: str | None) -> str:
    """Everything below the metadata: sections, findings, tables, chunks."""
    report = collection.report(report_id) if report_id else None
    if report is None:
        return "<div class='rq-empty'>请在上方选择一份报告。</div>"
    text = collection.text(report_id) or ""
    grids, pages = collection.table_grids(report_id), collection.pages(report_id)
    ids = cell_ids(grids)
    audit = collection.audit(report_id).reports
    findings, flags = findings_block(audit[0] if audit else None, ids)
    n_findings = len(audit[0].findings) if audit else 0
    return (f"<h3 class='rq-rp-h'>章节</h3>{sections_html(collection.sections(report_id), text)}"
            f"<h3 class='rq-rp-h'>审核问题（{n_findings} 条）</h3><div class='rq-rp-findings'>{findings}</div>"
            f"<h3 class='rq-rp-h'>表格（{len(grids)} 张）</h3>{tables_html(grids, text, pages, ids, flags)}"
            f"<h3 class='rq-rp-h'>段落</h3>{chunks_html(collection.chunks(report_id))}")
