"""Side-by-side wording of two reports of one body: sections, then sentences, then jieba words.

    from retrieval.compare import compare_reports
    cmp = compare_reports(stores.facts, "洪泽区人民政府-2023", "淮安市洪泽区人民政府-2024", sections=["五"])
    for sec in cmp.sections:
        sec.similarity, [(p.status, p.old, p.new, p.reused) for p in sec.pairs]

Sections are aligned by their standard number (一 … 六). Inside a section, sentences (split on
。！？ and newlines; table sections line by line) are aligned in order: identical sentences first
(whitespace and NFKC differences ignored), then, inside each stretch between them, the most
similar remaining sentences are paired as "changed" when at least CHANGED_MIN of their words
agree; what is left is "removed" (last year only) or "added" (this year only). A changed pair
carries its word-level edits (jieba tokens) with offsets into each year's canonical text.

A "same" narrative sentence of some length is flagged `reused`: copied unchanged from last
year's report. A narrative section whose every substantive sentence is reused is flagged too.

Which two reports to compare is retrieval/pairs.py; the comparison as terminal text is app/text.py.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import jieba

from reportqa.stores.facts import FactStore
from reportqa.types import Section
from reportqa.vocabulary import (NUMBERED_HEADING, SECTION_NUMBERS, TABLE_SECTIONS, compact as _norm, section_body_span as _body_span,
                                 section_number, sentence_spans, top_sections)

jieba.setLogLevel(60)

CHANGED_MIN = 0.5  # share of words two sentences must have in common to count as one sentence edited
REUSED_MIN_CHARS = 12  # shorter "same" sentences (headings, stock phrases) are not worth a reused flag


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class WordEdit:
    """One word-level edit of a changed pair: op is "equal" | "replace" | "delete" | "insert";
    old/new are (start, end) into each year's canonical text (None for insert/delete)."""

    op: str
    old: tuple[int, int] | None
    new: tuple[int, int] | None


@dataclass
class SentencePair:
    status: str  # "same" | "changed" | "added" | "removed"
    old: Span | None
    new: Span | None
    similarity: float = 0.0
    reused: bool = False
    edits: list[WordEdit] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {"status": self.status, "old": self.old.to_dict() if self.old else None,
             "new": self.new.to_dict() if self.new else None, "similarity": round(self.similarity, 4),
             "reused": self.reused}
        if self.status == "changed":
            d["words"] = [{"op": e.op, "old": list(e.old) if e.old else None, "new": list(e.new) if e.new else None}
                          for e in self.edits if e.op != "equal"]
        return d


@dataclass
class SectionComparison:
    section: str  # the standard number, 一 … 六
    heading_old: str | None
    heading_new: str | None
    similarity: float
    pairs: list[SentencePair]
    reused_section: bool = False  # every substantive sentence copied word for word

    @property
    def counts(self) -> dict[str, int]:
        out = {"same": 0, "changed": 0, "added": 0, "removed": 0, "reused": 0}
        for p in self.pairs:
            out[p.status] += 1
            out["reused"] += p.reused
        return out

    def to_dict(self) -> dict:
        return {"section": self.section, "heading_old": self.heading_old, "heading_new": self.heading_new,
                "similarity": round(self.similarity, 4), "reused_section": self.reused_section,
                "counts": self.counts, "pairs": [p.to_dict() for p in self.pairs]}


@dataclass
class Comparison:
    old_report: str
    new_report: str
    old_year: int | None
    new_year: int | None
    sections: list[SectionComparison]


# --------------------------------------------------------------------------- units


def sentence_units(text: str, start: int, end: int, *, table: bool = False) -> list[Span]:
    """Sentences of text[start:end] (table sections: lines), trimmed, as spans of the canonical text."""
    return [Span(a, b, text[a:b]) for a, b in sentence_spans(text, start, end, semicolons=False, lines=table)]


@lru_cache(maxsize=20000)
def _tokens(sentence: str) -> tuple[tuple[str, int, int], ...]:
    """jieba words of a sentence with offsets into it; whitespace dropped, words NFKC-normalised."""
    return tuple((unicodedata.normalize("NFKC", w), a, b) for w, a, b in jieba.tokenize(sentence) if w.strip())


def sentence_similarity(a: str, b: str) -> float:
    """Share of jieba words two sentences have in common (difflib ratio over words)."""
    ta, tb = [w for w, _, _ in _tokens(a)], [w for w, _, _ in _tokens(b)]
    if not ta and not tb:
        return 1.0
    return SequenceMatcher(None, ta, tb, autojunk=False).ratio()


def word_edits(old: Span, new: Span) -> tuple[list[WordEdit], int]:
    """Word-level edits between two sentences, offsets in canonical text; and the number of equal words."""
    ta, tb = _tokens(old.text), _tokens(new.text)
    sm = SequenceMatcher(None, [w for w, _, _ in ta], [w for w, _, _ in tb], autojunk=False)
    edits, equal = [], 0

    def span(tokens, base, i, j):
        return (base + tokens[i][1], base + tokens[j - 1][2]) if j > i else None

    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            equal += i2 - i1
        edits.append(WordEdit(op, span(ta, old.start, i1, i2), span(tb, new.start, j1, j2)))
    return edits, equal


