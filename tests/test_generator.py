"""Self-checks of the synthetic report generator (tests/generator); no product code involved."""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.generator import (  # noqa: E402
    DAMAGE,
    INCONSISTENCIES,
    LAYOUTS,
    column_keys,
    generate_collection,
    generate_report,
    generate_year_pair,
    row_keys,
    table_keys,
    violations,
)
from tests.generator.core import APP_COLS, APP_EXTRA_COL, APP_TOTAL_COL, NUMBER_RE  # noqa: E402

ALL_DAMAGE = frozenset(DAMAGE)
SCHEMA = {t["key"]: t for t in json.loads((ROOT / "reportqa/schema/tables.json").read_text("utf-8"))["tables"]}


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def tokens(s: str) -> list[str]:
    return [nfkc(t) for t in NUMBER_RE.findall(s)]


def row_cols(r, table, row):
    if table == "applications":
        cols = list(APP_COLS)
        if (table, row, APP_EXTRA_COL) in r.cells:
            cols.append(APP_EXTRA_COL)
        return cols + [APP_TOTAL_COL]
    return column_keys(table, r.format_version)


def check_values_near_labels(r):
    """Every row label is found in order after section 二's heading, and the number tokens between
    it and the next label are exactly that row's written cells (blank cells write nothing)."""
    text, fmt = r.text, r.format_version
    pos = text.index(r.sections["二"])
    spans = []
    for t in table_keys(fmt):
        if t == "review_litigation":
            continue
        for row in row_keys(t, fmt):
            label = r.labels[(t, row)]
            i = text.index(label, pos)
            spans.append(((t, row), i + len(label)))
            pos = i + len(label)
    sec4 = text.index("\n" + r.sections["四"], pos)
    for n, ((t, row), start) in enumerate(spans):
        stop = text.index(r.labels[spans[n + 1][0]], start) if n + 1 < len(spans) else sec4
        written = [r.cell_text[(t, row, c)] for c in row_cols(r, t, row)]
        expected = [nfkc(w) for w in written if w.strip()]
        assert tokens(text[start:stop]) == expected, (t, row, text[start:stop])
    sec5 = text.index("\n" + r.sections["五"], sec4 + 1)
    written = [r.cell_text[("review_litigation", "复议诉讼", c)] for c in column_keys("review_litigation", fmt)]
    assert tokens(text[sec4 + 1 + len(r.sections["四"]):sec5]) == [nfkc(w) for w in written if w.strip()]
    # and each written cell means its truth value
    for key, value in r.cells.items():
        w = nfkc(r.cell_text[key])
        if value is None:
            assert w in ("", "/")
        else:
            assert Decimal(w) == value, key


def check_narrative(r):
    for phrase, value, unit in r.narrative_numbers:
        assert phrase and phrase in r.text
        pat = re.escape(phrase) + r"\s*" + re.escape(format(value, "f")) + r"\s*" + re.escape(unit)
        assert re.search(pat, r.text), (phrase, value, unit)


# ----------------------------------------------------------------------------------------------


def test_deterministic():
    kw = dict(layout="merged", damage=frozenset({"kangxi", "slash_blanks", "stray_spaces"}),
              inconsistent=frozenset({"applications.balance"}))
    a, b = generate_report(11, **kw), generate_report(11, **kw)
    assert a == b
    assert generate_report(12, **kw).text != a.text
    # content depends on the seed only, not on layout
    t, p = generate_report(11, layout="tab"), generate_report(11, layout="pipe")
    assert t.cells == p.cells and t.body == p.body and t.narrative_numbers == p.narrative_numbers
    assert [x.text for x in generate_collection(4, seed=3)] == [x.text for x in generate_collection(4, seed=3)]


def test_keys_are_schema_keys():
    for fmt in ("2021", "2019"):
        for layout in ("tab", "merged"):
            r = generate_report(2, format_version=fmt, layout=layout)
            for t, row, col in r.cells:
                assert row in {x["key"] for x in SCHEMA[t]["rows"]}
                assert col in {c["key"] for c in SCHEMA[t]["columns"][fmt]}
            rows = {row for t, row, _ in r.cells if t == "applications"}
            if fmt == "2021":
                assert "其他处理.其他" in rows and "其他处理" not in rows
            else:
                assert "其他处理" in rows and "其他处理.其他" not in rows
            assert ("20.9" in {t for t, _, _ in r.cells}) == (fmt == "2019")
            extra = {row for t, row, c in r.cells if c == APP_EXTRA_COL}
            assert extra == ({"本年新收", "上年结转"} if layout == "merged" else set())


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_values_near_labels_clean(layout, fmt):
    for seed in range(3):
        check_values_near_labels(generate_report(seed, format_version=fmt, layout=layout))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_damage_combination(layout):
    for fmt in ("2021", "2019"):
        for i, d in enumerate([frozenset()] + [frozenset({x}) for x in DAMAGE] + [ALL_DAMAGE]):
            r = generate_report(100 + i, format_version=fmt, layout=layout, damage=d)
            assert len(r.text) > 1500
            for heading in r.sections.values():
                assert heading in r.text
            check_values_near_labels(r)
            check_narrative(r)
            assert violations(r) == []


