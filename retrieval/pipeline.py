"""The question router: scope → numeric (facts) | narrative (hybrid search) | none → Answer.

Routes are tried in order and the first that can answer wins; a question that no route can
answer gets an honest "not found" naming what was searched.
"""
from __future__ import annotations

import re

from prompts import render
from reportqa.stores import Stores
from reportqa.stores.keywords import tokenize
from reportqa.types import Answer, StoredReport
from retrieval.compose import CitationBuilder, report_name, searched_names
from retrieval.crossyear_routes import cross_year_route
from retrieval.figures import as_number, lookup, narrative_restatement, plain, share
from retrieval.narrative_numbers import best_narrative_fact
from retrieval.followup import contextualize
from retrieval.hybrid import search_passages
from retrieval.lexicon import CellQuery, asks_for_count, flatten, is_numeric_question, match_cells
from retrieval.notes import add_report_notes
from retrieval.bodymatch import mention_tokens, satisfied_mentions
from retrieval.scope import place_levels, resolve_scope

# Words that say nothing about the topic: a passage must share topic words with the question.
_NON_TOPIC = set("报告 年报 年度 政府信息公开 政府 信息 公开 工作 情况 怎么 怎样 如何 什么 哪些 哪个 是否 说 写 提到 提及 内容 方面 有关 关于 介绍 一下 主要 具体 请 问 有 没有 进行 开展 做 做了 了 的 市 县 区 年 今年 去年 本年 里 中 对 呢 吗 是 多少 几".split())
TOPIC_COVERAGE_MIN = 0.5


