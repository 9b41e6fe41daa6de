"""The 年度对比 view: a comparison (retrieval.compare.Comparison) as one two-column table per
section, last year on the left, this year on the right; in the table sections (二 三 四) each
table as one official grid of both years, a changed cell showing last year's value → this year's.
Report text escaped; a table row's tabs drawn as cell separators (app/render.cells)."""
from __future__ import annotations

from app.render import SECTION_NAMES, _e, cells, table_name
from app.render_grid import grid_html, ordered_rows
from reportqa.schema import table_specs


def _t(value) -> str:
    """Report text, escaped, tabs drawn as cell separators."""
    return cells(_e(value))


def _side(span, edits, which: str, tag: str) -> str:
    """One side of a changed sentence pair: the words its edits touch wrapped in <del>/<ins>."""
    text, base = span.text, span.start
    out, cursor = [], 0
    for e in edits:
        rng = e.old if which == "old" else e.new
        if not rng:
            continue
        a, b = rng[0] - base, rng[1] - base
        out.append(_t(text[cursor:a]))
        out.append(_t(text[a:b]) if e.op == "equal" else f"<{tag}>{_t(text[a:b])}</{tag}>")
        cursor = b
    out.append(_t(text[cursor:]))
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


def _union(new: list[tuple[str, str]], old: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keys of both years in this year's order, last year's own after them; this year's labels."""
    seen = {k for k, _ in new}
    return list(new) + [(k, label) for k, label in old if k not in seen]


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.value == b.value if a.value is not None and b.value is not None else a.raw.strip() == b.raw.strip()


def table_diff(table: str, old, new, old_year, new_year) -> tuple[str, int]:
    """One table of two years (retrieval.collection.Grid, either may be None) as one grid: each cell
    this year's value, a changed one last year's → this year's; and how many cells changed."""
    rows = _union(new.rows if new else [], old.rows if old else [])
    cols = _union(new.columns if new else [], old.columns if old else [])
    changed = [0]

    def cell(rk: str, ck: str) -> str:
        a = old.cells.get((rk, ck)) if old else None
        b = new.cells.get((rk, ck)) if new else None
        if _same(a, b):
            return f"<td>{_e(b.raw if b else '')}</td>"
        changed[0] += 1
        was, now = (a.raw if a else "") or "—", (b.raw if b else "") or "—"
        tip = _e(f"{old_year or ''}年 {was} → {new_year or ''}年 {now}")
        return (f"<td class='rq-chg' title='{tip}'><del>{_e(was)}</del><span class='rq-arrow'>→</span>"
                f"<ins>{_e(now)}</ins></td>")

    grid = grid_html(table, cols, ordered_rows(table, rows), cell)
    return grid, changed[0]


def _grids(section: str, grids, years) -> str:
    """The section's tables of both years (grids: ({table: Grid} of last year, of this year))."""
    old, new = grids
    parts = []
    for table, spec in table_specs().items():
        if spec.section != section or (table not in old and table not in new):
            continue
        grid, changed = table_diff(table, old.get(table), new.get(table), *years)
        note = f"{changed} 格有变化" if changed else "与上年相同"
        parts.append(f"<div class='rq-cmp-grid rq-table' data-table='{_e(table)}'><div class='rq-rp-tname'>"
                     f"{_e(table_name(table))} <span class='rq-meta'>{note}</span></div>"
                     f"<div class='rq-scroll'>{grid}</div></div>")
    return "".join(parts)


def compare_html(cmp, old_label: str = "", new_label: str = "", grids=None) -> str:
    """A comparison (retrieval.compare.Comparison) as one two-column table per section:
    last year on the left, this year on the right, one row per aligned sentence pair; in the table
    sections, with grids (({table: Grid} of the older report, of the newer)), the tables as grids of
    both years, the lines of text folded below them."""
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
                inner = "".join(f"<tr class='rq-cmp-same'><td class='old'>{_t(q.old.text)}</td>"
                                f"<td class='new'>{_t(q.new.text)}</td></tr>" for q in p)
                rows.append(f"<tr class='rq-cmp-fold'><td colspan='2'><details><summary>… {len(p)} 行相同（展开）"
                            f"</summary><table class='rq-cmp'><colgroup><col><col></colgroup>{inner}</table>"
                            f"</details></td></tr>")
                continue
            if p.status == "changed":
                left = _side(p.old, p.edits, "old", "del")
                right = _side(p.new, p.edits, "new", "ins")
            else:
                left = _t(p.old.text) if p.old else ""
                right = _t(p.new.text) if p.new else ""
            cls = "reused" if p.reused else p.status
            flag = "<span class='rq-cmp-flag'>沿用</span>" if p.reused else ""
            rows.append(f"<tr class='rq-cmp-{cls}'><td class='old'>{left}</td><td class='new'>{right}{flag}</td></tr>")
        lines = (f"<table class='rq-cmp'><colgroup><col><col></colgroup><tr><th>{old_h}</th><th>{new_h}</th></tr>"
                 f"{''.join(rows)}</table>")
        tables = _grids(sec.section, grids, (cmp.old_year, cmp.new_year)) if grids and sec.section in "二三四" else ""
        if tables:
            lines = (f"<div class='rq-meta rq-cmp-gridkey'>表格：每格为{_e(cmp.new_year or '')}年的数；有变化的格标出"
                     f" <del>{_e(cmp.old_year or '')}年</del>→<ins>{_e(cmp.new_year or '')}年</ins></div>{tables}"
                     f"<details class='rq-cmp-lines'><summary>逐行对照原文（{len(sec.pairs)} 行）</summary>{lines}</details>")
        parts.append(f"<div class='rq-cmp-section' data-section='{_e(sec.section)}'><div class='rq-cmp-head'>"
                     f"<b>{_e(head)}</b> <span class='rq-cmp-sim'>相似度 {sec.similarity * 100:.0f}%</span>{badge}"
                     f"<div class='rq-meta'>{stats}</div></div>{lines}</div>")
    return "".join(parts)
