"""Which reports a question is about: bodies named loosely, years, filters, follow-ups.

A body is matched at its most specific place level (洪泽区 matches 淮安市洪泽区人民政府; 上海市
does not match 上海市黄浦区), plus its body type when the question names one (自然资源局).
A place the question names that no report has is "not in the collection", never a neighbour.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from reportqa import bodies as _bodies
from reportqa.names import body_list as _names
from reportqa.stores.keywords import tokenize
from reportqa.vocabulary import YEAR_MENTION, compact as _flat, to_simplified
from retrieval.bodymatch import NOT_AFTER, abbreviates, body_mentions, name_forms, satisfies
from retrieval.scope_index import candidate_reports
from reportqa.types import StoredReport

_LEVEL = re.compile(r"[\u4e00-\u9fff]+?(?:自治区|自治州|省|市|州(?![市区县])|盟|地区|区|县|旗|镇|乡|街道)")
_YEAR = YEAR_MENTION
# An ending ends a name only when the next character does not continue a word (政协委员, 区政协, 市场)
_PLACE_MENTION = re.compile(rf"([\u4e00-\u9fff]{{2,7}}?(?:省|市|县|区|旗|镇|乡))(?![{NOT_AFTER}])")
_BODY_TYPE_MENTION = re.compile(rf"([\u4e00-\u9fff]{{1,8}}?(?:局|委员会|委|办公室|办公厅|中心|厅|署|政府))(?![{NOT_AFTER}])")
_NOT_PLACES = {"全市", "本市", "我市", "该市", "全区", "本区", "我区", "全县", "本县", "我县", "各区", "各县", "市区", "城区", "社区", "地区", "小区", "园区", "辖区", "各市"}
_GOVERNMENT = {"人民政府", "政府", "市政府", "县政府", "区政府", "镇政府", "乡政府"}


def place_levels(place: str | None) -> list[str]:
    return _LEVEL.findall(place or "")


def name_tokens(reports) -> frozenset[str]:
    """The search tokens of the reports' bodies, kinds and places: words that say which report,
    never what a question is about. For the store's whole list (a tuple), kept until it changes."""
    global _all_names
    if isinstance(reports, tuple) and _all_names[0] is reports:
        return _all_names[1]
    names = frozenset().union(*(_report_name_tokens(r.body, r.body_type, r.place) for r in reports))
    if isinstance(reports, tuple):
        _all_names = (reports, names)
    return names


_all_names: tuple = (None, frozenset())


@lru_cache(maxsize=262_144)
def _report_name_tokens(body: str | None, body_type: str | None, place: str | None) -> frozenset[str]:
    return frozenset(t for part in [body or "", body_type or "", *place_levels(place)] for t in tokenize(part))


def _stem(level: str) -> str:
    return re.sub(r"(自治区|自治州|省|市|州|盟|地区|区|县|旗|镇|乡|街道)$", "", level)


@dataclass
class Scope:
    report_ids: list[str]
    years: list[int] = field(default_factory=list)
    named: bool = False  # the question (or its context) named a body
    missing: str | None = None  # a body the question names that is not in the collection


_LATER_CLAUSE = re.compile(r"[，,；;。](?:那么?|那|而|则|请问)?(?=[^，,；;。]*(?:上一年(?!项目)|前一年|上年度|去年|前年|(?:19|20)\d\d\s*年)[^，,；;。]*(?:年报|报告)?[^，,；;。]*(?:多少|几|是什么|哪些|如何|怎么|吗|呢|[?？]))")


def asked_clause_years(flat: str) -> list[int] | None:
    """The year a question asks about when it first quotes another year's report: 上海市2023年年报说…，
    那上一年（2022年）年报里…多少 → [2022]; …，2019年的年报里这一数字是多少 → [2019]. None when the
    question has no such later clause."""
    cut = None
    for m in _LATER_CLAUSE.finditer(flat):
        cut = m.end()
    if cut is None:
        return None
    head, tail = flat[:cut], flat[cut:]
    tail_years = [int(y) for y in _YEAR.findall(tail)]
    if tail_years:
        return [tail_years[-1]]
    head_years = [int(y) for y in _YEAR.findall(head)]
    if head_years and re.search(r"上一年|前一年|上年度|去年", re.sub(r"上一年项目数量|上年结转|上一年度项目", "", tail)):
        return [head_years[-1] - 1]
    if head_years and "前年" in tail:
        return [head_years[-1] - 2]
    return None


_RELATIVE_YEAR = re.compile(r"今年|本年度报告|最新|去年|上一年|上年度|前一年|前年")


