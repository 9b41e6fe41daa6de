"""What differs between two years: 洪泽区2023年和2024年存在的主要问题有什么不同？ → the section
comparison (retrieval/compare.py): what was added, removed and changed, sentence by sentence, both
years cited, instead of quotes that leave the reader to compare.

Only wording questions: a number's change (…申请数量变化了多少) is year_over_year's.
"""
from __future__ import annotations

import re

from prompts import render
from reportqa.names import searched_names
from reportqa.types import Answer, StoredReport
from reportqa.vocabulary import NARRATIVE_SECTIONS, YEAR_MENTION, section_number
from retrieval.compare import SectionComparison, compare_reports
from retrieval.compose import CitationBuilder
from retrieval.context import groups_in_context, strip_years
from retrieval.crossyear import previous_report
from retrieval.lexicon import asks_for_count, flatten, match_cells
from retrieval.question import Question

ASKS_DIFFERENCE = re.compile(r"不同|区别|差异|异同|(?:变化|改变|调整)(?:了)?(?:什么|哪些)|有(?:何|什么|哪些)变化|有变化吗")
TWO_YEARS = re.compile(r"两年|前后|历年|(?:与|和|跟|同|较|比)(?:上一?年度?|去年|前一年)")
LISTED = 4  # sentences listed per kind of change; the rest are counted


def answer(question: Question) -> Answer | None:
    flat = flatten(question.effective)
    if not ASKS_DIFFERENCE.search(flat) or match_cells(flat) or asks_for_count(flat):
        return None
    years = sorted(set(YEAR_MENTION.findall(flat)))
    if len(years) < 2 and not TWO_YEARS.search(flat):
        return None  # one year only: what differs is not between years
    groups = groups_in_context(question.effective, list(question.reports), question.bodies)
    if not groups or len(groups) != 1:
        return None
    group = groups[0]
    old, new = _pair(group, [int(y) for y in years], list(question.reports))
    if old is None or new is None:
        return Answer(question.text, "none", render("comparison_missing", body=group[-1].display_body,
                                                    years="、".join(years) or "相邻两年", available=searched_names(group)))
    number = section_number(strip_years(flat))
    sections = [number] if number else sorted(NARRATIVE_SECTIONS)
    comparison = compare_reports(question.stores.facts, old.report_id, new.report_id, sections)
    cites = CitationBuilder(question.stores)
    lines = []
    for section in comparison.sections:
        lines += _section_lines(cites, section, old, new)
    if not lines:
        return None
    lines.append(render("comparison_hint", body=new.display_body, section_arg=f" --section {number}" if number else ""))
    return Answer(question.text, "text", "\n".join(lines), reports=[old.report_id, new.report_id],
                  citations=cites.citations)


def _pair(group: list[StoredReport], years: list[int], reports: list[StoredReport]):
    """(older, newer): the two years named, else the year named and the one before, else the latest two."""
    by_year = {r.year: r for r in group}
    if len(years) >= 2:
        return by_year.get(years[0]), by_year.get(years[-1])
    new = by_year.get(years[0]) if years else max(group, key=lambda r: r.year or 0)
    return (previous_report(reports, new) if new else None), new


def _section_lines(cites: CitationBuilder, section: SectionComparison, old: StoredReport, new: StoredReport) -> list[str]:
    counts = section.counts
    heading = section.heading_new or section.heading_old or section.section
    lines = [render("comparison_counts", body=new.display_body, old_year=old.year, new_year=new.year, section=heading,
                    same=counts["same"], changed=counts["changed"], added=counts["added"], removed=counts["removed"])]
    if not (counts["changed"] or counts["added"] or counts["removed"]):
        lines.append(render("comparison_same"))
        return lines
    for status, template in (("added", "comparison_added"), ("removed", "comparison_removed"), ("changed", "comparison_changed")):
        pairs = [p for p in section.pairs if p.status == status]
        for pair in pairs[:LISTED]:
            fields = {"old_year": old.year, "new_year": new.year}
            if pair.old:
                fields |= {"old": pair.old.text, "old_ref": cites.add(old.report_id, pair.old.start, pair.old.end)}
            if pair.new:
                fields |= {"new": pair.new.text, "new_ref": cites.add(new.report_id, pair.new.start, pair.new.end)}
            lines.append(render(template, **fields))
        if len(pairs) > LISTED:
            lines.append(render("comparison_more", count=len(pairs) - LISTED))
    return lines
