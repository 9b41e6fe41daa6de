"""The 年度对比 view: a comparison (retrieval.compare.Comparison) as one two-column table per
section, last year on the left, this year on the right. Report text escaped; a table row's tabs
drawn as cell separators (app/render.cells)."""
from __future__ import annotations

from app.render import SECTION_NAMES, _e, cells


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
        parts.append(f"<div class='rq-cmp-section' data-section='{_e(sec.section)}'><div class='rq-cmp-head'>"
                     f"<b>{_e(head)}</b> <span class='rq-cmp-sim'>相似度 {sec.similarity * 100:.0f}%</span>{badge}"
                     f"<div class='rq-meta'>{stats}</div></div><table class='rq-cmp'><colgroup><col><col></colgroup>"
                     f"<tr><th>{old_h}</th><th>{new_h}</th></tr>{''.join(rows)}</table></div>")
    return "".join(parts)