def question_years(question: str, reports: list[StoredReport]) -> list[int]:
    flat = _flat(question)
    clause_years = asked_clause_years(flat)
    if clause_years:
        return clause_years
    years = [int(y) for y in _YEAR.findall(flat)]
    if years or not _RELATIVE_YEAR.search(flat):
        return sorted(set(years))
    known = sorted({r.year for r in reports if r.year})  # only when a year is named relative to the latest
    if known:
        latest = known[-1]
        if re.search(r"今年|本年度报告|最新", flat) and not years:
            years.append(latest)
        if re.search(r"去年|上一年|上年度|前一年", flat) and not years and not re.search(r"上年结转|去年结转", flat):
            years.append(latest - 1)
        if re.search(r"前年", flat) and not years:
            years.append(latest - 2)
    return sorted(set(years))


@lru_cache(maxsize=4096)  # called once per stored report for the same question
def _canonical_question(flat_q: str) -> str:
    return _bodies.expand(_bodies.drop_disclosure_office(to_simplified(flat_q)))


def body_score(flat_q: str, report: StoredReport) -> float:
    """How strongly the question names this report's body (0: not at all)."""
    q = _canonical_question(flat_q)
    body = _bodies.canonical(report.body)
    if body and (_BARE.match(body) or _bodies.is_generic_unit(body)):
        # 区统计局: a report that never says which district; only a question as bare as it names it
        return 1.0 if re.search(r"(?:^|[^\u4e00-\u9fff])" + re.escape(body), q) else 0.0
    if body and body in q:
        return 10.0 + len(body) / 100  # the longest body written out wins (…市 < …市人民政府办公室)
    place = _bodies.canonical(report.place)
    if place and body_type_key(report.body_type) == "人民政府" and len(place) >= 3 and place in q \
            and any(m in (place, place + "人民政府") for m in body_mentions(q)):
        return 10.0 + len(place) / 100  # 安岳县周礼镇 is 安岳县周礼镇人民政府 (but 上海市统计局 is not 上海市)
    for alias in report.aliases:
        if len(alias) >= 3 and _bodies.canonical(alias) in q:
            return 8.5  # 龙华局, as the report itself says (以下简称龙华局)
    for form in name_forms(body)[1:]:
        if form in q and (len(form) >= 4 or _PLACE_ENDS.search(form)):
            return 8.0 + len(form) / 100  # 渭滨区统计局 for 宝鸡市渭滨区统计局
    if any(abbreviates(m, body) or (_bodies.is_organisation(m) and satisfies(m, body)) for m in body_mentions(q)):
        return 7.0  # 东湖风景区卫健办, 南源街
    score = 0.0
    levels = place_levels(to_simplified(report.place or ""))
    if levels:
        last = levels[-1]
        if last in q or (len(_stem(last)) >= 2 and _stem(last) in q):
            score += 5.0
            for upper in levels[:-1]:
                if upper in q or _stem(upper) in q:
                    score += 0.5
        elif len(_stem(last)) >= 4 and re.search(re.escape(_stem(last)[:2]) + r"(?:\d|[^\u4e00-\u9fff]|$)", q):
            score += 3.0  # 平潭 for 平潭综合实验区 (but not 平潭县, which names another place)
    body_type = _bodies.canonical(report.body_type)
    if score and body_type and body_type not in _GOVERNMENT and (body_type in q or body_type[:2] in q):
        score += 2.0
    return score


_BARE = re.compile(r"^(?:省|市|区|县|州|盟|旗)(?=[\u4e00-\u9fff])")
_PLACE_ENDS = re.compile(r"(?:省|市|区|县|旗|镇|乡|街道)")


def _mentioned_places(flat_q: str) -> list[str]:
    places = []
    for m in _PLACE_MENTION.finditer(flat_q):
        p = m.group(1)
        p = re.sub(r"^(请问|关于|对于|在|从|和|与|的|年|了)+", "", p)
        if len(p) >= 3 and p not in _NOT_PLACES and not re.match(r"^(各|全|本|我|该|每)", p):
            places.append(p)
    return places


def _mentioned_body_type(flat_q: str, matched: list[StoredReport]) -> str | None:
    """The kind of body the question names besides the place (自然资源局), if any."""
    rest = flat_q
    for r in matched:  # drop the matched place first: 住房和城乡建设局 must not lose its 城乡
        for level in sorted(place_levels(to_simplified(r.place or "")), key=len, reverse=True):
            rest = rest.replace(level, " ").replace(_stem(level), " ")
    m = _BODY_TYPE_MENTION.search(rest)
    if not m:
        return None
    word = m.group(1).lstrip("的之")
    return word if word and word not in _GOVERNMENT and not word.endswith("政府") else None