class QuestionAnswerer:
    def __init__(self, stores: Stores):
        self.stores = stores

    def ask(self, question: str, *, bodies: list[str] | None = None, years: list[int] | None = None,
            history: list[str] | None = None) -> Answer:
        question = (question or "").strip()
        if not question:
            raise ValueError("empty question")
        reports = self.stores.facts.list_reports()
        if not reports:
            return Answer(question, "none", render("no_reports"))
        effective = contextualize(question, history or [], reports)
        answer = self._across_years_or_bodies(question, effective, reports, bodies, years, history)
        if answer is not None:
            return answer
        scope = resolve_scope(effective, reports, bodies=bodies, years=years)
        if scope.missing:
            available = searched_names([r for r in reports if not bodies or r.body in bodies])
            text = render("not_in_collection", name=scope.missing, available=available)
            unsure = [r for r in reports if r.needs_review and (not scope.years or r.year in scope.years)]
            if unsure:  # it may be one of them: say so, and how to fix it, instead of guessing
                text += "\n" + render("unsure_bodies", count=len(unsure), reports=searched_names(unsure, limit=5))
            return Answer(question, "none", text)
        in_scope = [r for r in reports if r.report_id in set(scope.report_ids)]
        answer = None
        if is_numeric_question(effective):
            answer = self._numeric(question, effective, in_scope, scope.named)
            if answer is None and asks_for_count(effective):
                # a count no table cell or stated number gives: passages about the topic are not an answer
                return add_report_notes(self.stores, Answer(
                    question, "none", render("number_not_found", searched=searched_names(in_scope)),
                    reports=[r.report_id for r in in_scope]))
        if answer is None:
            answer = self._narrative(question, effective, in_scope)
        return add_report_notes(self.stores, answer)

    # ------------------------------------------------------------------ across years and bodies
    def _across_years_or_bodies(self, question, effective, reports, bodies, years, history) -> Answer | None:
        """Prior-year wording, year-over-year figures, rankings and totals (retrieval/crossyear_routes.py)."""
        return cross_year_route(self, question, effective, reports, bodies=bodies, years=years, history=history)

    # ------------------------------------------------------------------ numeric route
    def _numeric(self, question: str, effective: str, reports: list[StoredReport], named: bool) -> Answer | None:
        queries = match_cells(effective)
        if queries:
            answer = self._from_cells(question, effective, queries, reports, named)
            if answer is not None:
                return answer
        return self._from_narrative_numbers(question, effective, reports)

    def _from_cells(self, question, effective, queries: list[CellQuery], reports, named) -> Answer | None:
        flat = flatten(effective)
        wants_share = bool(re.search(r"率|占比|比例|百分之几|百分比", flat)) and "增长" not in flat
        if wants_share and re.search(r"受理率|办结率|答复率", flat):
            return None  # rates stated in the narrative, not computable from the table
        cites = CitationBuilder(self.stores)
        sentences, values, used = [], [], []
        for report in reports[:8]:
            for query in queries:
                figure = lookup(self.stores.facts, report.report_id, query)
                if figure is None:
                    continue
                if report.report_id not in used:
                    used.append(report.report_id)
                said, value = self._figure_sentences(cites, report, query, figure, wants_share)
                sentences += said
                values.append(value)
        if not sentences:
            return None
        text = "\n".join(sentences)
        if len(used) > 1 and not named:
            text = render("several_reports", reports=searched_names([r for r in reports if r.report_id in used])) + "\n" + text
        value, unit = values[0] if len(values) == 1 else (None, values[0][1] if values else None)
        return Answer(question, "table", text, as_number(value), unit, used, cites.citations)

    def _figure_sentences(self, cites: CitationBuilder, report: StoredReport, query: CellQuery, figure,
                          wants_share: bool) -> tuple[list[str], tuple]:
        """The answer sentences for one figure of one report, and (value, unit)."""
        name = report_name(report)
        label = f"{query.column_label}{query.label}" if query.column_label else query.label
        if wants_share and query.table == "applications":
            denominator_query = CellQuery("applications", ("办理结果总计",), query.columns, "本年度办理结果总计", "")
            denominator = lookup(self.stores.facts, report.report_id, denominator_query)
            pct = share(figure, denominator) if denominator else None
            if pct is not None:
                for p in figure.parts + denominator.parts:
                    cites.add_fact(p)
                return [render("share", report=name, label=label, value=plain(pct), numerator_label=label,
                               numerator=plain(figure.value), denominator_label="办理结果总计",
                               denominator=plain(denominator.value), unit=figure.unit)], (pct, "%")
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
        conflict = narrative_restatement(self.stores.facts, figure)
        if conflict is not None:
            said.append(render("mismatch", clause=conflict.row_label, narrative_value=plain(conflict.value),
                               unit=conflict.unit.lstrip("余"), table_value=plain(figure.value),
                               ref=cites.add_fact(conflict)))
        return said, (figure.value, figure.unit)

    def _from_narrative_numbers(self, question, effective, reports) -> Answer | None:
        exclude = self._name_tokens(reports) | mention_tokens(effective, reports)
        found = best_narrative_fact(self.stores.facts, [r.report_id for r in reports], effective, exclude)
        if found is None:
            return None
        fact, _score = found
        report = next(r for r in reports if r.report_id == fact.report_id)
        cites = CitationBuilder(self.stores)
        ref = cites.add(fact.report_id, fact.start, fact.end)
        name = report_name(report)
        approx = "约" if fact.unit.startswith("余") else ""
        clause, label = fact.row_label, fact.row_key
        if len(re.sub(r"[\d.%％\s]", "", clause)) < 4:  # 占30.61%: the clause alone says nothing; quote the sentence
            clause = cites.citations[ref - 1].quote
            label = ""
        text = render("narrative_value", report=name, label=label, value=approx + plain(fact.value),
                      unit=fact.unit.lstrip("余") + ("余" if approx else ""), clause=clause, ref=ref)
        return Answer(question, "table", text, as_number(fact.value), fact.unit.lstrip("余"), [fact.report_id], cites.citations)

    # ------------------------------------------------------------------ narrative route
    def _narrative(self, question: str, effective: str, reports: list[StoredReport]) -> Answer:
        ids = [r.report_id for r in reports]
        # The body's name says which report, not what about: keep it out of the search query.
        query = _strip_names(effective, reports)
        for mention in sorted(satisfied_mentions(effective, reports), key=len, reverse=True):
            query = query.replace(mention, "") or query  # 天心区桂花坪街道 for a report that calls itself 桂花坪街道
        passages = search_passages(self.stores, query, ids, per_report=8)
        topic = self._topic_tokens(effective, reports)
        covered = [(_coverage(topic, p), p) for p in passages]
        # A passage that holds every topic word of the question beats one that holds half of them;
        # the fused rank decides among equals (and finds paraphrases the words miss).
        supported = [p for c, p in sorted(covered, key=lambda cp: (-round(cp[0], 1), -cp[1].score))
                     if c >= TOPIC_COVERAGE_MIN]
        supported = _best_per_report(supported, limit=2)
        if not supported:
            return Answer(question, "none", render("none", searched=searched_names(reports)), reports=ids)
        cites = CitationBuilder(self.stores)
        by_report = {r.report_id: r for r in reports}
        lines, used = [], []
        spans = {id(p): cites.best_sentences(p, query, topic=topic) for p in supported}
        chosen = [p for p in supported if spans[id(p)] is not None][:4]
        if not chosen:
            return Answer(question, "none", render("none", searched=searched_names(reports)), reports=ids)
        order = list(dict.fromkeys(p.chunk.report_id for p in chosen))
        for passage in sorted(chosen, key=lambda p: order.index(p.chunk.report_id)):
            rid = passage.chunk.report_id
            if rid not in used:
                used.append(rid)
                lines.append(render("text_intro", report=report_name(by_report[rid])))
            start, end = spans[id(passage)]
            ref = cites.add(rid, start, end, score=round(passage.score, 4))
            cite = cites.citations[ref - 1]
            lines.append(render("text_passage", section=cite.section.split(" / ")[-1], quote=cite.quote, ref=ref))
        return Answer(question, "text", "\n".join(lines), reports=used, citations=cites.citations)

    @staticmethod
    def _name_tokens(reports: list[StoredReport]) -> set[str]:
        names = set()
        for r in reports:
            for part in [r.body or "", r.body_type or "", *place_levels(r.place)]:
                names.update(tokenize(part))
        return names

    def _topic_tokens(self, question: str, reports: list[StoredReport]) -> set[str]:
        names = self._name_tokens(reports) | mention_tokens(question, reports)
        return {t for t in tokenize(question) if t not in _NON_TOPIC and t not in names and not re.fullmatch(r"\d+", t)
                and not t.startswith("哪")}  # 哪份, 哪个, 哪项: question words, not the topic


def _part_label(part, query: CellQuery, parts: list) -> str:
    if len(query.rows) > 1:
        return part.row_label
    # Column labels repeat across header groups (总计 under 复议 and under 诉讼): use the key then.
    same = sum(1 for p in parts if p.column_label == part.column_label)
    return part.column_label if same == 1 else part.column_key.replace(".", "·")


def _best_per_report(passages: list, limit: int) -> list:
    kept, counts = [], {}
    for p in passages:
        rid = p.chunk.report_id
        if counts.get(rid, 0) < limit:
            kept.append(p)
            counts[rid] = counts.get(rid, 0) + 1
    return kept


def _strip_names(question: str, reports: list[StoredReport]) -> str:
    out = question
    for r in reports:
        for name in sorted({r.body or "", *place_levels(r.place)}, key=len, reverse=True):
            if len(name) >= 2:
                out = out.replace(name, "")
    return out.strip() or question


def _coverage(topic: set[str], passage) -> float:
    if not topic:
        return 0.0
    text = passage.chunk.section + passage.chunk.text
    hay = set(tokenize(text))
    flat = flatten(text)
    covered = sum(len(t) for t in topic if t in hay or t in flat)
    return covered / sum(len(t) for t in topic)
