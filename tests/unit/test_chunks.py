"""Search chunks (ingest/chunks.make_chunks) and sentence spans (reportqa/vocabulary.sentence_spans):
exact spans of the text, never across a section. Pure: no model, no store."""
from __future__ import annotations

from ingest.chunks import NARRATIVE_MAX_CHARS, leaf_segments, make_chunks
from reportqa.types import Section
from reportqa.vocabulary import sentence_spans

ONE = "一、总体情况\n2023年，本局认真落实条例。一是加强公开；二是完善制度！\n"
TWO = "二、主动公开政府信息情况\n规章\t0\t0\n规范性文件\t3\t5\n"
THREE = "三、收到和处理政府信息公开申请情况\n本年新收\t7\n"
TEXT = ONE + TWO + THREE


def _sections() -> list[Section]:
    a, b, c = 0, len(ONE), len(ONE) + len(TWO)
    return [Section("r", "一、总体情况", "一", 1, "一、总体情况", a, b),
            Section("r", "二、主动公开政府信息情况", "二", 1, "二、主动公开政府信息情况", b, c),
            Section("r", "三、收到和处理政府信息公开申请情况", "三", 1, "三、收到和处理政府信息公开申请情况", c, len(TEXT))]


def _within_one_section(chunk, sections) -> bool:
    return any(s.start <= chunk.start and chunk.end <= s.end and s.path == chunk.section for s in sections)


def test_chunks_are_exact_spans_and_never_cross_a_section():
    sections = _sections()
    chunks = make_chunks("r", "v1", TEXT, sections)
    assert all(c.text == TEXT[c.start:c.end] for c in chunks)
    assert all(_within_one_section(c, sections) for c in chunks)
    # short sections: each packs into one chunk of its own, trimmed of the line breaks around it
    assert [(c.section, c.kind, c.text) for c in chunks] == [
        ("一、总体情况", "narrative", ONE.strip()),
        ("二、主动公开政府信息情况", "table", TWO.strip()),
        ("三、收到和处理政府信息公开申请情况", "table", THREE.strip()),
    ]
    assert len({c.chunk_id for c in chunks}) == 3
    assert make_chunks("r", "v1", TEXT, sections) == chunks  # ids are stable
    assert make_chunks("r", "v2", TEXT, sections)[0].chunk_id != chunks[0].chunk_id


def test_a_long_sentence_is_cut_at_the_limit():
    sentence = "甲" * 700 + "。"
    text = "一、总体情况\n" + sentence + "\n"
    sections = [Section("r", "一、总体情况", "一", 1, "一、总体情况", 0, len(text))]
    chunks = make_chunks("r", "v", text, sections)
    assert all(c.text == text[c.start:c.end] for c in chunks)
    # the heading line is a sentence of its own (a line break ends a sentence); it packs with nothing else
    assert [(c.start, c.end) for c in chunks] == [(0, 6), (7, 307), (307, 607), (607, 708)]
    assert max(c.end - c.start for c in chunks) == NARRATIVE_MAX_CHARS


def test_sub_sections_are_leaves_and_skipped_spans_hold_no_chunk():
    text = "一、总体情况\n开头一句。\n（一）主动公开\n主动公开一句。\n结尾一句。\n"
    sub_start = text.index("（一）")
    sub_end = text.index("结尾")
    sections = [Section("r", "一、总体情况", "一", 1, "一、总体情况", 0, len(text)),
                Section("r", "一、总体情况 / （一）主动公开", "一", 2, "（一）主动公开", sub_start, sub_end)]
    assert [(s.level, a, b) for s, a, b in leaf_segments(sections)] == [(1, 0, sub_start), (2, sub_start, sub_end),
                                                                         (1, sub_end, len(text))]
    chunks = make_chunks("r", "v", text, sections)
    assert [(c.section, c.text) for c in chunks] == [
        ("一、总体情况", "一、总体情况\n开头一句。"),
        ("一、总体情况 / （一）主动公开", "（一）主动公开\n主动公开一句。"),
        ("一、总体情况", "结尾一句。"),
    ]
    skip = [(text.index("开头"), text.index("开头") + 2)]
    assert [c.text for c in make_chunks("r", "v", text, sections, skip=skip)][0] == "一、总体情况"


# --------------------------------------------------------------------------- sentence spans

def test_a_semicolon_ends_a_sentence_unless_told_otherwise():
    text = "一是加强公开；二是完善制度。三是强化监督！"
    assert sentence_spans(text, 0, len(text)) == [(0, 7), (7, 14), (14, 21)]
    assert sentence_spans(text, 0, len(text), semicolons=False) == [(0, 14), (14, 21)]
    half = "A;B"
    assert sentence_spans(half, 0, 3) == [(0, 2), (2, 3)]
    assert sentence_spans(half, 0, 3, semicolons=False) == [(0, 3)]


def test_a_closing_quote_stays_with_its_sentence():
    text = "他说“好。”然后走了"
    assert sentence_spans(text, 0, len(text)) == [(0, 6), (6, 10)]


def test_lines_mode_gives_one_span_per_line_trimmed():
    text = "规章；\t0\n\n  规范性文件。\t3  \n"
    assert sentence_spans(text, 0, len(text), lines=True) == [(0, 5), (9, 17)]
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text), lines=True)] == ["规章；\t0", "规范性文件。\t3"]


def test_spans_are_offsets_into_the_whole_text():
    text = "前言。正文一句。正文二句。"
    assert sentence_spans(text, 3, len(text)) == [(3, 8), (8, 13)]
    assert sentence_spans(text, 3, 8) == [(3, 8)]
