"""Names of publishing bodies as a report writes them: a raw run of text cleaned to a body name
(or nothing), and a short name completed from the text (区统计局 → 雨山区统计局;
省市场监管局 + 黑龙江省 → 黑龙江省市场监督管理局). Used by identify.py.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from reportqa import bodies
from reportqa.vocabulary import to_simplified

HEAD_CHARS = 6000  # the cues sit in the page header and the first paragraphs
TITLE_PREFIX = re.compile(r"^(?:标\s*题|名\s*称|题\s*名|文件名称|信息名称)\s*[:：]\s*")
BARE_LEVEL = re.compile(r"^(省|市|区|县|州|盟|旗)(?=[\u4e00-\u9fff])")
_STARTS_WITH_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:省|自治区|市|自治州|州|盟|区|县|旗)")
_NOT_IN_PLACE = re.compile(r"^.*(?:公布|发布|根据|关于|现将|按照|坚持|贯彻|全面|通过|报告|对|在|和|与|的|是|及|由|为|向|从|等|了|个|各|全|本|我|该|省|市)")
# characters that do not occur in place names but do in the verbs before them (紧紧围绕市委…)
_NOT_PLACE_CHARS = re.compile(r"[紧围绕深入贯彻落实推进加强坚持按照根据通过关于和与的在对是为了把将向从由以等各本我该此其注度举办召组织共回复今年]")  # not 开: 开江县, 开州区


def simplified(text: str) -> str:
    """Traditional → simplified for matching, only when the length is kept (so positions found in
    the simplified form slice the text as written)."""
    converted = to_simplified(text)
    return converted if len(converted) == len(text) else text


def clean_body(raw: str | None) -> str | None:
    """The body name in a raw run of text, or None when what is left is not a body's name."""
    if not raw:
        return None
    name = re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", raw))
    name = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", name)  # mirrors' pinyin: 統(tǒng)計局
    name = re.split(r"[(（]以下简称|[(（]下称", name)[0]
    name = TITLE_PREFIX.sub("", name)
    name = name.strip("《》〈〉<>“”\"'()（）:：-—_.,，。、 ")
    if re.search(r"[(（][^)）]*$", name):  # an unclosed bracket: the name ends before it
        name = re.split(r"[(（]", name)[0]
    name = re.sub(r"^(?:关于|我们|根据|按照|对|在|由|为|是|现将|现公布|公布|发布|编制|印发)", "", name)
    name = re.sub(r"(?:关于|的|之|本级)$", "", name)
    name = re.sub(r"(?:政府信息公开|信息公开|政务公开)$", "", name)
    name = bodies.drop_disclosure_office(name)  # 黄埔区广州开发区政务公开工作办公室 writes the district's report
    return name if bodies.is_body_name(name) else None


def _place_only(candidate: str) -> str | None:
    """XX区 out of a run of text that ends in a level (现公布区 → None, 全力推进临平区 → 临平区)."""
    level = candidate[-1]
    name = _NOT_IN_PLACE.sub("", candidate[:-1])
    name = re.sub(r"^.*" + _NOT_PLACE_CHARS.pattern, "", name)  # 举办温州 → 温州
    place = name + level
    return place if len(name) >= 2 and place not in bodies.not_bodies() else None


def _trimmed_place(place: str, head: str) -> str:
    """举办温州市 → 温州市: of a run's tails (2+ characters before the level), the longest that the
    text writes as often as the most written one."""
    tails = [place[i:] for i in range(0, len(place) - 2)]
    counts = {t: head.count(t) for t in tails}
    most = max(counts.values())
    return max((t for t, n in counts.items() if n == most), key=len)


def _proper_prefix(prefix: str) -> bool:
    """西宁, 宁波国家 — a name's own words, not a run of text before it (今年, 依申请公开工作由)."""
    return len(prefix) >= 2 and not _NOT_PLACE_CHARS.search(prefix) and _NOT_IN_PLACE.sub("", prefix) == prefix \
        and not re.search(r"公开|工作|信息|申请|政府|报告|年度|全区|全县|全市|今年|本年", prefix)


