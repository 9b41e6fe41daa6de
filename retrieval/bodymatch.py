"""Body names as questions write them, against the bodies of stored reports.

People ask with their own short forms (渭滨区统计局 for 宝鸡市渭滨区统计局, 龙华监管局 for
深圳市市场监督管理局龙华监管局, 东湖风景区卫健办, 黑龙江省市场监管局, 花都区政府办). Both sides are
compared in one canonical form (reportqa.bodies: simplified, short forms written out); a question's
body mention is matched whole, as the tail of a stored name (parent places left out), or as an
in-order abbreviation of it that keeps its first word and its kind of body.
"""
from __future__ import annotations

import re
from functools import lru_cache

from reportqa import bodies
from reportqa.bodies import flat
from reportqa.stores.keywords import tokenize
from reportqa.types import StoredReport

_ENDINGS = ("人民政府办公室|人民政府办公厅|人民政府|街道办事处|管理委员会|委员会|管委会|办公室|办公厅|办事处|分局|监管局|"
            "自治区|自治州|自治县|特别行政区|局|厅|委|办|署|中心|政府|街道|街|省|市|区|县|州|盟|旗|镇|乡")
# An ending only ends a name when the next character does not continue a word (办理, 市场, 区域, 局长…).
NOT_AFTER = _NOT_AFTER = "理法事公结件面托员场域级外内属直长政民县镇乡委务议案区道头信网在工门采性热服会街别"
_SEGMENT = rf"[\u4e00-\u9fff]{{1,12}}?(?:{_ENDINGS})(?![{_NOT_AFTER}])"
_MENTION = re.compile(rf"{_SEGMENT}(?:[\u4e00-\u9fff]{{0,12}}?(?:{_ENDINGS})(?![{_NOT_AFTER}]))*")
_FILLER = re.compile(r"^(?:请问|请|问|关于|对于|那么|那|在|从|和|与|跟|及|以及|的|了|是|查询|查|看看|看|一下|想知道|我想|告诉我|年|度|"
                     r"报告|年报|中|里|上一年|去年|今年|比较|对比|相比|说|向|对|给|由|被|涉及|全市|全区|全县|全省|各)+")
_QUESTION_WORDS = re.compile(r"哪|什么|怎么|如何|多少|几|是否|负责|由|有没有|各|所有|全部|相关|公开|申请|收到|办理|制发|文件")
_PLACE_LEVEL = re.compile(r"(?:自治区|自治州|自治县|特别行政区|省|市|区|县|州|盟|旗|镇|乡|街道)$")


# Words that never sit inside a body's name: a mention stops at them (…年报说新增市政府规章…).
_BREAKS = re.compile(r"说|称|提到|显示|指出|以及|及|与|或|新增|增加|减少|收到|受理|办理|发布|制发|制定|废止|是|有|的|里|对|了|报告|年报|代表|"
                     r"一共|总共|共计|合计|累计|举办|召开|举行|开展|"
                     r"(?:多少|几)(?:件|条|个|项|次|场|篇|份|万元|人次)?|哪|什么|请问|关于|那么|那|比|较|上一年|去年|今年|年度|年|\d+|[^\u4e00-\u9fff]")


@lru_cache(maxsize=4096)  # asked once per stored report while scoring: the same question each time
def body_mentions(canonical_question: str) -> tuple[str, ...]:
    """Body-like phrases a question names (canonical form): 龙华监管局, 上海市, 番禺区统计局."""
    out = []
    for m in _MENTION.finditer(_BREAKS.sub("|", canonical_question)):
        name = _FILLER.sub("", m.group(0))
        if len(name) >= 3 and not _QUESTION_WORDS.search(name) and bodies.is_body_name(name) \
                and name not in bodies.generic_mentions():
            out.append(name)
    return tuple(out)


@lru_cache(maxsize=65536)
def name_forms(canonical_body: str) -> tuple[str, ...]:
    """The stored name and its tails after a place or a parent body: 宝鸡市渭滨区统计局 →
    渭滨区统计局; 深圳市市场监督管理局龙华监管局 → 市场监督管理局龙华监管局, 龙华监管局."""
    forms = [canonical_body]
    for m in re.finditer(rf"(?:{_ENDINGS})(?![{_NOT_AFTER}])", canonical_body):
        tail = canonical_body[m.end():]
        if len(tail) >= 3 and bodies.is_body_name(tail) and tail not in forms:
            forms.append(tail)
    return tuple(forms)


