"""Citations and answer text. Quotes are always canonical_text[start:end] of a stored report."""
from __future__ import annotations

import re

from reportqa.schema import column_display
from reportqa.stores import Stores
from reportqa.stores.keywords import tokenize
from reportqa.types import CellRef, Citation, Fact
from reportqa.vocabulary import is_heading as _is_heading, section_at, sentence_spans
from retrieval.hybrid import Passage


class CitationBuilder:
    """Builds citations for one question, caching report texts, sections and pages."""

    def __init__(self, stores: Stores):
        self.stores = stores
        self._cache: dict[str, tuple] = {}
        self.citations: list[Citation] = []

    def _report(self, report_id: str):
        if report_id not in self._cache:
            facts = self.stores.facts
            self._cache[report_id] = (facts.get_report(report_id), facts.report_text(report_id) or "",
                                      facts.sections(report_id), facts.report_pages(report_id))
        return self._cache[report_id]

    def text(self, report_id: str) -> str:
        """The report's canonical text, which every quote is a span of."""
        return self._report(report_id)[1]

    def add(self, report_id: str, start: int, end: int, cell: CellRef | None = None, score: float | None = None) -> int:
        """Add a citation (deduplicated) and return its 1-based number."""
        for i, c in enumerate(self.citations, 1):
            if c.report_id == report_id and c.start == start and c.end == end and c.cell == cell:
                return i
        report, text, sections, pages = self._report(report_id)
        section = section_at(sections, start)
        page = next((p.page for p in pages if p.start <= start < p.end), None)
        self.citations.append(Citation(
            report_id=report_id, title=(report.title or "") if report else "", body=(report.body or "") if report else "",
            year=report.year if report else None, section=section.path if section else "",
            start=start, end=end, quote=text[start:end], cell=cell, page=page if len(pages) > 1 else None, score=score,
        ))
        return len(self.citations)

    def refs(self, facts: list[Fact]) -> str:
        """[1][2]…: one citation per fact, as the answer text marks them."""
        return "".join(f"[{self.add_fact(f)}]" for f in facts)

    def add_fact(self, fact: Fact) -> int:
        cell = None
        if fact.kind == "table":
            cell = CellRef(fact.table, fact.row_label, column_display(fact.column_key, fact.column_label),
                           fact.row_key, fact.column_key)
        return self.add(fact.report_id, fact.start, fact.end, cell)

    def best_sentences(self, passage: Passage, question: str, limit: int = 2,
                       topic: set[str] | None = None) -> tuple[int, int] | None:
        """The span of the sentences of a passage that share most words with the question; None when
        the passage holds only headings and boilerplate (坚持以习近平…为指导, 现将…报告如下).

        With the question's topic words given, those are the words counted, each weighed by how few
        of the passage's sentences hold it: 打造…政务公开服务矩阵 is found by 矩阵, not by the 2022 and
        公开 that every sentence of the passage shares."""
        _report, text, _s, _p = self._report(passage.chunk.report_id)
        q = set(topic) if topic else set(tokenize(question))
        spans = sentence_spans(text, passage.chunk.start, passage.chunk.end)
        spans = [s for s in spans if not _is_heading(text[s[0]:s[1]]) and not is_boilerplate(text[s[0]:s[1]])]
        if not spans:
            return None
        words = [set(tokenize(text[a:b])) for a, b in spans]
        if topic:
            held = [{t for t in q if t in w or t in text[a:b]} for w, (a, b) in zip(words, spans)]
            df = {t: sum(t in h for h in held) for t in q}
            scored = [(sum(len(t) / df[t] for t in h), i) for i, h in enumerate(held)]
        else:
            scored = [(sum(len(t) for t in q & w), i) for i, w in enumerate(words)]
        if _ASKS_PROBLEMS.search(question):
            # 存在哪些问题: the sentences that state a shortcoming (有待提高, 仍有欠缺), not the plans that follow
            scored = [(score + 2.0 * bool(_SHORTCOMING.search(text[a:b])) - 1.5 * bool(_PLAN.search(text[a:b])), i)
                      for (score, i), (a, b) in zip(scored, spans)]
        best_score, best_i = max(scored, key=lambda si: (si[0], -si[1]))
        if best_score == 0:
            return spans[0][0], spans[min(len(spans), limit) - 1][1]
        end_i = best_i
        if limit > 1 and best_i + 1 < len(spans) and scored[best_i + 1][0] > 0:
            end_i = best_i + 1
        # a sentence that introduces a list (…存在一些不足：/ 但仍存在一些不足和薄弱环节。一是…) answers with the list
        if end_i == best_i and best_i + 1 < len(spans) and (
                _FIRST_ITEM.match(text[spans[best_i + 1][0]:spans[best_i + 1][1]])
                or _INTRODUCES.search(text[spans[best_i][0]:spans[best_i][1]])):
            end_i = best_i + 1
            while end_i + 1 < len(spans) and end_i - best_i < _LIST_ITEMS_MAX and \
                    _NEXT_ITEM.match(text[spans[end_i + 1][0]:spans[end_i + 1][1]]):
                end_i += 1
        # a list answers from its first item: 二是… alone drops the 一是… before it
        start_i = best_i
        if re.match(r"\s*(?:[二三四]是|其[二三四]|[（(][二三四][）)]|[2-4][.、．])", text[spans[best_i][0]:spans[best_i][1]]):
            first = next((i for i in range(best_i - 1, max(-1, best_i - 3), -1)
                          if re.search(r"(?:^|[：:，,\s])(?:一是|其一|[（(]一[）)]|1[.、．])", text[spans[i][0]:spans[i][1]])), None)
            if first is not None:
                start_i, end_i = first, best_i
        return spans[start_i][0], spans[end_i][1]