def _stray_department(flat_q: str, chosen: list[StoredReport]) -> str | None:
    canon = [_bodies.canonical(r.body) for r in chosen if r.body] + [_bodies.canonical(a) for r in chosen for a in r.aliases]
    for mention in body_mentions(_canonical_question(flat_q)):
        if _PLACE_ENDS.search(mention[-2:]) and not _bodies.is_organisation(mention):
            continue  # a place: checked by the place levels
        if not any(satisfies(mention, b) for b in canon) and not any(mention in b for b in canon):
            if not any(satisfies(other, b) and len(other) >= len(mention) for other in body_mentions(_canonical_question(flat_q))
                       for b in canon):
                return mention
    return None


def unmatched_mention(flat_q: str, reports: list[StoredReport]) -> str | None:
    """A body the question names that no stored report is (龙华监管局 with no such report), or None."""
    mentions = body_mentions(_canonical_question(flat_q))
    if not mentions:
        return None
    canon = [_bodies.canonical(r.body) for r in reports if r.body]
    canon += [_bodies.canonical(a) for r in reports for a in r.aliases]
    unmatched = [m for m in mentions if not any(satisfies(m, b) for b in canon)]
    return unmatched[0] if len(unmatched) == len(mentions) else None


def resolve_scope(question: str, reports: list[StoredReport], *, bodies: list[str] | None = None,
                  years: list[int] | None = None) -> Scope:
    def allowed(r: StoredReport) -> bool:
        return (not bodies or r.body in bodies) and (not years or r.year in years)
    flat_q = _canonical_question(_flat(question))
    asked_years = question_years(question, reports)
    # only reports whose names occur in the question can score (retrieval/scope_index.py): a lookup
    candidates = candidate_reports(_canonical_question(flat_q), reports)
    pool = [r for r in reports if allowed(r)] if candidates is None else None
    scored = [(r, body_score(flat_q, r)) for r in (pool if candidates is None else filter(allowed, candidates))]
    in_years = [(r, s) for r, s in scored if r.year in asked_years]
    best_any = max((s for _r, s in scored), default=0.0)
    best_in_year = max((s for _r, s in in_years), default=0.0)
    if asked_years and best_in_year > 0 and best_in_year >= best_any - 2.5:
        # 平潭2019年: a body as loosely named that has a 2019 report, not a loose name without one;
        # but never a weaker match for a body the question writes out (渭南市人民政府办公室 ≠ 渭南市)
        scored = in_years
    best = max((s for _r, s in scored), default=0.0)
    named = best > 0
    if named:
        chosen = [r for r, s in scored if s == best]
        governments = [r for r in chosen if body_type_key(r.body_type) == "人民政府"]
        if len(chosen) > 1 and governments and best < 7:  # 花都区 alone means the district, not its 政府办
            chosen = governments
        # A body written out in full (or in a known short form) needs no second look at its type.
        full_department = best >= 7 and any(r.body != r.place for r in chosen)
        # a unit the question names that the matched report is not (南山监管局 beside a stored 龙华监管局)
        stray = _stray_department(flat_q, chosen)
        if stray:
            return Scope([], asked_years, named=True, missing=stray)
        wanted_type = None if full_department else _mentioned_body_type(flat_q, chosen)
        if wanted_type and not any(_bodies.canonical(wanted_type) in _bodies.canonical(r.body) for r in chosen):
            return Scope([], asked_years, named=True, missing=_missing_name(flat_q, wanted_type))
    else:
        pool = pool if pool is not None else [r for r in reports if allowed(r)]
        missing = unmatched_mention(flat_q, pool) or next(iter(_mentioned_places(flat_q)), None)
        if missing:
            return Scope([], asked_years, named=True, missing=missing)
        wanted_type = _mentioned_body_type(flat_q, [])
        of_type = [r for r in pool if wanted_type and r.body_type and _bodies.canonical(wanted_type) in _bodies.canonical(r.body_type)]
        named = bool(of_type)
        chosen = of_type or pool
    if asked_years:
        in_year = [r for r in chosen if r.year in asked_years]
        if not in_year:
            return Scope([], asked_years, named=named, missing=f"{_names(chosen)}{'、'.join(map(str, asked_years))}年")
        chosen = in_year
    return Scope([r.report_id for r in chosen], asked_years, named=named)


def _missing_name(flat_q: str, body_type: str) -> str:
    places = _mentioned_places(flat_q)
    return (places[0] if places else "") + body_type


_SAME_TYPE = {"": "人民政府", "政府": "人民政府", "人民政府": "人民政府",
              "政府办公室": "人民政府办公室", "政府办": "人民政府办公室", "人民政府办公室": "人民政府办公室",
              "政府办公厅": "人民政府办公厅", "人民政府办公厅": "人民政府办公厅"}


def body_type_key(body_type: str | None) -> str:
    """绥芬河市 / 绥芬河市人民政府 / 绥芬河市政府 are one body (the government); 政府办公室 is another."""
    return _SAME_TYPE.get(body_type or "", body_type or "")
