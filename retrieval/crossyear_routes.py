"""Question routes across years and bodies, tried by QuestionAnswerer.ask before the others.

- prior-year wording: "去年的报告里存在的主要问题是怎么写的？" → the section (or the best passages) of
  the previous year's report of the body in context, cited, with the `reportqa compare` hint;
- year over year: "和上年相比，依申请公开申请数量变化了多少？" / "行政处罚决定数量增长了百分之几？"
  → exact Decimal difference and percentage from both years' cells, both cited, arithmetic shown;
- across bodies: "2023年哪个部门收到的政府信息公开申请最多？" / "各区县行政复议总数排名" /
  "所有报告合计予以公开多少件？" → one SQL query over the facts table, each figure cited, with how
  many reports were covered and which had no such figure.

Each route returns None when the question is not its kind, and the usual routes run instead.
"""
from __future__ import annotations

import re
from decimal import Decimal

from prompts import render
from reportqa.types import Answer, StoredReport
from retrieval.compare import _body_span, section_number, top_sections
from retrieval.compose import CitationBuilder, report_name, searched_names
from retrieval.crossyear import across_reports, previous_report, ranks, year_over_year
from retrieval.figures import as_number, plain
from retrieval.lexicon import flatten, is_numeric_question, match_cells
from retrieval.scope import body_groups, place_levels, resolve_scope

_RELATIVE_YEAR = re.compile(r"(?:去年|上一?年度?|前一年)(?!结转)")
_PRIOR_REPORT = re.compile(r"(?:去年|上一?年度?|前一年)(?:的|发布的)?(?:年度)?报告")
_YEARS = re.compile(r"((?:19|20)\d\d)\s*年?")
_YOY = re.compile(
    r"(?:和|与|同|跟|较|比)(?:上年|去年|上一年|前一年|上年度|(?:19|20)\d\d年)(?!结转)(?:相比|比较|同期)?"
    r"|同比|环比|增幅|降幅|增长率|变化(?:了|情况|幅度)|增减"
    r"|(?:增长|增加|减少|下降|上升)了?(?:百分之几|多少|几|百分比)")
_PERCENT = re.compile(r"百分之几|百分比|增幅|降幅|增长率|%|％|几成")
_RANK = re.compile(r"最多|最少|最高|最低|最大|最小|排名|排行|排序|前[0-9一二三四五六七八九十]+名?")
_TOTAL = re.compile(r"合计|总共|一共|共计|加起来|总和|累计|汇总")
_ACROSS = re.compile(r"所有|全部|各(?:区县|区|县|市|乡镇|镇|乡|部门|单位|报告|地|机关)|哪个|哪些|哪家|多份报告|这些报告")
_LOCAL = {"区县": ("区", "县", "旗"), "区": ("区",), "县": ("县", "旗"), "乡镇": ("镇", "乡", "街道"), "镇": ("镇",),
          "乡": ("乡",), "市": ("市",)}
NARRATIVE_SECTIONS = {"一", "五", "六"}
LIST_LIMIT = 30


def cross_year_route(qa, question: str, effective: str, reports: list[StoredReport], *, bodies=None, years=None,
                     history=None) -> Answer | None:
    for route in (_prior_year_wording, _year_over_year, _across_bodies):
        answer = route(qa, question, effective, reports, bodies, years, history or [])
        if answer is not None:
            return answer
    return None


# --------------------------------------------------------------------------- helpers


def _first(queries):
    """The first figure the question asks for (match_cells returns a list; older versions one query)."""
    if isinstance(queries, list):
        return queries[0] if queries else None
    return queries


def _strip_years(text: str) -> str:
    return _YEARS.sub("", _RELATIVE_YEAR.sub("", text))


def _groups_in_context(effective: str, reports: list[StoredReport], bodies) -> list[list[StoredReport]] | None:
    """The body groups the question (or its context, or the body filter) is about; None: a missing body."""
    scope = resolve_scope(_strip_years(effective), reports, bodies=bodies)
    if scope.missing:
        return None
    ids = set(scope.report_ids)
    groups = [g for g in body_groups(reports) if any(r.report_id in ids for r in g)]
    return groups  # unnamed: every body with a report in scope (callers decide)


def _refs(cites: CitationBuilder, facts) -> str:
    return "".join(f"[{cites.add_fact(f)}]" for f in facts)


def _names(reports: list[StoredReport], limit: int = 12) -> str:
    names = [report_name(r) for r in reports]
    return "、".join(names[:limit]) + (f" 等 {len(names)} 份" if len(names) > limit else "")


def _history_year(history: list[str]) -> int | None:
    for h in reversed(history):
        found = _YEARS.findall(flatten(h))
        if found:
            return int(found[-1])
    return None


# --------------------------------------------------------------------------- prior-year wording