def _unit_level(head: str) -> str | None:
    """The level a department answers to, when its text says so (根据县政府的工作要求: 县)."""
    levels = Counter(re.findall(r"(?<![\u4e00-\u9fff])(?:根据|按照|在)?(县|市|区)(?:委|政府|人民政府)(?:的|办公室)", head))
    return levels.most_common(1)[0][0] if levels else None


def complete_body(body: str, text: str) -> str:
    """The most specific full name the text supports: 区统计局 → 雨山区统计局 (the text names it);
    省市场监管局 + 黑龙江省 → 黑龙江省市场监督管理局; 番禺区统计局 → 广州市番禺区统计局 when the
    text writes 广州市番禺区."""
    head = simplified(text[:HEAD_CHARS])
    name = body
    m = BARE_LEVEL.match(name)
    if m:
        name = _with_written_place(name, m.group(1), head)
    elif bodies.zone_suffix(name) == name:
        name = _zone_full_name(name, head)
    elif bodies.is_generic_unit(name) and _unit_level(head):
        # 自然资源局 in a text that answers to 县政府: the county's, and the county the text names
        completed = complete_body(_unit_level(head) + name, text)
        if not BARE_LEVEL.match(completed):
            name = completed
    elif not _STARTS_WITH_PLACE.match(name):
        # the text writes the body with its place in front (现将莲湖区西关街道办事处…) more than once or in a cue
        written = Counter(p for p in map(_place_only, re.findall(r"([\u4e00-\u9fff]{2,8}?(?:区|县|市|旗))" + re.escape(name), head)) if p)
        if written:
            name = _trimmed_place(written.most_common(1)[0][0], head) + name
    expanded = bodies.expand(name) if simplified(name) == name else name
    return _with_parent_place(expanded, head)


def _with_written_place(name: str, level: str, head: str) -> str:
    """区统计局 → 雨山区统计局: the place of that level the text writes (before the body, else anywhere)."""
    rest = name[1:]
    written = [_place_only(p) for p in re.findall(r"([\u4e00-\u9fff]{2,10}?" + level + r")" + re.escape(rest), head)]
    written = [p for p in written if p]
    places = Counter(written) or Counter(
        p for p in map(_place_only, re.findall(r"([\u4e00-\u9fff]{2,6}?" + level + r")", head)) if p)
    if places:
        return _trimmed_place(places.most_common(1)[0][0], head) + rest
    return name


def _zone_full_name(name: str, head: str) -> str:
    """开发区 alone: the zone's full name as the text writes it (《西宁经济技术开发区政府信息公开指南》)."""
    written = Counter(re.findall(r"([\u4e00-\u9fff]{2,12}?" + re.escape(name) + r")", head))
    written += Counter(re.findall(r"([\u4e00-\u9fff]{2,12}?(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|经开区))", head)) \
        if name in ("开发区", "园区") else Counter()
    named = [w for w in written if _proper_prefix(w[: len(w) - len(bodies.zone_suffix(w) or name)])]
    if named:
        most = max(written[w] for w in named)
        return max((w for w in named if written[w] == most), key=len)
    return name


def _with_parent_place(expanded: str, head: str) -> str:
    """A parent place written right before the body's own place (广州市番禺区统计局)."""
    first = re.match(r"([\u4e00-\u9fff]{2,10}?(?:区|县|旗|镇|乡|街道))", expanded)
    if first and not re.match(r"^[\u4e00-\u9fff]{2,10}?(?:省|市)", expanded):
        parent = re.search(r"([\u4e00-\u9fff]{2,8}?(?:省|市|自治州|州))" + re.escape(first.group(1)), head)
        if parent and parent.group(1) not in bodies.not_bodies():
            p = re.sub(r"^.*(?:根据|关于|公布|发布|全|在|对|和|与|的|是|及)", "", parent.group(1))
            if len(p) >= 2 and bodies.is_place(p):
                return p + expanded
    return expanded