_ENDING_CLASS = {"街": "街道", "街道": "街道", "街道办事处": "街道", "办事处": "街道", "镇": "镇", "镇人民政府": "镇",
                 "乡": "乡", "乡人民政府": "乡"}


def _ending(name: str) -> str:
    m = re.search(rf"(?:{_ENDINGS})$", name)
    ending = m.group(0) if m else ""
    if ending in ("办事处", "人民政府"):  # 街道办事处, 镇人民政府: the class is the word before
        m2 = re.search(r"(街道|镇|乡)(?:办事处|人民政府)$", name)
        ending = m2.group(0) if m2 else ending
    return _ENDING_CLASS.get(ending, ending)


def abbreviates(mention: str, canonical_body: str) -> bool:
    """东湖风景区卫生健康办公室 abbreviates 武汉市东湖生态旅游风景区管理委员会卫生健康办公室: its
    characters in order, its first two together, the same kind of body at the end."""
    if len(mention) < 4 or mention[:2] not in canonical_body or _ending(mention) != _ending(canonical_body):
        return False
    pos = canonical_body.index(mention[:2]) + 2
    for ch in mention[2:]:
        pos = canonical_body.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


_INTERNAL_UNIT = re.compile(r"(?:政务公开|政府信息公开|信息公开)?办公室|综合科|办公科|政策法规科|信息室|党政办|党政办公室")
_PLACE_CHAIN = re.compile(r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|自治州|州|盟|地区|区|县))+")


def satisfies(mention: str, canonical_body: str) -> bool:
    """The stored body is (or contains, as a place) what the mention names."""
    if not canonical_body:
        return False
    if bodies.is_generic_unit(canonical_body):
        return mention == canonical_body  # 商务局 stored with no place: only a question as bare as it
    if mention.endswith("街道") and canonical_body.endswith("街道办事处"):
        mention += "办事处"  # 海珠区官洲街道 for a report that calls itself 官洲街道办事处
    elif mention.endswith(("镇", "乡")) and canonical_body.endswith(("镇人民政府", "乡人民政府")):
        mention += "人民政府"  # 瑞安市塘下镇 for a report that calls itself 塘下镇人民政府
    if mention.endswith("人民政府") and _PLACE_LEVEL.search(canonical_body) and mention[:-4] == canonical_body:
        return True  # 上海市人民政府 is the report of 上海市
    if mention.startswith(canonical_body) and not canonical_body.endswith("政府") \
            and _INTERNAL_UNIT.fullmatch(mention[len(canonical_body):]):  # (a government's 办公室 is a body of its own)
        return True  # 临沂市财政局办公室: the office inside the body that wrote the report
    if len(canonical_body) >= 3 and mention.endswith(canonical_body) and \
            _PLACE_CHAIN.fullmatch(mention[: len(mention) - len(canonical_body)]):
        return True  # 龙泉市西街街道 for a report that calls itself 西街街道
    if mention in canonical_body:
        # a place mention (上海市) is satisfied by any body in it; a department mention must end the name
        # or be followed by another unit (龙华监管局 ends it; 统计局 inside 统计局某某科 would not)
        return bool(_PLACE_LEVEL.search(mention)) or canonical_body.endswith(mention) or \
            any(f.startswith(mention) or f.endswith(mention) for f in name_forms(canonical_body))
    return abbreviates(mention, canonical_body)


def satisfied_mentions(question: str, reports: list[StoredReport]) -> list[str]:
    """The body names the question writes (as written and written out) that name these reports."""
    text = flat(question)
    names = [bodies.canonical(r.body) for r in reports if r.body] + [bodies.canonical(a) for r in reports for a in r.aliases]
    return [m for m in body_mentions(text) + body_mentions(bodies.expand(text))
            if any(satisfies(bodies.canonical(m), b) or bodies.canonical(m) in b for b in names)]


def mention_tokens(question: str, reports: list[StoredReport]) -> set[str]:
    """Words of the body names the question writes for these reports, as written (经开区管委会) and
    written out: they say which report, not what is counted."""
    text = flat(question)
    mentions = satisfied_mentions(question, reports)
    words = set()
    for mention in mentions:
        words.update(tokenize(mention))
    # and the question's own words inside a mention (jieba splits 经开区管委会 differently in context)
    words.update(t for t in tokenize(text) if len(t) > 1 and any(t in m for m in mentions))
    return words


__all__ = ["NOT_AFTER", "body_mentions", "satisfied_mentions", "mention_tokens", "name_forms", "abbreviates", "satisfies"]
