"""The pure sentence alignment of retrieval/compare.py on hand-written sentences (no store, no model)."""
from __future__ import annotations

from retrieval.compare import CHANGED_MIN, Span, align_sentences, sentence_similarity, sentence_units

OLD = "本年度共收到政府信息公开申请30件。全年主动公开政府信息1200条。我们进一步加强了政策解读工作。"
NEW = "本年度共收到政府信息公开申请45件。我们进一步加强了政策解读工作。新增开设了政务公开专区一处。"


def _align(old: str = OLD, new: str = NEW, **kw):
    return align_sentences(sentence_units(old, 0, len(old)), sentence_units(new, 0, len(new)), **kw)


def test_sentence_units_are_spans_of_the_text():
    units = sentence_units(OLD, 0, len(OLD))
    assert [u.text for u in units] == ["本年度共收到政府信息公开申请30件。", "全年主动公开政府信息1200条。",
                                       "我们进一步加强了政策解读工作。"]
    assert all(OLD[u.start:u.end] == u.text for u in units)


def test_similarity_of_words():
    assert sentence_similarity("我们进一步加强了政策解读工作。", "我们进一步加强了政策解读工作。") == 1.0
    # ten jieba words each, nine of them shared: 2 × 9 / 20
    assert sentence_similarity("本年度共收到政府信息公开申请30件。", "本年度共收到政府信息公开申请45件。") == 0.9
    assert sentence_similarity("甲乙", "丙丁") == 0.0
    assert sentence_similarity("", "") == 1.0


def test_identical_texts_are_all_same_and_reused():
    pairs = _align(OLD, OLD)
    assert [p.status for p in pairs] == ["same", "same", "same"]
    assert all(p.old.text == p.new.text and p.similarity == 1.0 for p in pairs)
    assert all(p.reused for p in pairs)  # narrative sentences of 12+ characters copied word for word
    assert not any(p.reused for p in _align(OLD, OLD, narrative=False))  # table lines are never "reused"


def test_edited_dropped_and_new_sentences():
    pairs = _align()
    assert [(p.status, p.old.text if p.old else None, p.new.text if p.new else None) for p in pairs] == [
        ("changed", "本年度共收到政府信息公开申请30件。", "本年度共收到政府信息公开申请45件。"),
        ("removed", "全年主动公开政府信息1200条。", None),
        ("same", "我们进一步加强了政策解读工作。", "我们进一步加强了政策解读工作。"),
        ("added", None, "新增开设了政务公开专区一处。"),
    ]
    changed = pairs[0]
    assert changed.similarity == 0.9 >= CHANGED_MIN
    edits = [e for e in changed.edits if e.op != "equal"]
    assert [(e.op, OLD[slice(*e.old)], NEW[slice(*e.new)]) for e in edits] == [("replace", "30", "45")]


def test_word_edits_carry_offsets_of_the_canonical_text():
    old = Span(100, 118, "本年度共收到政府信息公开申请30件。")
    new = Span(200, 218, "本年度共收到政府信息公开申请45件。")
    (pair,) = align_sentences([old], [new])
    replace = next(e for e in pair.edits if e.op == "replace")
    assert replace.old == (114, 116) and replace.new == (214, 216)


def test_a_rewritten_sentence_is_removed_and_added():
    pairs = _align("本年度未收到政府信息公开申请。", "全年办理人大代表建议十二件。")
    assert [p.status for p in pairs] == ["removed", "added"]


def test_a_moved_sentence_is_the_same():
    a, b = "全年主动公开政府信息1200条。", "我们进一步加强了政策解读工作。"
    pairs = _align(a + b, b + a)
    assert sorted(p.status for p in pairs) == ["same", "same"]
    assert {p.new.text for p in pairs} == {a, b}
