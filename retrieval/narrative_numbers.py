"""Numbers stated in the narrative, picked by the clause that states them.

A sentence often holds several counts of related things: 共处理依申请公开98件，其中予以公开79件;
全年共办理各类在线留言1647条，其中，局长信箱268条. The number answered is the one whose own clause
says what the question counts:
- the sentence must hold most of the asked words, and the number's own clause some of them;
- a clause that names another action (受理, 收到, 制定 …) than the one asked (办结, 废止 …) is not it;
- words that only one clause of the sentence holds weigh most, and so do the words right around
  多少 (the action or the thing counted);
- a number the question itself states is never its answer, and the unit asked (多少场, 占比) must be
  the unit written.
When nothing qualifies the answer is "not found", never the nearest number on the topic.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from reportqa.stores.facts import FactStore
from reportqa.stores.keywords import tokenize
from reportqa.types import Fact
from reportqa.vocabulary import to_simplified
from retrieval.lexicon import flatten as _flatten


log = logging.getLogger(__name__)


def flatten(text: str) -> str:
    return to_simplified(_flatten(text))  # a traditional copy's clauses match simplified questions

_UNIT_CUE = re.compile(r"(?:多少|几)(万人次|人次|个工作日|工作日|亿元|万元|元|条|个|件|项|次|场|家|篇|期|份|人|户|部|名|套|台|天|宗|封|起)")
_GENERIC = set("多少 数量 一共 共 总共 合计 报告 年报 政府信息公开 政府 信息 公开 工作 年度 情况 全年 本年 今年 去年 上一年 "
               "中 里 有 是 为 了 达到 全市 我市 市 县 区 全区 全县 这 这一 数字 数 说 那 那么 呢 吗 其中 个 件 条 项 多少件 多少条 "
               "大约 约 大概 左右 以上 余 多 共计 一共有 总计 百分之 百分 百分比 占 比 占比 比例 较 同比 达到 通过".split())
_SLOT_FILLER = set("有 是 为 共 了 的 已 总共 一共 合计 达 达到 全年 本年 本年度 累计 其中 中 里 其 一共有 还 分别 "
                   "申请 信息 政府信息 文件 件数 数量 数 总数".split())
# Actions a count is of, in groups of words that say the same: a clause naming an action of another
# group than the question's counts something else (收到14件 does not answer 办结多少件).
_ACTION_GROUPS = {
    "publish": ("主动公开", "公开", "发布", "公布", "更新", "刊登", "发表", "推送", "转发", "上传"),
    "receive": ("新收", "收到", "受理", "接收"),
    "finish": ("办结", "答复", "回复", "办理", "处理", "转办"),
    "carry": ("结转", "接办"),
    "make": ("制定", "制发", "印发", "出台"),
    "abolish": ("废止", "清理", "失效"),
    "revise": ("修订", "修改"),
    "hold": ("举办", "召开", "开展", "组织"),
    "train": ("培训",),
    "interpret": ("解读",),
    "grant": ("予以公开",),
    "partial": ("部分公开",),
    "deny": ("不予公开",),
    "close": ("关停", "注销"),
    "change": ("新增", "减少", "增加"),
}
_ACTIONS = {word: group for group, words in _ACTION_GROUPS.items() for word in words}
# names of the process (申请公开件 is an application, not a publication) and nouns that hold an action
# word (法人或其他组织 does not 组织 anything): not actions
_PROCESS_NAMES = re.compile(r"依申请公开|申请公开|政府信息公开|信息公开|政务公开|(?:其他|社会|公益|社会公益)组织")
# 转下一年办理, 转2023年办理: carried over, whatever verb ends it
_CARRIED = re.compile(r"(?:结转|转入|转到|转至|转)(?:下一?年度?|(?:19|20)\d\d年度?)(?:继续)?(?:办理|处理|答复)?")


def _action_text(text: str) -> str:
    return _PROCESS_NAMES.sub("|", _CARRIED.sub("结转", text))
_PROCESS_WORDS = ("公开", "信息", "申请")
_ASKED_CLAUSE = re.compile(r"[^，,；;。]*(?:多少|几)[^，,；;。]*$")
_QUESTION_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.]|\s*年)")
CONTEXT_COVERAGE_MIN = 0.6  # share of the asked words the number's sentence must hold (0.5 let 办理55件 answer 剩余多少件)


def _words(text: str, exclude: set[str]) -> list[str]:
    text = re.sub(r"(?:有|是|为|共|共有|一共|总共|的|了)?(?:百分之)?(?:多少|几)[^\u4e00-\u9fff]?", " ", text)  # 类有几条 → 类
    return [t for t in tokenize(text) if t not in _GENERIC and t not in exclude
            and not re.fullmatch(r"[\d.%]+|(?:19|20)\d\d年?|\W+", t) and not re.search(r"多少|几", t)]


def _asked_words(flat: str, exclude: set[str]) -> set[str]:
    """The words naming the asked quantity: from the clause that asks (…那上一年年报里主动公开了多少件规章？),
    or the whole question when that clause only says 这一数字是多少."""
    m = _ASKED_CLAUSE.search(flat)
    asked = set(_words(m.group(0), exclude)) if m else set()
    return asked if sum(map(len, asked)) >= 2 else set(_words(flat, exclude))


def _slots(flat: str, exclude: set[str]) -> tuple[set[str], set[str]]:
    """(the word right before 多少, the word right after it and its unit): 废止了多少件行政规范性文件 →
    ({废止}, {行政规范性文件}); 工作动态有多少条 → ({工作动态}, set())."""
    m = _ASKED_CLAUSE.search(flat)
    clause = m.group(0) if m else flat
    cue = re.search(r"(?:百分之)?(?:多少|几)", clause)
    if not cue:
        return set(), set()
    head = re.sub(r"(?:有|是|为|共|共有|一共|总共|的|了|已)+$", "", clause[: cue.start()])
    keep = [t for t in _words(head, exclude) if t not in _SLOT_FILLER and len(t) > 1]
    rest = re.sub(r"^(?:多少|几)(?:万人次|人次|个工作日|万元|[条个件项次场家篇期份人户部名套台天宗批])?", "", clause[cue.start():])
    after = [t for t in _words(rest, exclude) if t not in _SLOT_FILLER and len(t) > 1]
    return set(keep[-1:]), set(after[:1])


def _holds(text: str, word: str) -> bool:
    # one-character words only as whole tokens: 新 is not in 新闻
    return word in tokenize(text) if len(word) == 1 else word in text


def _actions(text: str) -> set[str]:
    """The action groups a text names (公开 inside 予以公开 is not a second action)."""
    text = _action_text(text)
    found = {a for a in _ACTIONS if a in text}
    return {_ACTIONS[a] for a in found if not any(a != b and a in b for b in found)}


def _clause_actions(clause: str, fact: Fact) -> set[str]:
    """The action a number counts is the one written nearest before it: in
    4.认真办理依申请公开…共受理政府信息公开申请21件 the 21 is 受理, not the heading's 办理."""
    i = clause.rfind(flatten(fact.raw))
    if i > 0:
        before = _action_text(clause[:i])
        found = [(before.rfind(a) + len(a), len(a), a) for a in _ACTIONS if a in before]  # 部分公开 over its 公开
        if found:
            return {_ACTIONS[max(found)[2]]}
    return _actions(clause)


