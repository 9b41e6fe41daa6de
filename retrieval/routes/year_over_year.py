"""Year over year: 和上年相比，依申请公开申请数量变化了多少？ / 行政处罚决定数量增长了百分之几？ → the
exact Decimal difference and percentage from both years' cells, both cited, the arithmetic shown."""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import searched_names
from reportqa.types import Answer, StoredReport
from reportqa.vocabulary import YEAR_MENTION
from retrieval.compose import CitationBuilder
from retrieval.context import RELATIVE_YEAR, groups_in_context
from retrieval.crossyear import YearOverYear, previous_report, year_over_year
from retrieval.figures import as_number, plain
from retrieval.lexicon import CellQuery, flatten, match_cells
from retrieval.question import Question

ASKS_CHANGE = re.compile(
    r"(?:和|与|同|跟|较|比)(?:上年|去年|上一年|前一年|上年度|(?:19|20)\d\d年)(?!结转)(?:相比|比较|同期)?"
    r"|同比|环比|增幅|降幅|增长率|变化(?:了|情况|幅度)|增减"
    r"|(?:增长|增加|减少|下降|上升)了?(?:百分之几|多少|几|百分比)")
ASKS_PERCENT = re.compile(r"百分之几|百分比|增幅|降幅|增长率|%|％|几成")
MAX_BODIES = 8


def answer(question: Question) -> Answer | None:
    flat = flatten(question.effective)
    if not ASKS_CHANGE.search(flat):
        return None
    queries = match_cells(RELATIVE_YEAR.sub("", flat))
    if not queries:
        return None
    query = queries[0]
    reports = list(question.reports)
    groups = groups_in_context(question.effective, reports, question.bodies)
    if not groups:
        return None
    asked = sorted({int(y) for y in YEAR_MENTION.findall(flat)} | set(question.years or ()))
    wants_pct = bool(ASKS_PERCENT.search(flat))
    cites = CitationBuilder(question.stores)
    lines, used, values = [], [], []
    for group in groups[:MAX_BODIES]:
        cur, old = _pair(group, asked, reports)
        if cur is None:
            continue
        if old is None:
            if len(groups) == 1:
                lines.append(render("yoy_no_previous", body=cur.display_body, year=(cur.year or 0) - 1,
                                    available=searched_names(group)))
            continue
        yoy = year_over_year(question.stores.facts, old, cur, query)
        if yoy is None:
            continue
        used += [cur.report_id, old.report_id]
        lines += _change_lines(cites, query, cur, old, yoy)
        if yoy.delta is not None:
            values.append((yoy.pct, "%") if wants_pct else (yoy.delta, yoy.new.unit))
    if not lines:
        return None
    if len(groups) > 1 and len(values) > 1:
        lines.insert(0, render("several_reports", reports=searched_names([r for r in reports if r.report_id in set(used)])))
    value, unit = values[0] if len(values) == 1 else (None, values[0][1] if values else None)
    return Answer(question.text, "table" if values else "none", "\n".join(lines), as_number(value), unit,
                  list(dict.fromkeys(used)), cites.citations)


def _pair(group: list[StoredReport], asked: list[int], reports: list[StoredReport]):
    """(this year's report, the one it is compared with): the years asked, else the latest with a predecessor."""
    if asked:
        cur = next((r for r in reversed(group) if r.year == asked[-1]), None)
        if cur is None:
            return None, None
        old = next((r for r in group if len(asked) > 1 and r.year == asked[0]), None) or previous_report(reports, cur)
        return cur, old
    with_prev = [r for r in group if previous_report(reports, r) is not None]
    cur = with_prev[-1] if with_prev else group[-1]
    return cur, previous_report(reports, cur)


def _change_lines(cites: CitationBuilder, query: CellQuery, cur: StoredReport, old: StoredReport,
                  yoy: YearOverYear) -> list[str]:
    name = cur.display_body
    label = f"{query.column_label}{query.label}" if query.column_label else query.label
    if yoy.delta is None:
        blank = yoy.new if yoy.new.value is None else yoy.old
        year = cur.year if blank is yoy.new else old.year
        return [render("yoy_blank", report=name, label=label, year=year, refs=cites.refs(blank.parts))]
    new_refs = cites.refs(yoy.new.parts) if not yoy.new.is_sum else ""
    old_refs = cites.refs(yoy.old.parts) if not yoy.old.is_sum else ""
    signed = ("+" if yoy.delta > 0 else "") + plain(yoy.delta)
    direction = "增加 " + plain(yoy.delta) if yoy.delta > 0 else ("减少 " + plain(-yoy.delta) if yoy.delta < 0 else "持平")
    direction += yoy.new.unit if yoy.delta else ""
    if yoy.pct is None:
        pct = render("yoy_pct_zero")
    else:
        word = "增长" if yoy.pct > 0 else ("下降" if yoy.pct < 0 else "变化")
        pct = render("yoy_pct", word=word, pct=plain(abs(yoy.pct)), signed=signed, old=plain(yoy.old.value))
    lines = [render("yoy", report=name, label=label, new_year=cur.year, new=plain(yoy.new.value), unit=yoy.new.unit,
                    new_refs=new_refs, old_year=old.year, old=plain(yoy.old.value), old_refs=old_refs,
                    direction=direction, signed=signed, pct=pct)]
    for fig, year in ((yoy.new, cur.year), (yoy.old, old.year)):
        if fig.is_sum:
            parts = "；".join(render("group_part", label=p.row_label if len(query.rows) > 1 else p.column_label,
                                     value=plain(p.value), unit=p.unit, ref=cites.add_fact(p)) for p in fig.parts)
            lines.append(render("yoy_parts", year=year, label=label, parts=parts))
    return lines