def test_consistency_rules_hold_unless_planted():
    for seed in range(40):
        for fmt in ("2021", "2019"):
            r = generate_report(seed, format_version=fmt, layout=LAYOUTS[seed % len(LAYOUTS)],
                                damage=frozenset({"slash_blanks"}) if seed % 2 else frozenset())
            assert r.planted == [] and violations(r) == [], (seed, fmt)
    for seed in range(10):
        for name in INCONSISTENCIES:
            r = generate_report(seed, layout="merged" if seed % 2 else "tab", inconsistent=frozenset({name}))
            assert r.planted == [name] and violations(r) == [name], (seed, name)
        r = generate_report(seed, format_version="2019", inconsistent=frozenset(INCONSISTENCIES))
        assert sorted(r.planted) == violations(r) == sorted(INCONSISTENCIES)


def test_narrative_sentence_matches_table():
    for seed in range(20):
        r = generate_report(seed)
        n = r.cells[("applications", "本年新收", "总计")]
        if n:
            m = r.cells[("applications", "予以公开", "总计")] or 0
            assert f"共受理依申请公开政府信息{n}件，其中予以公开{m}件" in r.text
        check_narrative(r)
        assert len(r.topics) >= 2 and all(t in r.text for t in r.topics)


def test_damage_is_visible():
    r = generate_report(5, layout="tab", damage=ALL_DAMAGE)
    body = r.text
    assert re.search("[０-９]", body)
    assert any(v is None for v in r.cells.values())
    assert re.search("[\u2f00\u2f08\u2f12\u2f2f\u2fbc]", body)
    assert "(" in body or ")" in body
    assert r.body not in body and r.place not in body
    assert "\n申\n请\n" in nfkc(body)
    assert any(" " in lab for lab in r.labels.values())
    assert any("（含" in nfkc(lab).replace("(", "（") for lab in r.labels.values())
    first = next(line for line in body.splitlines() if line.strip())
    assert "政府信息公开" in nfkc(first) and str(r.year) in first


def test_merged_layout_like_sample():
    r = generate_report(8, layout="merged")
    lines = r.text.splitlines()
    new = next(line for line in lines if line.startswith(r.labels[("applications", "本年新收")]))
    assert len(tokens(new)) == 8
    res = next(line for line in lines if r.labels[("applications", "予以公开")] in line)
    assert len(tokens(res.split(r.labels[("applications", "予以公开")])[1])) == 7
    assert "\t其他\t\t\n" in r.text  # the extra top-level 其他 applicant column


def test_markdown_separator():
    r = generate_report(4, layout="markdown")
    assert "|---|---|" in r.text
    assert "第二十条第" in r.text


def test_write_encodings(tmp_path):
    r = generate_report(9, damage=frozenset({"kangxi", "fullwidth_digits", "no_body_in_text"}))
    for enc in ("utf-8", "utf-8-sig", "gb18030"):
        p = r.write(tmp_path / f"{r.body}-{enc}.txt", encoding=enc)
        assert p.read_bytes().decode(enc) == r.text
    p = r.write(tmp_path)  # a directory: suggested file name carrying the body
    assert r.body in p.name and p.read_text("utf-8") == r.text


def test_collection():
    reps = generate_collection(14, seed=1)
    assert len(reps) == 14
    assert len({(r.body, r.year) for r in reps}) == 14
    assert {r.format_version for r in reps} == {"2021", "2019"}
    assert len({r.layout for r in reps}) == len(LAYOUTS)
    first_topics = [nfkc(r.topics[0]) for r in reps]
    assert len(set(first_topics)) == len(first_topics)
    for r in reps:
        assert violations(r) == sorted(r.planted)
        check_narrative(r)


def test_year_pair():
    prev, cur, truth = generate_year_pair(3, "江宁县自然资源局")
    assert prev.body == cur.body == "江宁县自然资源局" and prev.place == "江宁县"
    assert (prev.year, cur.year) == (truth.prev_year, truth.year) and cur.year == prev.year + 1
    for col in APP_COLS + (APP_TOTAL_COL,):
        assert prev.cells[("applications", "结转下年度", col)] == cur.cells[("applications", "上年结转", col)]
    for row in ("规章", "规范性文件"):
        c = lambda r, col: r.cells[("20.1", row, col)]  # noqa: E731
        assert c(prev, "现行有效件数") + c(cur, "本年制发件数") - c(cur, "本年废止件数") == c(cur, "现行有效件数")
    assert truth.reused and truth.changed and truth.added and truth.removed
    for s in truth.reused:
        assert s in prev.text and s in cur.text
    for a, b in truth.changed:
        assert a != b and a in prev.text and b in cur.text and a not in cur.text
    assert all(s in cur.text and s not in prev.text for s in truth.added)
    assert all(s in prev.text and s not in cur.text for s in truth.removed)
    assert prev.cells != cur.cells
    assert violations(prev) == [] and violations(cur) == []