_PARAGRAPH_BEFORE = 160  # characters of the same paragraph read before a sentence for its context


def _paragraph_context(text: str, start: int, end: int) -> str:
    """The sentence with what its paragraph says before it: 剩余4件转2023年办理 follows the sentence
    that says these are 依申请公开 cases."""
    lo = max(0, start - _PARAGRAPH_BEFORE)
    line_start = text.rfind("\n", lo, start)
    return text[(line_start + 1 if line_start >= 0 else lo):end]


def _counted_in_clause(clause: str, fact: Fact) -> str | None:
    """The word right before the number in its clause: what the clause counts (政务信息2035篇 → 政务信息)."""
    raw = flatten(fact.raw)
    i = clause.find(raw)
    if i < 0:
        return None
    words = [t for t in tokenize(clause[:i]) if t not in _GENERIC and t not in _SLOT_FILLER
             and not re.fullmatch(r"[\d.%]+|\W+|(?:19|20)\d\d年?", t)]
    return words[-1] if words else None


@dataclass(frozen=True)
class _Asked:
    """What a question asks for, read once before any report is looked at."""

    words: frozenset[str]  # the asked words, names of the body left out
    before: frozenset[str]  # the action or thing right before 多少
    after: frozenset[str]  # … and right after it
    unit: str | None  # 多少场 asks for 场
    rate: bool  # 增长了多少 may be answered by a stated %
    percent: bool  # 占比是多少 asks for the stated share, not a count
    stated: frozenset[Decimal]  # numbers the question itself states: never its answer
    actions: frozenset[str]

    @property
    def total(self) -> int:
        return sum(len(t) for t in self.words)

    @property
    def counted(self) -> frozenset[str]:
        return self.after or self.before

    def unit_fits(self, fact: Fact) -> bool:
        unit = fact.unit.lstrip("余")
        if self.unit and unit != self.unit and not (self.rate and unit in ("%", "％")):
            return False
        return not self.percent or unit in ("%", "％")