def _prior_year_wording(qa, question, effective, reports, bodies, years, history) -> Answer | None:
    flat = flatten(effective)
    if not _PRIOR_REPORT.search(flat):
        return None
    groups = _groups_in_context(effective, reports, bodies)
    if not groups or len(groups) != 1:
        return None  # no body in context (or several): the usual routes decide
    group = groups[0]
    year = max(years) if years else _history_year(history)
    current = [r for r in group if r.year == year] if year else []
    cur = current[-1] if current else group[-1]
    prev = previous_report(reports, cur)
    if prev is None:
        return Answer(question, "none", render("prior_missing", body=cur.body or cur.report_id, year=(cur.year or 0) - 1,
                                               current=cur.year, available=searched_names(group)))
    number = section_number(flat.split("报告", 1)[-1]) if "报告" in flat else None
    hint_fields = {"new_year": cur.year, "body": cur.body or cur.report_id, "number": number}
    if number in NARRATIVE_SECTIONS and not is_numeric_question(flat.split("报告", 1)[-1]):
        sections = top_sections(qa.stores.facts.sections(prev.report_id))
        sec = sections.get(number)
        if sec is not None:
            text = qa.stores.facts.report_text(prev.report_id) or ""
            start, end = _body_span(text, sec)
            cites = CitationBuilder(qa.stores)
            ref = cites.add(prev.report_id, start, end)
            lines = [render("prior_section", report=report_name(prev), section=sec.heading, quote=text[start:end], ref=ref),
                     render("compare_hint", **hint_fields)]
            return Answer(question, "text", "\n".join(lines), reports=[prev.report_id], citations=cites.citations)
    asked = re.sub(_PRIOR_REPORT, "报告", effective)
    if is_numeric_question(asked):
        answer = qa._numeric(question, asked, [prev], True)
    else:
        answer = qa._narrative(question, asked, [prev])
    if answer is None or answer.route == "none":
        return answer
    answer.answer += "\n" + (render("compare_hint", **hint_fields) if number else render("compare_hint_all", **hint_fields))
    return answer


# --------------------------------------------------------------------------- year over year


def _year_over_year(qa, question, effective, reports, bodies, years, history) -> Answer | None:
    flat = flatten(effective)
    if not _YOY.search(flat):
        return None
    query = _first(match_cells(_RELATIVE_YEAR.sub("", flat)))
    if query is None:
        return None
    groups = _groups_in_context(effective, reports, bodies)
    if not groups:
        return None
    asked = sorted({int(y) for y in _YEARS.findall(flat)} | set(years or []))
    wants_pct = bool(_PERCENT.search(flat))
    cites = CitationBuilder(qa.stores)
    lines, used, values = [], [], []
    for group in groups[:8]:
        if asked:
            cur = next((r for r in reversed(group) if r.year == asked[-1]), None)
            if cur is None:
                continue
            old = next((r for r in group if len(asked) > 1 and r.year == asked[0]), None) or previous_report(reports, cur)
        else:
            with_prev = [r for r in group if previous_report(reports, r) is not None]
            cur = with_prev[-1] if with_prev else group[-1]
            old = previous_report(reports, cur)
        if old is None:
            if len(groups) == 1:
                lines.append(render("yoy_no_previous", body=cur.body or cur.report_id, year=(cur.year or 0) - 1,
                                    available=searched_names(group)))
            continue
        yoy = year_over_year(qa.stores.facts, old, cur, query)
        if yoy is None:
            continue
        used += [cur.report_id, old.report_id]
        name = cur.body or cur.report_id
        label = f"{query.column_label}{query.label}" if query.column_label else query.label
        if yoy.delta is None:
            blank = yoy.new if yoy.new.value is None else yoy.old
            year = cur.year if blank is yoy.new else old.year
            lines.append(render("yoy_blank", report=name, label=label, year=year, refs=_refs(cites, blank.parts)))
            continue
        new_refs = _refs(cites, yoy.new.parts) if not yoy.new.is_sum else ""
        old_refs = _refs(cites, yoy.old.parts) if not yoy.old.is_sum else ""
        signed = ("+" if yoy.delta > 0 else "") + plain(yoy.delta)
        direction = "增加 " + plain(yoy.delta) if yoy.delta > 0 else ("减少 " + plain(-yoy.delta) if yoy.delta < 0 else "持平")
        direction += yoy.new.unit if yoy.delta else ""
        if yoy.pct is None:
            pct = render("yoy_pct_zero")
        else:
            word = "增长" if yoy.pct > 0 else ("下降" if yoy.pct < 0 else "变化")
            pct = render("yoy_pct", word=word, pct=plain(abs(yoy.pct)), signed=signed, old=plain(yoy.old.value))
        lines.append(render("yoy", report=name, label=label, new_year=cur.year, new=plain(yoy.new.value),
                            unit=yoy.new.unit, new_refs=new_refs, old_year=old.year, old=plain(yoy.old.value),
                            old_refs=old_refs, direction=direction, signed=signed, pct=pct))
        for fig, year in ((yoy.new, cur.year), (yoy.old, old.year)):
            if fig.is_sum:
                parts = "；".join(render("group_part", label=p.row_label if len(query.rows) > 1 else p.column_label,
                                         value=plain(p.value), unit=p.unit, ref=cites.add_fact(p)) for p in fig.parts)
                lines.append(render("yoy_parts", year=year, label=label, parts=parts))
        values.append((yoy.pct, "%") if wants_pct else (yoy.delta, yoy.new.unit))
    if not lines:
        return None
    if len(groups) > 1 and len(values) > 1:
        lines.insert(0, render("several_reports", reports=searched_names(
            [r for r in reports if r.report_id in set(used)])))
    value, unit = values[0] if len(values) == 1 else (None, values[0][1] if values else None)
    route = "table" if values else "none"
    return Answer(question, route, "\n".join(lines), as_number(value), unit, list(dict.fromkeys(used)), cites.citations)


