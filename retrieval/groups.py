"""One issuing body's reports across years and ways of writing its name (洪泽区人民政府 in 2023,
淮安市洪泽区人民政府 in 2024): the groups that comparisons, rankings and follow-ups work on."""
from __future__ import annotations

from reportqa.types import StoredReport
from retrieval.scope import body_type_key, place_levels


def body_groups(reports: list[StoredReport]) -> list[list[StoredReport]]:
    """Reports grouped by issuing body, across years and ways of writing the body.

    Same body = same most specific place level (洪泽区) and same body type (人民政府 = 政府 = none),
    with upper levels that do not contradict each other (洪泽区 ~ 淮安市洪泽区; 北京市朝阳区 is not
    长春市朝阳区). A report without a body, or one that could belong to two contradicting groups,
    stays on its own."""
    by_key: dict[tuple, list[StoredReport]] = {}
    alone: list[list[StoredReport]] = []
    for r in reports:
        levels = place_levels(r.place)
        if not r.body:
            alone.append([r])
            continue
        key = (levels[-1] if levels else r.body, body_type_key(r.body_type) if levels else "")
        by_key.setdefault(key, []).append(r)
    groups: list[list[StoredReport]] = []
    for members in by_key.values():
        chains: list[tuple[tuple[str, ...], list[StoredReport]]] = []
        bare = []
        for r in members:
            upper = tuple(place_levels(r.place)[:-1])
            if not upper:
                bare.append(r)
                continue
            for chain in chains:
                short, long_ = sorted((chain[0], upper), key=len)
                if long_[len(long_) - len(short):] == short:
                    chain[1].append(r)
                    if len(upper) > len(chain[0]):
                        chains[chains.index(chain)] = (upper, chain[1])
                    break
            else:
                chains.append((upper, [r]))
        if len(chains) <= 1:
            groups.append(bare + (chains[0][1] if chains else []))
        else:  # bare names cannot be told apart: they stay together, apart from the named ones
            groups += [c[1] for c in chains] + ([bare] if bare else [])
    return [sorted(g, key=lambda r: (r.year or 0, r.report_id)) for g in groups + alone]


def body_links(reports: list[StoredReport]) -> dict[str, list[str]]:
    """Reports of the same issuing body in other years (see body_groups)."""
    links = {}
    for members in body_groups(reports):
        for r in members:
            others = [o.report_id for o in members if o.report_id != r.report_id and o.year != r.year]
            if others:
                links[r.report_id] = others
    return links
