"""Which two reports of one body to compare.

- `resolve_pair(reports, body, years)`: a body named loosely (or a report id) and optionally two
  years → (old, new); LookupError saying why not (the CLI's `reportqa compare`).
- `comparable_groups(reports)`: the bodies with reports of two or more years, by label (the web's
  年度对比 tab); `default_years`, `pick_pair` choose within one of them.
- `citation_pairs(groups, citations)`: for each cited report with another year stored, the pair
  and section one click away from an answer.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportqa.types import StoredReport
from reportqa.vocabulary import section_number
from retrieval.crossyear import linked, previous_report
from retrieval.groups import body_groups
from retrieval.scope import resolve_scope


def _group_of(reports: list[StoredReport], body: str) -> tuple[list[StoredReport], StoredReport]:
    """The reports of the body named (or of the report id given) and the one to compare from."""
    by_id = {r.report_id: r for r in reports}
    if body in by_id:
        return linked(reports, by_id[body]), by_id[body]
    scope = resolve_scope(body, reports)
    if not scope.named or scope.missing:
        raise LookupError(f"no stored report of {body!r}; bodies: " + ", ".join(sorted({r.body or r.report_id for r in reports})))
    ids = set(scope.report_ids)
    groups = [g for g in body_groups(reports) if any(r.report_id in ids for r in g)]
    if len(groups) > 1:
        raise LookupError(f"{body!r} names several bodies: " + ", ".join(g[-1].body or g[-1].report_id for g in groups)
                          + "; name one of them in full or give a report id")
    return groups[0], groups[0][-1]


def resolve_pair(reports: list[StoredReport], body: str, years: list[int] | None = None):
    """(old, new) reports of the body named loosely (or a report id); raises LookupError saying why."""
    group, anchor = _group_of(reports, body)
    if years:
        if len(years) != 2:
            raise LookupError("--years takes two years: OLD NEW")
        pick = {}
        for y in years:
            found = [r for r in group if r.year == y]
            if not found:
                raise LookupError(f"no {y} report of {anchor.body}; stored years: " + ", ".join(str(r.year) for r in group))
            pick[y] = found[-1]
        return pick[min(years)], pick[max(years)]
    old = previous_report(reports, anchor)
    if old is None:
        raise LookupError(f"only one year of {anchor.body} is stored ({anchor.report_id}): nothing to compare with")
    return old, anchor


def comparable_groups(reports: list[StoredReport]) -> dict[str, list[StoredReport]]:
    """Bodies with reports of two or more years: label (the body as last written) -> reports, oldest first."""
    out: dict[str, list[StoredReport]] = {}
    for g in body_groups(reports):
        if len({r.year for r in g if r.year}) >= 2:
            label = g[-1].body or g[-1].report_id
            out[label if label not in out else f"{label}（{g[-1].report_id}）"] = g
    return out


def group_years(group: list[StoredReport]) -> list[int]:
    """The years of a group's reports, newest first."""
    return sorted({r.year for r in group if r.year}, reverse=True)


def default_years(group: list[StoredReport]) -> tuple[int | None, int | None]:
    """The pair shown first: the two latest years (old, new)."""
    years = group_years(group)
    return (years[1] if len(years) > 1 else None), (years[0] if years else None)


def pick_pair(group: list[StoredReport], year_a: int, year_b: int) -> tuple[StoredReport, StoredReport] | None:
    """The group's (older, newer) reports of two years, the last stored of each; None if one is missing."""
    a, b = sorted((year_a, year_b))
    old = [r for r in group if r.year == a]
    new = [r for r in group if r.year == b]
    return (old[-1], new[-1]) if old and new else None


@dataclass(frozen=True)
class CitationPair:
    label: str  # the body's label in comparable_groups
    old_year: int
    new_year: int
    section: str  # the standard section number of the cited passage, "" for all


def citation_pairs(groups: dict[str, list[StoredReport]], citations: list[dict]) -> list[CitationPair]:
    """For each cited report (answer_to_dict citations) of a body with another year: the year before
    it (else the nearest later one) and the cited section; each pair once, in citation order."""
    where = {r.report_id: (label, g) for label, g in groups.items() for r in g}
    out: list[CitationPair] = []
    for c in citations:
        if c["report_id"] not in where or not c.get("year"):
            continue
        label, g = where[c["report_id"]]
        others = sorted({r.year for r in g if r.year and r.year != c["year"]})
        earlier = [y for y in others if y < c["year"]]
        old, new = sorted((earlier[-1] if earlier else others[0], c["year"]))
        pair = CitationPair(label, old, new, section_number(c.get("section")) or "")
        if pair not in out:
            out.append(pair)
    return out