# --------------------------------------------------------------------------- across bodies


def _local_filter(flat: str, reports: list[StoredReport]) -> tuple[list[StoredReport], str | None]:
    m = re.search(r"各(区县|乡镇|区|县|镇|乡|市)", flat)
    if not m:
        return reports, None
    ends = _LOCAL[m.group(1)]
    kept = [r for r in reports if place_levels(r.place) and place_levels(r.place)[-1].endswith(ends)]
    return kept, m.group(0)


def _across_bodies(qa, question, effective, reports, bodies, years, history) -> Answer | None:
    flat = flatten(question)
    rank, total = _RANK.search(flat), _TOTAL.search(flat)
    if not (rank or total) or not (_ACROSS.search(flat) or rank):
        return None
    query = _first(match_cells(flat))
    if query is None:
        return None
    scope = resolve_scope(question, reports, bodies=bodies, years=years)
    if scope.named or scope.missing:
        return None
    pool = [r for r in reports if r.report_id in set(scope.report_ids)]
    pool, words = _local_filter(flat, pool)
    notes = []
    if words and not pool:
        notes.append(render("across_filter_empty", words=words))
        pool = [r for r in reports if r.report_id in set(scope.report_ids)]
    if len(pool) < 2 and not total:
        return None
    across = across_reports(qa.stores.facts, pool, query)
    label = f"{query.column_label}{query.label}" if query.column_label else query.label
    scope_words = "、".join(str(y) for y in scope.years) + "年" if scope.years else "全部年份"
    if words:
        scope_words += "，" + words
    cites = CitationBuilder(qa.stores)
    lines = list(notes)
    valued = across.valued
    unit = valued[0].parts[0].unit if valued else ""
    if rank and valued:
        low = bool(re.search(r"最少|最低|最小", flat))
        order = list(reversed(valued)) if low else valued
        rk = ranks(order)
        best = [row for row, k in zip(order, rk) if k == 1]
        lines.append(render("ranking_top", label=label, extreme="最少" if low else "最多",
                            report="、".join(report_name(r.report) for r in best), value=plain(best[0].value), unit=unit))
        details = [render("ranking_row", rank=k, report=report_name(row.report), value=plain(row.value), unit=unit,
                          refs=_refs(cites, row.parts)) for row, k in list(zip(order, rk))[:LIST_LIMIT]]
        lines.append(render("ranking", label=label, count=len(valued), details="；".join(details)))
        if len(order) > LIST_LIMIT:
            lines.append(render("ranking_more", count=len(order) - LIST_LIMIT))
        value = best[0].value
    elif valued:
        details = "；".join(render("total_row", report=report_name(row.report), value=plain(row.value), unit=unit,
                                   refs=_refs(cites, row.parts)) for row in valued)
        expression = " + ".join(plain(row.value) for row in valued)
        lines.append(render("sum_across", label=label, count=len(valued), value=plain(across.total), unit=unit,
                            details="其中：" + details + "。"))
        lines.append(render("total_sum", expression=expression, value=plain(across.total), unit=unit))
        value = across.total
    else:
        value = None
    lines.append(render("across_coverage", searched=len(pool), scope=scope_words, covered=len(valued)))
    if across.missing:
        lines.append(render("across_missing", count=len(across.missing), names=_names(across.missing)))
    if across.blank:
        lines.append(render("across_blank", count=len(across.blank), names=_names([r.report for r in across.blank])))
    route = "table" if valued else "none"
    return Answer(question, route, "\n".join(lines), as_number(value) if value is not None else None, unit or None,
                  [row.report.report_id for row in valued], cites.citations)


__all__ = ["cross_year_route", "Decimal"]