def _read_question(question: str, exclude_words: set[str]) -> _Asked | None:
    flat = flatten(question)
    asked = _asked_words(flat, exclude_words)
    if not asked:  # 共公开信息多少条: only the process's own words say what is counted
        asked = {w for w in _PROCESS_WORDS if w in flat and w not in exclude_words}
    if not asked:
        return None
    before, after = _slots(flat, exclude_words)
    unit_cue = _UNIT_CUE.search(flat)
    unit = unit_cue.group(1) if unit_cue else None
    return _Asked(frozenset(asked), frozenset(before), frozenset(after), unit,
                  rate=bool(re.search(r"率|百分|%|比例|增长|下降|上升|减少|增加了?多少", flat)),
                  percent=bool(re.search(r"率|百分|%|比例|占比", flat)) and not unit,
                  stated=frozenset(Decimal(n) for n in _QUESTION_NUMBER.findall(flat)),
                  actions=frozenset(_actions(flat)))


def best_narrative_fact(facts: FactStore, report_ids: list[str], question: str,
                        exclude_words: set[str]) -> tuple[Fact, float] | None:
    asked = _read_question(question, exclude_words)
    if asked is None:
        return None
    best, best_score = None, 0.0
    for rid in report_ids:
        text = None
        by_sentence: dict[tuple[int, int], list[Fact]] = {}
        for fact in facts.facts(rid, kind="narrative"):
            by_sentence.setdefault((fact.start, fact.end), []).append(fact)
        for (start, end), group in by_sentence.items():
            fits, clauses = _fitting_clauses(rid, group, asked)
            for fact, clause in fits:
                if not _names_what_is_counted(fact, clause, asked):
                    continue
                if text is None:
                    text = facts.report_text(rid) or ""
                score = _score(rid, fact, clause, clauses, asked, flatten(_paragraph_context(text, start, end)))
                if score is not None and score > best_score:
                    best, best_score = fact, score
    return (best, best_score) if best is not None else None


def _fitting_clauses(rid: str, group: list[Fact], asked: _Asked) -> tuple[list[tuple[Fact, str]], list[str]]:
    """The numbers of one sentence that may answer, each with its clause; and every clause of the
    asked unit (the competition a word's distinctiveness is measured against)."""
    every = [flatten(f.row_label) for f in group]
    # a share qualifies the count before it: 予以公开及部分公开10538件，占30.61%
    shares = {id(f): (every[i - 1] + every[i]) if i and f.unit in ("%", "％") and every[i].startswith("占") else every[i]
              for i, f in enumerate(group)}
    group = [f for f in group if asked.unit_fits(f)]  # only numbers of the asked kind compete
    clauses = [shares[id(f)] for f in group]
    # numbers of another action (收到 for 办结) are out; of the rest, when some clause names
    # what is counted (社会救助类7条), the clauses that do not are out too
    fits = []
    for f, c in zip(group, clauses):
        if f.value is None or f.value in asked.stated:
            continue
        if asked.actions and _clause_actions(c, f) - asked.actions:
            log.debug("%s「%s」: counts another action %s", rid, c, _clause_actions(c, f) - asked.actions)
            continue
        fits.append((f, c))
    if asked.counted and any(any(_holds(c, t) for t in asked.counted) for _f, c in fits):
        fits = [(f, c) for f, c in fits if any(_holds(c, t) for t in asked.counted)]
    return fits, clauses


def _names_what_is_counted(fact: Fact, clause: str, asked: _Asked) -> bool:
    if not any(_holds(clause, t) for t in asked.words):
        return False
    if asked.counted and not any(_holds(clause, t) for t in asked.counted):
        head = _counted_in_clause(clause, fact)
        if head and head not in asked.words and _ACTIONS.get(head) is None:
            return False  # 发布政务信息2035篇 counts 政务信息, not the 工作动态 asked
    return True


def _score(rid: str, fact: Fact, clause: str, clauses: list[str], asked: _Asked, sentence: str) -> float | None:
    """How well the clause answers: its distinctive asked words, the words around 多少 it holds, and
    how much of the question its sentence (with its paragraph before it) holds. None: not at all."""
    total = asked.total
    context = sum(len(t) for t in asked.words if _holds(sentence, t)) / total
    if context < CONTEXT_COVERAGE_MIN:
        log.debug("%s「%s」: its sentence holds %.2f of the asked words %s", rid, clause, context, sorted(asked.words))
        return None
    own = [t for t in asked.words if _holds(clause, t)]
    distinct = sum(len(t) / sum(1 for c in clauses if _holds(c, t)) for t in own) / total
    before, after = asked.before, asked.after
    slot = (sum(len(t) for t in before if _holds(clause, t)) / max(1, sum(map(len, before)))
            + sum(len(t) for t in after if _holds(clause, t)) / max(1, sum(map(len, after))))
    if (before or after) and slot == 0 and len(own) * 2 < len(asked.words):
        log.debug("%s「%s」: neither the counted word %s nor most asked words", rid, clause, sorted(before | after))
        return None  # neither what is counted nor most of the question: another number
    score = distinct + slot + context
    log.debug("%s「%s」= %s: score %.2f", rid, clause, fact.value, score)
    return score


__all__ = ["best_narrative_fact"]