# --------------------------------------------------------------------------- alignment


def align_sentences(old: list[Span], new: list[Span], *, narrative: bool = True) -> list[SentencePair]:
    """Aligned sentence pairs in reading order (of the new text, removed ones where they stood)."""
    ka, kb = [_norm(s.text) for s in old], [_norm(s.text) for s in new]
    pairs: list[SentencePair] = []
    sm = SequenceMatcher(None, ka, kb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            pairs += [SentencePair("same", old[i], new[j1 + k], 1.0) for k, i in enumerate(range(i1, i2))]
        else:
            pairs += _pair_block(old[i1:i2], new[j1:j2])
    pairs = _moved(pairs)
    for p in pairs:
        if p.status == "same" and narrative:
            text = _norm(p.new.text)
            p.reused = len(text) >= REUSED_MIN_CHARS and not NUMBERED_HEADING.match(text)
        if p.status == "changed":
            p.edits, _ = word_edits(p.old, p.new)
    return pairs


def _pair_block(old: list[Span], new: list[Span]) -> list[SentencePair]:
    """Order-preserving pairing that maximises the summed similarity of pairs above CHANGED_MIN."""
    m, n = len(old), len(new)
    if not m or not n:
        return [SentencePair("removed", s, None) for s in old] + [SentencePair("added", None, s) for s in new]
    sim = [[sentence_similarity(a.text, b.text) for b in new] for a in old]
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            take = sim[i][j] + best[i + 1][j + 1] if sim[i][j] >= CHANGED_MIN else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    out, i, j = [], 0, 0
    while i < m and j < n:
        if sim[i][j] >= CHANGED_MIN and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            out.append(SentencePair("changed", old[i], new[j], sim[i][j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append(SentencePair("removed", old[i], None))
            i += 1
        else:
            out.append(SentencePair("added", None, new[j]))
            j += 1
    out += [SentencePair("removed", s, None) for s in old[i:]] + [SentencePair("added", None, s) for s in new[j:]]
    return out


def _moved(pairs: list[SentencePair]) -> list[SentencePair]:
    """A sentence removed in one place and added unchanged in another was moved: it is the same."""
    removed = {}
    for p in pairs:
        if p.status == "removed":
            removed.setdefault(_norm(p.old.text), []).append(p)
    if not removed:
        return pairs
    out, drop = [], set()
    for p in pairs:
        if p.status == "added" and removed.get(_norm(p.new.text)):
            q = removed[_norm(p.new.text)].pop(0)
            drop.add(id(q))
            out.append(SentencePair("same", q.old, p.new, 1.0))
        else:
            out.append(p)
    return [p for p in out if id(p) not in drop]


def _similarity(pairs: list[SentencePair]) -> float:
    """2 × equal words / all words, over the whole section (1.0 for two empty sections)."""
    total = equal = 0
    for p in pairs:
        na = len(_tokens(p.old.text)) if p.old else 0
        nb = len(_tokens(p.new.text)) if p.new else 0
        total += na + nb
        if p.status == "same":
            equal += 2 * na
        elif p.status == "changed":
            _e, eq = word_edits(p.old, p.new)
            equal += 2 * eq
    return equal / total if total else 1.0


# --------------------------------------------------------------------------- sections


def compare_texts(old_text: str, old_sections: list[Section], new_text: str, new_sections: list[Section],
                  numbers: list[str] | None = None) -> list[SectionComparison]:
    a, b = top_sections(old_sections), top_sections(new_sections)
    wanted = [n for n in SECTION_NUMBERS if (n in a or n in b) and (not numbers or n in numbers)]
    out = []
    for number in wanted:
        table = number in TABLE_SECTIONS
        sa, sb = a.get(number), b.get(number)
        ua = sentence_units(old_text, *_body_span(old_text, sa), table=table) if sa else []
        ub = sentence_units(new_text, *_body_span(new_text, sb), table=table) if sb else []
        pairs = align_sentences(ua, ub, narrative=not table)
        substantive = [p for p in pairs if (p.old and len(_norm(p.old.text)) >= REUSED_MIN_CHARS)
                       or (p.new and len(_norm(p.new.text)) >= REUSED_MIN_CHARS)]
        reused_section = not table and bool(substantive) and all(p.reused for p in substantive)
        out.append(SectionComparison(number, sa.heading if sa else None, sb.heading if sb else None,
                                     _similarity(pairs), pairs, reused_section))
    return out


def compare_reports(facts: FactStore, old_id: str, new_id: str, sections: list[str] | None = None) -> Comparison:
    old, new = facts.get_report(old_id), facts.get_report(new_id)
    if old is None or new is None:
        raise KeyError(old_id if old is None else new_id)
    numbers = [section_number(s) or s for s in sections] if sections else None
    secs = compare_texts(facts.report_text(old_id) or "", facts.sections(old_id),
                         facts.report_text(new_id) or "", facts.sections(new_id), numbers)
    return Comparison(old_id, new_id, old.year, new.year, secs)


__all__ = ["Span", "WordEdit", "SentencePair", "SectionComparison", "Comparison", "sentence_units",
           "align_sentences", "word_edits", "sentence_similarity", "compare_texts", "compare_reports", "section_number",
           "top_sections", "CHANGED_MIN"]
