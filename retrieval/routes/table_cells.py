"""Numbers in the statistics tables: 行政处罚决定有多少件？ → the cell (or the sum of its parts), cited.

A share (占比, 百分之几) of the applications table is computed from two cells, both cited. A cell
the narrative restates with another value carries a warning line.
"""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import report_name, searched_names
from reportqa.types import Answer, StoredReport
from retrieval.compose import CitationBuilder
from retrieval.figures import Figure, as_number, lookup, narrative_restatement, plain, share
from retrieval.lexicon import CellQuery, flatten, match_cells
from retrieval.question import Question

MAX_REPORTS = 8  # an unscoped question lists at most this many reports' figures
_SHARE = re.compile(r"率|占比|比例|百分之几|百分比")
_STATED_RATES = re.compile(r"受理率|办结率|答复率")  # rates the narrative states, not computable from the table


def answer(question: Question) -> Answer | None:
    queries = match_cells(question.effective)
    if not queries:
        return None
    flat = flatten(question.effective)
    wants_share = bool(_SHARE.search(flat)) and "增长" not in flat
    if wants_share and _STATED_RATES.search(flat):
        return None
    cites = CitationBuilder(question.stores)
    sentences, values, used = [], [], []
    for report in question.in_scope[:MAX_REPORTS]:
        for query in queries:
            figure = lookup(question.stores.facts, report.report_id, query)
            if figure is None:
                continue
            if report.report_id not in used:
                used.append(report.report_id)
            said, value = _figure_sentences(question, cites, report, query, figure, wants_share)
            sentences += said
            values.append(value)
    if not sentences:
        return None
    text = "\n".join(sentences)
    if len(used) > 1 and not question.named:
        several = [r for r in question.in_scope if r.report_id in used]
        text = render("several_reports", reports=searched_names(several)) + "\n" + text
    value, unit = values[0] if len(values) == 1 else (None, values[0][1] if values else None)
    return Answer(question.text, "table", text, as_number(value), unit, used, cites.citations)


def _figure_sentences(question: Question, cites: CitationBuilder, report: StoredReport, query: CellQuery,
                      figure: Figure, wants_share: bool) -> tuple[list[str], tuple]:
    """The answer sentences for one figure of one report, and (value, unit)."""
    name = report_name(report)
    label = f"{query.column_label}{query.label}" if query.column_label else query.label
    if wants_share and query.table == "applications":
        said = _share_sentence(question, cites, report, query, figure, name, label)
        if said is not None:
            return said
    if figure.is_sum:
        parts = [render("group_part", label=_part_label(p, query, figure.parts), value=plain(p.value), unit=p.unit,
                        ref=cites.add_fact(p)) for p in figure.parts]
        said = [render("group", report=name, label=label, value=plain(figure.value), unit=figure.unit,
                       parts="；".join(parts))]
    elif figure.value is None:
        said = [render("cell_blank", report=name, label=label, ref=cites.add_fact(figure.parts[0]))]
    else:
        said = [render("cell", report=name, label=label, value=plain(figure.value), unit=figure.unit,
                       ref=cites.add_fact(figure.parts[0]))]
    conflict = narrative_restatement(question.stores.facts, figure)
    if conflict is not None:
        said.append(render("mismatch", clause=conflict.row_label, narrative_value=plain(conflict.value),
                           unit=conflict.unit.lstrip("余"), table_value=plain(figure.value),
                           ref=cites.add_fact(conflict)))
    return said, (figure.value, figure.unit)


def _share_sentence(question, cites, report, query, figure, name, label) -> tuple[list[str], tuple] | None:
    """The figure as a share of all applications handled (本年度办理结果总计), both cells cited."""
    denominator_query = CellQuery("applications", ("办理结果总计",), query.columns, "本年度办理结果总计", "")
    denominator = lookup(question.stores.facts, report.report_id, denominator_query)
    pct = share(figure, denominator) if denominator else None
    if pct is None:
        return None
    for p in figure.parts + denominator.parts:
        cites.add_fact(p)
    return [render("share", report=name, label=label, value=plain(pct), numerator_label=label,
                   numerator=plain(figure.value), denominator_label="办理结果总计",
                   denominator=plain(denominator.value), unit=figure.unit)], (pct, "%")


def _part_label(part, query: CellQuery, parts: list) -> str:
    if len(query.rows) > 1:
        return part.row_label
    # Column labels repeat across header groups (总计 under 复议 and under 诉讼): use the key then.
    same = sum(1 for p in parts if p.column_label == part.column_label)
    return part.column_label if same == 1 else part.column_key.replace(".", "·")
