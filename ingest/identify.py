"""Who published a report, and for which year: every cue in the text and its container, weighed.

Real reports rarely start with a tidy title line. The body and the year are read from whatever
the text offers — a title line anywhere near the top, 现公布…年度报告 / 本报告由…编制 sentences,
数据统计期限为2022年1月1日至…, the subject of the opening sentences (2021年，区统计局坚持…),
发布机构:/来源: lines, 请与…联系, the HTML <title>, the PDF's or DOCX's own title, and the file
name as one weak cue — and the strongest agreeing cues win. A body written without its place
(区统计局, 省市场监管局) takes the place the text supplies (雨山区统计局; 黑龙江省). Unknown stays
unknown: a fragment of a notice title or a "标题:" prefix never becomes a body.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.naming import BARE_LEVEL as _BARE_LEVEL
from ingest.naming import HEAD_CHARS, complete_body
from ingest.naming import TITLE_PREFIX as _TITLE_PREFIX
from ingest.naming import clean_body as _clean_body
from ingest.naming import simplified as _simplified
from reportqa import bodies


@dataclass(frozen=True)
class Cue:
    kind: str  # title | self_named | self_mention | published_as | compiled_by | named_report | period | opening | source_line | contact | container | filename | mentions
    body: str | None
    year: int | None
    weight: float


@dataclass(frozen=True)
class Identity:
    body: str | None
    year: int | None
    title: str | None
    body_cue: str | None
    body_confidence: float
    year_cue: str | None
    year_confidence: float
    aliases: tuple[str, ...] = ()  # short names the text gives itself: (以下简称龙华局)


_YEAR = r"((?:19|20)\d\d)\s*年\s*度?"
_REPORT_PHRASE = re.compile(
    r"(?:政府)?信\s*息\s*公\s*开\s*(?:工\s*作)?\s*(?:年\s*度\s*)?(?:报\s*告|年\s*报)|年\s*度\s*报\s*告|政务公开工作年度报告")
_PUBLISH_VERBS = r"(?:现予以公布|现予公布|现向社会公布|现向社会公开|现公布|现发布|现予发布|现正式发布|现将|特发布|现公开|予以公布|编制并?发布|发布|编制了?|制定了?)"


def _title_body_year(line: str) -> tuple[str | None, int | None]:
    """The body and year of a title: 2022年上海市政府信息公开工作年度报告 → (上海市, 2022)."""
    flat = _simplified(re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", line)))
    flat = _TITLE_PREFIX.sub("", flat)
    m = _REPORT_PHRASE.search(flat)
    head = flat[: m.start()] if m else flat
    years = [int(y) for y in re.findall(_YEAR, head)]
    head = re.sub(_YEAR, " ", head)
    head = re.sub(r"关于|[《》〈〉]", " ", head)
    parts = [p for p in head.split() if p]
    body = None
    for part in sorted(parts, key=len, reverse=True):
        body = _clean_body(part)
        if body:
            break
    return body, (years[0] if years else None)


@dataclass(frozen=True)
class _TextCue:
    """A sentence shape that names the body and/or the year, and how much it is believed."""

    kind: str
    pattern: re.Pattern
    body_groups: tuple[int, ...] = ()  # groups holding the body, the first that cleans to a name wins
    year_group: int | None = None
    weight: float = 0.5


_OPENING_VERBS = ("坚持|认真|深入|严格|紧紧|紧扣|紧密|以|始终|全面|围绕|聚焦|按照|在|积极|持续|进一步|高度|贯彻|扎实|不断|牢固|"
                  "立足|着力|切实|依法|主动|共|全年|继续|把|将|对|按|根据|结合|政务公开工作|政府信息公开工作|信息公开工作")
_BODY = r"[\u4e00-\u9fff（）()]"
_TEXT_CUES = [_TextCue(kind, re.compile(pattern), body_groups, year_group, weight) for kind, pattern, body_groups, year_group, weight in [
    # 现公布《遵义市统计局2022年政府信息公开工作年度报告》 / 现将2019年包头市…政府信息公开工作情况报告如下
    ("published_as", _PUBLISH_VERBS + r"[^。]{0,12}?《?([^《》。；\n]{0,40}?)" + _YEAR
     + r"([^《》。；\n]{0,30}?)(?:政府)?信息(?:公开)?(?:工作)?(?:年度)?(?:情况)?(?:报告|年报)", (1, 3), 2, 1.2),
    # 黃埔區 廣州開發區政務公開工作辦公室(下稱我辦): the text names itself
    ("self_named", r"([\u4e00-\u9fff ]{3,40}?)[(（](?:以下简称|下称|简称)[“\"]?(?:我|本)(?:局|办|委|厅|室|馆|中心|院|处|镇|乡|街道|区|县|市|署|会)[”\"]?[)）]",
     (1,), None, 1.0),
    ("compiled_by", r"做好([\u4e00-\u9fff]{3,30}?)(?:政府信息公开|政务公开|信息公开)工作", (1,), None, 0.5),
    ("opening", r"(?:^\s*|一、总体情况\s*\n\s*)([\u4e00-\u9fff]{3,30}?)(?:认真|深入|严格|坚持|高度|始终|积极|全面)", (1,), None, 0.45),
    ("compiled_by", r"本(?:年度)?报告(?:是)?由(" + _BODY + r"{2,40}?)(?:根据|依据|按照|依照|结合|编制|制作|发布|负责|综合)", (1,), None, 0.8),
    # 上饶市人民政府根据全市2022年度政府信息公开工作开展情况,编制本报告
    ("compiled_by", r"(?:^|[，,。；\n])([\u4e00-\u9fff]{3,30}?)(?:根据|依据|按照|结合)[^。\n]{0,60}?[，,]?编制(?:了)?本(?:年度)?报告", (1,), None, 0.75),
    # 结合2023年杭州市滨江区长河街道各科室的信息公开工作实际 / 结合省财政厅2024年政府信息公开工作实际
    ("compiled_by", r"结合(?:(?:19|20)\d\d\s*年度?)?([\u4e00-\u9fff]{3,40}?)(?:各[\u4e00-\u9fff]{1,6}?的?)?(?:(?:19|20)\d\d\s*年度?)?"
     r"(?:政府信息公开|政务公开|信息公开)(?:年度)?工作(?:实际|情况|开展情况)", (1,), None, 0.7),
    # 汇总2020年度官塘乡的政府信息公开年度报告编制而成
    ("named_report", r"(?:汇总|编制)" + _YEAR + r"([\u4e00-\u9fff]{2,30}?)的?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)", (2,), 1, 0.6),
    ("contact", r"地\s*址\s*[:：]\s*([\u4e00-\u9fff]{2,30}?(?:人民政府|办事处|管理委员会|委员会|局|厅|办公室))(?![\u4e00-\u9fff])", (1,), None, 0.35),
    ("compiled_by", r"由([\u4e00-\u9fff]{3,40}?)(?:[(（](?:以下简称|下称)[^)）]{1,20}[)）])?(?:负责)?编制", (1,), None, 0.75),
    ("compiled_by", r"(?:^|[，,。；\n])([\u4e00-\u9fff]{3,30}?)(?:结合[^。，,]{0,12}[，,]?)?编制(?:了|本单位|本机关|本部门|本)", (1,), None, 0.6),
    # 2021年度雨山区统计局信息公开工作报告是根据…
    ("named_report", _YEAR + r"(" + _BODY + r"{2,40}?)(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)(?:是|由|根据|依据|按照)", (2,), 1, 0.85),
    # 数据统计期限为2022年1月1日至… : the data year, not the publication date
    ("period", r"统计(?:期限|时限|时间|区间|期间|范围|口径|周期)?(?:为|是|自|从)?\s*((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日", (), 1, 0.95),
    ("named_report", _YEAR + r"([\u4e00-\u9fff（）()]{3,40}?)(?:政府信息公开|政务公开)工作(?:实际|情况|开展情况)", (2,), 1, 0.6),
    # 2021年，区统计局坚持… / 2023年,在区委…领导下,官洲街道办事处认真…
    ("opening", r"(?:^|\n|。)\s*((?:19|20)\d\d)\s*年(?:度|以来|来)?\s*[,，]\s*(?:(?:在|根据|按照|依据)[^，,。]{0,30}[，,]\s*)?(" + _BODY
     + r"{2,40}?)(?:" + _OPENING_VERBS + r")", (2,), 1, 0.6),
    ("source_line", r"(?:发\s*布\s*机\s*构|信息来源|来\s*源|发文机关|发布单位|所属机构|公开主体|发\s*布\s*者)\s*[:：]\s*(" + _BODY + r"{2,40})", (1,), None, 0.65),
    ("contact", r"请(?:与|向|联系|咨询)(" + _BODY + r"{2,40}?)(?:政务公开办公室|政府信息公开办公室|信息公开办公室|党政办公室|党政办|综合办公室|"
     r"办公室|综合科|政务公开科)?(?:联系|咨询|反映)", (1,), None, 0.4),
    ("website", r"(?:可在|可通过|可从|可登录|登录)[“\"]?([\u4e00-\u9fff]{3,30}?)[”\"]?(?:[(（][^)）\n]{0,60}[)）])?"
     r"(?:门户网站|网站|官网|政务网|政府信息公开[\u4e00-\u9fff]{0,8}专栏)", (1,), None, 0.35),
]]


def _cues(text: str, title_hint: str | None, path: Path) -> list[Cue]:
    head = text[:HEAD_CHARS]
    # mirrors insert pinyin after characters (文登區(qū)): gone from the copy the cues are read in
    shead = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", _simplified(head))
    cues: list[Cue] = []
    # A title line: short, holds the report phrase, among the first lines (after any chrome).
    lines = [_simplified(line.strip()) for line in head.split("\n")[:40]]
    for i, sline in enumerate(lines):
        if 6 <= len(sline) <= 80 and _REPORT_PHRASE.search(sline) and not re.search(r"[。；>＞»]|根据|按照|现将|现公布", sline[:-1]):
            body, year = _title_body_year(sline)
            previous = next((x for x in reversed(lines[:i]) if x), "")
            following = next((x for x in lines[i + 1:] if x), "")
            if not body and previous and len(previous) <= 40 and not re.search(r"[。；，,>＞»:：]", previous):
                # a title broken over two lines: 包头市市场监督管理局2019年 / 政府信息公开工作年度报告
                body2, year2 = _title_body_year(previous + sline)
                body, year = body2 or body, year or year2
            if not body and following and len(following) <= 30 and not re.search(r"[。；，,>＞»:：]", following):
                body = _clean_body(following)  # 2020年政府信息公开工作年度报告 / 武昌经开区(滨江)管委会
            if body or year:
                cues.append(Cue("title", body, year, 1.4 if i < 15 else 1.0))
                break
    for cue in _TEXT_CUES:
        for m in cue.pattern.finditer(shead):
            body = next((b for b in (_clean_body(m.group(g)) for g in cue.body_groups) if b), None)
            cues.append(Cue(cue.kind, body, int(m.group(cue.year_group)) if cue.year_group else None, cue.weight))
    cues.extend(_self_mentions(shead))
    if title_hint:
        body, year = _title_body_year(title_hint)
        if body or year:
            cues.append(Cue("container", body, year, 0.75))
    stem = re.sub(r"[_\-—.]+", " ", path.stem)
    body, year = _title_body_year(stem)
    fy = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", stem)
    if body or fy:
        cues.append(Cue("filename", body, year or (int(fy.group(1)) if fy else None), 0.25))
    # the year the text talks about most (2022年，… 2022年度…), a weak cue when nothing better says it
    counts = Counter(int(y) for y in re.findall(r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", shead))
    if counts:
        year, n = counts.most_common(1)[0]
        cues.append(Cue("mentions", None, year, min(0.45, 0.1 * n)))
    return [c for c in cues if c.body or c.year]


_SELF_WORD = re.compile(r"我(局|委|办|厅)")
_LEVEL_UNIT = r"(?:^|[，,。；;、\n])((?:省|市|区|县)[\u4e00-\u9fff]{1,8}?%s)(?=[\u4e00-\u9fff])"


def _self_mentions(head: str) -> list[Cue]:
    """A text that calls itself 我局 and writes 市统计局 as a clause's subject is, weakly, the 市统计局
    (the place is completed from the text later, or stays unknown)."""
    words = Counter(_SELF_WORD.findall(head))
    if not words:
        return []
    unit = words.most_common(1)[0][0]
    found = Counter(m for m in re.findall(_LEVEL_UNIT % re.escape(unit), head) if _clean_body(m))
    return [Cue("self_mention", found.most_common(1)[0][0], None, 0.3)] if found else []


def _pick_year(cues: list[Cue]) -> tuple[int | None, str | None, float]:
    votes: dict[int, float] = {}
    best_cue: dict[int, Cue] = {}
    for c in cues:
        if c.year is None:
            continue
        votes[c.year] = votes.get(c.year, 0.0) + c.weight
        if c.year not in best_cue or c.weight > best_cue[c.year].weight:
            best_cue[c.year] = c
    if not votes:
        return None, None, 0.0
    year = max(votes, key=lambda y: (votes[y], best_cue[y].weight))
    total = sum(votes.values())
    confidence = round(min(1.0, best_cue[year].weight * (0.5 + 0.5 * votes[year] / total) + 0.1 * (len(votes) == 1)), 2)
    return year, best_cue[year].kind, confidence


def _pick_body(cues: list[Cue], text: str) -> tuple[str | None, str | None, float]:
    named = [c for c in cues if c.body]
    if not named:
        return None, None, 0.0
    # A cue's weight counts for every other cue naming the same body (or a shorter form of it).
    scores: dict[str, float] = {}
    for c in named:
        key = bodies.canonical(c.body)
        scores[c.body] = scores.get(c.body, 0.0) + c.weight
        for other in named:
            okey = bodies.canonical(other.body)
            if other.body != c.body and okey != key and len(okey) > len(key) and okey.endswith(key):
                scores[other.body] = scores.get(other.body, 0.0) + 0.5 * c.weight  # 市统计局 backs 遵义市统计局
    best = max(scores, key=lambda b: (scores[b], len(b)))
    cue = max((c for c in named if c.body == best), key=lambda c: c.weight)
    # Prefer the fullest form of the same body that any cue wrote (遵义市统计局 over 市统计局).
    key = bodies.canonical(best)
    longer = [c.body for c in named if bodies.canonical(c.body).endswith(key) and len(bodies.canonical(c.body)) > len(key)]
    if longer:
        best = max(longer, key=len)
    body = complete_body(best, text)
    confidence = round(min(1.0, cue.weight * (0.6 + 0.4 * scores.get(cue.body, 0) / sum(c.weight for c in named)) + 0.1), 2)
    if body != best:
        confidence = round(confidence * 0.9, 2)
    if _BARE_LEVEL.match(body) or bodies.is_generic_unit(body):
        confidence = min(confidence, 0.4)  # 区统计局, 自然资源局: which place the text never says
    elif bodies.is_generic_unit(best) and not _BARE_LEVEL.match(best):
        confidence = min(confidence, 0.45)  # the place was inferred (县政府 + 开江县 in the text): worth a look
    return body, cue.kind, confidence


def identify(text: str, path: Path, *, title_hint: str | None = None) -> Identity:
    cues = _cues(text, title_hint, Path(path))
    body, body_cue, body_conf = _pick_body(cues, text)
    year, year_cue, year_conf = _pick_year(cues)
    title = next((line.strip() for line in text[:HEAD_CHARS].split("\n")[:40]
                  if 6 <= len(line.strip()) <= 80 and _REPORT_PHRASE.search(_simplified(line))
                  and not re.search(r"[。；>＞»]|根据|按照|现将|现公布", line.strip()[:-1])), None)
    title = _TITLE_PREFIX.sub("", title) if title else title_hint
    return Identity(body, year, title, body_cue, body_conf, year_cue, year_conf, _aliases(text))


def _aliases(text: str) -> tuple[str, ...]:
    """Names the report defines for its body: …龙华监管局（以下简称“龙华局”）."""
    head = _simplified(text[:HEAD_CHARS])
    found = re.findall(r"[(（](?:以下简称|下称|简称)[“\"'「]?([\u4e00-\u9fff]{2,12})[”\"'」]?[)）]", head)
    # a joint report: 贵阳市人民政府(市人民政府办公厅) is also 贵阳市人民政府办公厅's
    found += [m.group(1) + m.group(3) for m in
              re.finditer(r"([\u4e00-\u9fff]{2,10}?(省|市|区|县))人民政府[(（]\2?(人民政府办公[厅室])[)）]", head)]
    return tuple(dict.fromkeys(a for a in found if bodies.is_organisation(a) and a not in bodies.not_bodies()))


def is_report_text(text: str, n_standard_headings: int, n_table_facts: int) -> bool:
    """A text reads as a 政府信息公开 annual report: the report phrase, two standard section headings,
    a statistics table — or one heading in a text about 政府信息公开."""
    flat = _simplified(re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text[:200000])))
    has_phrase = bool(re.search(r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)|信息公开(?:工作)?年度报告|信息公开年报|政务公开工作年度报告", flat)) \
        or ("年度报告" in flat and "政府信息公开" in flat)
    about_disclosure = "政府信息公开" in flat or "依申请公开" in flat or "主动公开" in flat
    return has_phrase or n_standard_headings >= 2 or n_table_facts > 0 or (n_standard_headings >= 1 and about_disclosure)


__all__ = ["Cue", "Identity", "identify", "complete_body", "is_report_text"]
