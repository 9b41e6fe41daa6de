"""The 一致性审核 tab: the same findings as `reportqa audit` (retrieval.audit.Audit), cross-year ones
included, named as the report template names them (第三部分 收到和处理政府信息公开申请情况), never by
internal keys; each affected table row is quoted once, with every cell the finding concerns marked."""
from __future__ import annotations

import gradio as gr

from app.render import _e, marked_spans, table_name
from reportqa.schema import column_display, table_specs

QUOTED_LINES = 8  # table rows quoted per finding


def build_audit_tab(collection) -> gr.HTML:
    with gr.Tab("一致性审核", id="audit"):
        gr.Markdown("各报告表格之间、正文与表格之间的勾稽关系检查结果（有问题的报告仍可问答）。")
        return gr.HTML(findings_html(collection.audit()), elem_id="rq-audit")


def _cell_items(f, cells: dict, anchors: dict | None = None) -> str:
    """The cells a finding concerns, each once, under the name of the table they are in; with anchors
    ((table, row_key, column_key) -> an element id, the report page's grid cells) each links to its cell."""
    by_table: dict[str, list[str]] = {}
    for cell in dict.fromkeys(tuple(c) for c in f.cells):
        fact = cells.get(cell)
        table, row_key, column_key = cell
        spec = table_specs().get(table)
        one_row = spec is not None and len(spec.rows) == 1  # 第四部分's one row is the table's name again
        row = "" if one_row else _e(fact.row_label if fact else row_key) + " / "
        column = _e(column_display(column_key, fact.column_label if fact else column_key.split(".")[-1]))
        item = f"{row}{column}" + (f" = <b>{_e(fact.raw)}</b>" if fact else "")
        if anchors and cell in anchors:
            item = f"<a class='rq-jump' href='#{_e(anchors[cell])}'>{item}</a>"
        by_table.setdefault(table, []).append(f"<li>{item}</li>")
    return "".join(f"<div class='rq-finding-table'>{_e(table_name(t))}</div><ul>{''.join(items)}</ul>"
                   for t, items in by_table.items())


def _quoted_lines(f, text: str) -> str:
    """Each line of the text a finding points into, once, with all of the finding's spans in it marked."""
    lines: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for start, end in f.spans:
        lo = text.rfind("\n", 0, start) + 1
        hi = text.find("\n", end)
        lines.setdefault((lo, len(text) if hi < 0 else hi), []).append((start, end))
    return "".join(f"<div class='rq-context'>{marked_spans(text, spans, lo, hi)}</div>"
                   for (lo, hi), spans in list(lines.items())[:QUOTED_LINES])


def finding_html(f, text: str, cells: dict, anchors: dict | None = None, ident: str = "") -> str:
    """One finding in the template's words; anchors and ident: see _cell_items (the report page)."""
    ident = f" id='{_e(ident)}'" if ident else ""
    return (f"<div class='rq-finding'{ident} title='检查规则：{_e(f.rule)}'><div><b>{_e(f.message)}</b></div>"
            f"<div class='rq-meta'>应为 {_e(f.expected)}，实际 {_e(f.found)}</div>"
            f"{_cell_items(f, cells, anchors)}{_quoted_lines(f, text)}</div>")


def reuse_html(u) -> str:
    """Text copied word for word from the body's previous report (retrieval.audit.Reuse)."""
    what = (f"与 {_e(u.previous)} 逐字相同（{u.reused} 句）" if u.whole
            else f"有 {u.reused} 句与 {_e(u.previous)} 逐字相同")
    return (f"<div class='rq-finding rq-reuse' title='检查规则：{_e(u.rule)}'><div><b>「{_e(u.heading)}」{what}</b> "
            f"<span class='rq-meta'>相似度 {u.similarity * 100:.0f}%</span></div></div>")


def findings_html(audit) -> str:
    """An audit (retrieval.audit.Audit): the same findings the CLI's `reportqa audit` lists."""
    parts = []
    for ra in audit.reports:
        r, findings = ra.report, ra.findings
        status = f"{len(findings)} 条问题" if findings else "勾稽关系全部通过"
        if ra.reuse:
            status += f" · {len(ra.reuse)} 节沿用上年文字"
        items = [finding_html(f, ra.text, ra.cells) for f in findings] + [reuse_html(u) for u in ra.reuse]
        cls = "rq-card rq-warn" if findings else "rq-card rq-ok"
        parts.append(f"<div class='{cls}'><div class='rq-card-head'><b>{_e(r.body)} {_e(r.year or '')}年</b> "
                     f"<span class='rq-meta'>{_e(r.report_id)} · {status}</span></div>{''.join(items)}</div>")
    return "".join(parts) or "<div class='rq-empty'>尚无报告。</div>"
