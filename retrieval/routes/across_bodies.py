"""Across bodies: 2023年哪个部门收到的政府信息公开申请最多？ / 各区县行政复议总数排名 / 所有报告合计予以
公开多少件？ → one query over the facts of many reports, each figure cited, saying how many reports
were covered and which had no such figure."""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import report_list, report_name
from reportqa.types import Answer, StoredReport
from retrieval.compose import CitationBuilder
from retrieval.crossyear import Across, across_reports, ranks
from retrieval.figures import as_number, plain
from retrieval.lexicon import flatten, match_cells
from retrieval.question import Question
from retrieval.groups import body_groups
from retrieval.scope import place_levels, resolve_scope

ASKS_RANK = re.compile(r"最多|最少|最高|最低|最大|最小|排名|排行|排序|前[0-9一二三四五六七八九十]+名?")
ASKS_LOWEST = re.compile(r"最少|最低|最小")
ASKS_TOTAL = re.compile(r"合计|总共|一共|共计|加起来|总和|累计|汇总")
ACROSS = re.compile(r"所有|全部|各(?:区县|区|县|市|乡镇|镇|乡|部门|单位|报告|地|机关)|哪个|哪些|哪家|多份报告|这些报告")
_LOCAL = {"区县": ("区", "县", "旗"), "区": ("区",), "县": ("县", "旗"), "乡镇": ("镇", "乡", "街道"), "镇": ("镇",),
          "乡": ("乡",), "市": ("市",)}
# a ranking names each body once (its latest report) unless the question asks for every year
EVERY_YEAR = re.compile(r"所有报告|全部报告|历年|各年|每年|每一年")
LIST_LIMIT = 30  # ranked rows listed; the rest are counted


def answer(question: Question) -> Answer | None:
    flat = flatten(question.text)
    rank, total = ASKS_RANK.search(flat), ASKS_TOTAL.search(flat)
    if not (rank or total) or not (ACROSS.search(flat) or rank):
        return None
    queries = match_cells(flat)
    if not queries:
        return None
    query = queries[0]
    reports = list(question.reports)
    scope = resolve_scope(question.text, reports, bodies=question.bodies, years=question.years)
    if scope.named or scope.missing:
        return None
    in_scope = [r for r in reports if r.report_id in set(scope.report_ids)]
    pool, words = _local_filter(flat, in_scope)
    notes = []
    if words and not pool:
        notes.append(render("across_filter_empty", words=words))
        pool = in_scope
    latest_only = bool(rank) and not scope.years and len({r.year for r in pool}) > 1 and not EVERY_YEAR.search(flat)
    if latest_only:  # one body is one entry: its latest report, not one entry per year
        pool = latest_per_body(pool)
    if len(pool) < 2 and not total:
        return None
    across = across_reports(question.stores.facts, pool, query)
    label = f"{query.column_label}{query.label}" if query.column_label else query.label
    scope_words = "、".join(str(y) for y in scope.years) + "年" if scope.years else (
        "各机关最新一年" if latest_only else "全部年份")
    if words:
        scope_words += "，" + words
    cites = CitationBuilder(question.stores)
    lines = list(notes)
    unit = across.valued[0].parts[0].unit if across.valued else ""
    if rank and across.valued:
        value = _ranking(lines, cites, across, label, unit, lowest=bool(ASKS_LOWEST.search(flat)))
    elif across.valued:
        value = _total(lines, cites, across, label, unit)
    else:
        value = None
    lines.append(render("across_coverage", searched=len(pool), scope=scope_words, covered=len(across.valued)))
    if across.missing:
        lines.append(render("across_missing", count=len(across.missing), names=report_list(across.missing)))
    if across.blank:
        lines.append(render("across_blank", count=len(across.blank), names=report_list([r.report for r in across.blank])))
    return Answer(question.text, "table" if across.valued else "none", "\n".join(lines),
                  as_number(value) if value is not None else None, unit or None,
                  [row.report.report_id for row in across.valued], cites.citations)


def _ranking(lines: list[str], cites: CitationBuilder, across: Across, label: str, unit: str, *, lowest: bool):
    order = list(reversed(across.valued)) if lowest else across.valued
    rk = ranks(order)
    best = [row for row, k in zip(order, rk) if k == 1]
    lines.append(render("ranking_top", label=label, extreme="最少" if lowest else "最多",
                        report="、".join(report_name(r.report) for r in best), value=plain(best[0].value), unit=unit))
    details = [render("ranking_row", rank=k, report=report_name(row.report), value=plain(row.value), unit=unit,
                      refs=cites.refs(row.parts)) for row, k in list(zip(order, rk))[:LIST_LIMIT]]
    lines.append(render("ranking", label=label, count=len(across.valued), details="；".join(details)))
    if len(order) > LIST_LIMIT:
        lines.append(render("ranking_more", count=len(order) - LIST_LIMIT))
    return best[0].value


def _total(lines: list[str], cites: CitationBuilder, across: Across, label: str, unit: str):
    details = "；".join(render("total_row", report=report_name(row.report), value=plain(row.value), unit=unit,
                               refs=cites.refs(row.parts)) for row in across.valued)
    expression = " + ".join(plain(row.value) for row in across.valued)
    lines.append(render("sum_across", label=label, count=len(across.valued), value=plain(across.total), unit=unit,
                        details="其中：" + details + "。"))
    lines.append(render("total_sum", expression=expression, value=plain(across.total), unit=unit))
    return across.total


def latest_per_body(reports: list[StoredReport]) -> list[StoredReport]:
    """Each body's latest report (a body stored under two names across years is one body)."""
    latest = [max(group, key=lambda r: r.year or 0) for group in body_groups(reports)]
    keep = {r.report_id for r in latest}
    return [r for r in reports if r.report_id in keep]


def _local_filter(flat: str, reports: list[StoredReport]) -> tuple[list[StoredReport], str | None]:
    """各区县 / 各乡镇: only the reports of places of that level."""
    m = re.search(r"各(区县|乡镇|区|县|镇|乡|市)", flat)
    if not m:
        return reports, None
    ends = _LOCAL[m.group(1)]
    kept = [r for r in reports if place_levels(r.place) and place_levels(r.place)[-1].endswith(ends)]
    return kept, m.group(0)