_FIRST_ITEM = re.compile(r"\s*(?:一是|其一|首先|[（(]一[）)]|1[.、．]|①)")
_NEXT_ITEM = re.compile(r"\s*(?:[二三四五六七八九]是|其[二三四五]|[（(][二三四五六七八九][）)]|[2-9][.、．]|[②③④⑤⑥])")
_LIST_ITEMS_MAX = 6  # items quoted after a sentence that introduces them
_ASKS_PROBLEMS = re.compile(r"(?:存在|有)(?:的|着)?(?:哪些|什么|主要|一些)?(?:问题|不足|短板|差距|薄弱环节)|(?:问题|不足)(?:是什么|有哪些|有什么)")
_SHORTCOMING = re.compile(r"有待|不够|不足|欠缺|薄弱|差距|短板|仍需|还需|尚需|不强|不高|不到位|滞后|不均衡|不规范|不完善|"
                          r"有待|不夠|欠缺|薄弱|差距|仍需|還需|不到位")
def asks_for_shortcomings(question: str) -> bool:
    """存在哪些问题？ / 主要问题是什么？: what the report says is lacking, not what it will do."""
    return bool(_ASKS_PROBLEMS.search(question))


def states_shortcoming(sentence: str) -> bool:
    return bool(_SHORTCOMING.search(sentence))


_PLAN = re.compile(r"下一步|下一年|今后|将(?:进一步|继续|切实|着力|持续)|將(?:進一步|繼續)|针对|針對|改进措施|改進措施")
# …但还存在一些不足。/ 主要问题如下： — the sentence only announces what the next ones say
_INTRODUCES = re.compile(r"(?:[：:]|(?:不足|問題|问题|短板|差距|薄弱环节|薄弱環節|如下|以下几个方面)[。.]?)\s*$")



_BOILERPLATE = re.compile(
    r"以习近平新时代中国特色社会主义思想为指导|深入贯彻(?:落实)?党的[二十一九大届中全会精神]+|现将[^。]{0,30}报告如下|"
    r"(?:根据|依据|按照|依照)《中华人民共和国政府信息公开条例》[^。]{0,200}(?:编制|公布|发布|报告)|"
    r"(?:本(?:年度)?报告|全文)(?:由|包括|分为|主要内容包括)[^。]{0,120}(?:组成|部分|事项|情况)|"
    r"(?:如|若)对本报告有[^。]{0,20}(?:疑问|问题)|报告电子版[^。]{0,60}下载|本报告可[^。]{0,60}(?:查阅|下载)|"
    r"数据[^。]{0,20}统计(?:期限|时限|时间|区间)|统计(?:期限|时限|时间|区间)(?:为|是|自)")


def is_boilerplate(sentence: str) -> bool:
    """The report's standard opening and closing sentences: never an answer to a question."""
    return bool(_BOILERPLATE.search(sentence)) and len(re.sub(_BOILERPLATE, "", sentence)) < 40

