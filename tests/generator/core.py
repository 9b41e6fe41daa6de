"""Deterministic generator of synthetic 政府信息公开工作年度报告 texts with exact truth.

Everything is derived from ``random.Random`` seeded by the caller's seed, so a report is a pure
function of its arguments.  The content (values, narrative) depends only on ``seed``,
``format_version``, ``body`` and ``year``; the layout, the damage and the planted inconsistencies
change how the same content is written (and, for planted rules, the values that break them).

The only project file read is ``reportqa/schema/tables.json`` (for the canonical keys).
"""
from __future__ import annotations

import functools
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from . import pools

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "reportqa" / "schema" / "tables.json"

LAYOUTS = ("tab", "pipe", "cell_per_line", "cell_per_line_pipe", "blank_line", "merged", "markdown")
DAMAGE = ("fullwidth_digits", "slash_blanks", "label_explanations", "mixed_brackets", "kangxi",
          "heading_variants", "stray_spaces", "split_header_chars", "no_body_in_text")
INCONSISTENCIES = ("applications.balance", "applications.row_total", "applications.group_total",
                   "review_litigation.total", "narrative_vs_table")
FORMATS = ("2021", "2019")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

APP_COLS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织")
APP_EXTRA_COL = "其他申请人"
APP_TOTAL_COL = "总计"
REVIEW_GROUPS = ("行政复议", "行政诉讼.未经复议直接起诉", "行政诉讼.复议后起诉")
REVIEW_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
APPS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
# a number, or a "/" standing alone as a cell (not the one in 本年增/减)
NUMBER_RE = re.compile(r"[-－]?[0-9０-９]+(?:[.．][0-9０-９]+)?|(?<![^\s|])/(?![^\s|])")

D = Decimal


# --------------------------------------------------------------------------- schema


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return {t["key"]: t for t in data["tables"]}


def table_keys(fmt: str) -> list[str]:
    """Tables present in a report of this format, in order of appearance."""
    sec2 = ["20.1", "20.5", "20.6", "20.8"] + (["20.9"] if fmt == "2019" else [])
    return sec2 + ["applications", "review_litigation"]


def row_keys(table: str, fmt: str) -> list[str]:
    rows = [r["key"] for r in _schema()[table]["rows"] if not r.get("optional")]  # rows only some provinces add
    if table == "20.5" and fmt == "2021":
        rows = ["行政许可"]
    if table == "applications":
        groups = _schema()[table].get("row_groups", {})
        rows = [r for r in rows if r not in groups or r == "其他处理"]  # no subtotal rows
        if fmt == "2021":
            rows = [r for r in rows if r != "其他处理"]
        else:
            rows = [r for r in rows if not r.startswith("其他处理.")]
    return rows


def column_keys(table: str, fmt: str, *, optional: bool = False) -> list[str]:
    cols = _schema()[table]["columns"][fmt]
    return [c["key"] for c in cols if optional or not c.get("optional")]


def _label(table: str, row: str) -> str:
    for r in _schema()[table]["rows"]:
        if r["key"] == row:
            return r["label"]
    raise KeyError((table, row))


def _col_label(table: str, fmt: str, col: str) -> str:
    for c in _schema()[table]["columns"][fmt]:
        if c["key"] == col:
            return c["label"]
    raise KeyError((table, col))


def leaf_rows(fmt: str) -> list[str]:
    """Rows of section 三 whose sum is （七）总计."""
    skip = {"本年新收", "上年结转", "办理结果总计", "结转下年度"}
    return [r for r in row_keys("applications", fmt) if r not in skip]


# --------------------------------------------------------------------------- results


@dataclass
class GeneratedReport:
    text: str
    body: str
    place: str
    year: int
    published: str
    format_version: str
    layout: str
    cells: dict[tuple[str, str, str], Decimal | None]
    narrative_numbers: list[tuple[str, Decimal, str]]
    planted: list[str]
    sections: dict[str, str]
    # extras (not needed by most tests)
    seed: int = 0
    damage: frozenset[str] = frozenset()
    labels: dict[tuple[str, str], str] = field(default_factory=dict)      # row label as written
    cell_text: dict[tuple[str, str, str], str] = field(default_factory=dict)  # cell as written
    topics: list[str] = field(default_factory=list)      # distinctive topical sentences, as written
    sentences: dict[str, str] = field(default_factory=dict)  # sentence key -> sentence as written

    def suggested_filename(self, suffix: str = ".txt") -> str:
        """A file name carrying body and year; use it (or any name containing ``body``) for
        reports generated with ``no_body_in_text``, whose text does not name the body."""
        return f"{self.body}{self.year}年政府信息公开工作年度报告{suffix}"

    def write(self, path: Path | str, encoding: str = "utf-8") -> Path:
        """Write the text.  ``path`` may be a directory: then ``suggested_filename()`` is used."""
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}")
        path = Path(path)
        if path.is_dir():
            path = path / self.suggested_filename()
        path.write_bytes(self.text.encode(encoding))
        return path


@dataclass
class PairTruth:
    body: str
    prev_year: int
    year: int
    reused: list[str]                   # sentences copied unchanged (verbatim in both texts)
    changed: list[tuple[str, str]]      # (sentence last year, edited sentence this year)
    added: list[str]                    # only this year
    removed: list[str]                  # only last year
    carried: dict[str, Decimal]         # applicant column -> 结转下年度(Y-1) == 上年结转(Y)
    in_force: dict[str, Decimal]        # 20.1 row -> 现行有效件数(Y-1)


# --------------------------------------------------------------------------- plan


@dataclass
class _Sentence:
    key: str
    template: str
    nums: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    tie: dict[str, tuple[tuple[str, str, str], str]] = field(default_factory=dict)
    topic: bool = False


@dataclass
class _Plan:
    seed: int
    fmt: str
    body: str
    place: str
    suffix: str
    kind: str
    me: str
    year: int
    published: date
    values: dict[tuple[str, str, str], Decimal]
    paragraphs: dict[str, list[_Sentence]]
    style: dict
    topic_keys: list[str]


def _mag(rng: random.Random, hi: int, p_zero: float = 0.2) -> int:
    if hi <= 0 or rng.random() < p_zero:
        return 0
    return int(10 ** rng.uniform(0, math.log10(hi)))


def _money(rng: random.Random, hi: int, p_zero: float = 0.3) -> Decimal:
    if rng.random() < p_zero:
        return D(0)
    whole = _mag(rng, hi, 0.0)
    places = rng.choice([0, 1, 2, 3, 3, 4])
    if places == 0:
        return D(max(whole, 1))
    frac = "".join(str(rng.randint(0, 9)) for _ in range(places - 1)) + str(rng.randint(1, 9))
    return D(f"{whole}.{frac}")


def _invent_place(rng: random.Random, suffix: str | None = None) -> tuple[str, str]:
    if suffix is None:
        names, weights = zip(*pools.PLACE_SUFFIX_WEIGHTS)
        suffix = rng.choices(names, weights)[0]
    a = rng.choice(pools.SYL1)
    b = rng.choice([c for c in pools.SYL2 if c != a])
    name = a + b
    if rng.random() < 0.12:
        name += rng.choice(pools.SYL2)
    return name + suffix, suffix


def _split_body(body: str) -> tuple[str, str, str, str]:
    """body -> (place, suffix, self reference, kind)."""
    m = re.match(r"^(.+?[市县区镇乡])", body)
    if not m:
        return body, "市", "本机关", "dept"
    place = m.group(1)
    suffix = place[-1]
    rest = body[len(place):]
    for typ, me, kind in pools.BODY_TYPES.get(suffix, []):
        if typ == rest:
            return place, suffix, me, kind
    if rest.endswith("局"):
        return place, suffix, "我局", "dept"
    if rest.endswith("委员会") or rest.endswith("委"):
        return place, suffix, "我委", "dept"
    if rest.endswith("办公室"):
        return place, suffix, "我办", "office"
    if rest in ("", "人民政府"):
        return place, suffix, "我" + suffix, "gov" if suffix in "市县区" else "town"
    return place, suffix, "本机关", "dept"


def _gen_values(rng: random.Random, fmt: str, kind: str, suffix: str,
                carry_in: dict[str, Decimal] | None = None,
                prev_in_force: dict[str, Decimal] | None = None) -> dict:
    v: dict[tuple[str, str, str], Decimal] = {}
    city_gov = kind == "gov" and suffix == "市"
    scale = {"gov": 60, "office": 25, "dept": 30, "town": 4}[kind]
    if city_gov:
        scale = 150
    # ---- section 二
    if fmt == "2021":
        for row, (new_hi, prev_lo, prev_hi, ab_hi) in {
            "规章": (2 if city_gov else 0, 0, 30 if city_gov else 0, 2 if city_gov else 0),
            "规范性文件": ({"gov": 15, "office": 10, "dept": 6, "town": 2}[kind], 0,
                          {"gov": 120, "office": 60, "dept": 40, "town": 8}[kind], 8),
        }.items():
            new = rng.randint(0, new_hi) if rng.random() < 0.7 else 0
            prev = int(prev_in_force[row]) if prev_in_force else rng.randint(prev_lo, prev_hi)
            abolished = rng.randint(0, min(ab_hi, prev)) if rng.random() < 0.5 else 0
            v[("20.1", row, "本年制发件数")] = D(new)
            v[("20.1", row, "本年废止件数")] = D(abolished)
            v[("20.1", row, "现行有效件数")] = D(prev + new - abolished)
        lic_hi = {"gov": 60000, "office": 300, "dept": 20000, "town": 400}[kind]
        v[("20.5", "行政许可", "本年处理决定数量")] = D(_mag(rng, lic_hi))
        pun_hi = {"gov": 3000, "office": 20, "dept": 2000, "town": 200}[kind]
        v[("20.6", "行政处罚", "本年处理决定数量")] = D(_mag(rng, pun_hi, 0.3))
        v[("20.6", "行政强制", "本年处理决定数量")] = D(_mag(rng, pun_hi // 20, 0.6))
        v[("20.8", "行政事业性收费", "本年收费金额")] = _money(rng, {"gov": 6000, "dept": 3000}.get(kind, 50))
    else:
        for row, hi in (("规章", 2 if city_gov else 0), ("规范性文件", 12)):
            new = rng.randint(0, hi) if rng.random() < 0.7 else 0
            pub = new - (rng.randint(0, new) if rng.random() < 0.2 else 0)
            v[("20.1", row, "本年新制作数量")] = D(new)
            v[("20.1", row, "本年新公开数量")] = D(pub)
            v[("20.1", row, "对外公开总数量")] = D(pub + (rng.randint(0, 150) if hi else 0))
        for table, rows, dec_hi in (("20.5", ("行政许可", "其他对外管理服务事项"), 50000),
                                    ("20.6", ("行政处罚", "行政强制"), 3000)):
            for row in rows:
                prev = _mag(rng, 400, 0.3)
                delta = rng.choice([0, 0, 0, rng.randint(-min(prev, 10), 10)])
                v[(table, row, "上一年项目数量")] = D(prev)
                v[(table, row, "本年增减")] = D(delta)
                v[(table, row, "处理决定数量")] = D(_mag(rng, dec_hi if row != "行政强制" else 60, 0.3))
        prev = rng.randint(0, 30)
        v[("20.8", "行政事业性收费", "上一年项目数量")] = D(prev)
        v[("20.8", "行政事业性收费", "本年增减")] = D(rng.choice([0, 0, rng.randint(-min(prev, 3), 3)]))
        n_proc = rng.randint(0, 80) if rng.random() < 0.7 else 0
        v[("20.9", "政府集中采购", "采购项目数量")] = D(n_proc)
        v[("20.9", "政府集中采购", "采购总金额")] = _money(rng, 9000, 0.0) if n_proc else D(0)

    # ---- section 三
    leaves = leaf_rows(fmt)
    base_w = {
        "予以公开": 45, "部分公开": 8, "无法提供.本机关不掌握相关政府信息": 18,
        "无法提供.没有现成信息需要另行制作": 3, "无法提供.补正后申请内容仍不明确": 2,
        "不予处理.信访举报投诉类申请": 3, "不予处理.重复申请": 2, "不予公开.其他法律行政法规禁止公开": 2,
        "不予公开.属于行政查询事项": 2, "不予公开.属于三类内部事务信息": 1.5,
        "不予公开.属于四类过程性信息": 1.5, "不予公开.保护第三方合法权益": 1.5,
        "其他处理.逾期不补正": 3, "其他处理.其他": 3, "其他处理": 6,
    }
    weights = [base_w.get(r, 0.5) * rng.uniform(0.2, 1.8) for r in leaves]
    p_col = {"自然人": 1.0, "商业企业": 0.35, "科研机构": 0.04, "社会公益组织": 0.08,
             "法律服务机构": 0.2, "其他组织": 0.12}
    for col in APP_COLS:
        if col == "自然人":
            new = _mag(rng, scale, 0.15)
        else:
            new = rng.randint(1, max(1, scale // 15)) if rng.random() < p_col[col] else 0
        if carry_in is not None:
            carry = int(carry_in.get(col, 0))
        else:
            carry = rng.choice([0, 0, 0, 1, 2]) if col == "自然人" and new else 0
        n = new + carry
        out = min(n, rng.choice([0, 0, 0, 1, 2])) if n and col in ("自然人", "商业企业") else 0
        counts = {r: 0 for r in leaves}
        for r in rng.choices(leaves, weights, k=n - out):
            counts[r] += 1
        v[("applications", "本年新收", col)] = D(new)
        v[("applications", "上年结转", col)] = D(carry)
        for r in leaves:
            v[("applications", r, col)] = D(counts[r])
        v[("applications", "办理结果总计", col)] = D(n - out)
        v[("applications", "结转下年度", col)] = D(out)
    for row in row_keys("applications", fmt):
        v[("applications", row, APP_TOTAL_COL)] = sum((v[("applications", row, c)] for c in APP_COLS), D(0))

    # ---- section 四
    for grp, p in zip(REVIEW_GROUPS, (0.35, 0.15, 0.12)):
        total = rng.randint(1, 4) if rng.random() < p else 0
        parts = dict.fromkeys(REVIEW_PARTS, 0)
        for part in rng.choices(REVIEW_PARTS, (5, 2, 1, 2), k=total):
            parts[part] += 1
        for part in REVIEW_PARTS:
            v[("review_litigation", "复议诉讼", f"{grp}.{part}")] = D(parts[part])
        v[("review_litigation", "复议诉讼", f"{grp}.总计")] = D(total)
    return v


def _num_sentence(rng: random.Random, key: str, template: str, spec: dict, topic=False) -> _Sentence:
    nums = {}
    for name, (lo, hi, unit) in spec.items():
        nums[name] = (D(rng.randint(lo, hi)), unit)
    return _Sentence(key, template, nums, topic=topic)


def _pick_topics(rng: random.Random, k: int, avoid: set[str] | None = None) -> list[tuple]:
    fresh = [t for t in pools.TOPICS if not avoid or t[0] not in avoid]
    stale = [t for t in pools.TOPICS if avoid and t[0] in avoid]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return (fresh + stale)[:k]


def _topic_sentence(rng: random.Random, topic: tuple) -> _Sentence:
    key, _para, template, spec = topic
    return _num_sentence(rng, f"topic.{key}", template, spec, topic=True)


def _make_paragraphs(rng: random.Random, fmt: str, values: dict, topics: list[tuple]) -> dict:
    P: dict[str, list[_Sentence]] = {k: [] for k in ("一.0", "一.1", "一.2", "一.3", "一.4", "一.5", "五", "六")}
    i = rng.randrange(len(pools.OPENING))
    P["一.0"].append(_Sentence(f"opening.{i}", pools.OPENING[i]))
    if rng.random() < 0.6:
        i = rng.randrange(len(pools.OPENING_EXTRA))
        P["一.0"].append(_Sentence(f"opening_extra.{i}", pools.OPENING_EXTRA[i]))

    def generic(par: str, k: int):
        idx = rng.sample(range(len(pools.GENERIC[par])), k)
        for i in idx:
            P[par].append(_Sentence(f"generic.{par}.{i}", pools.GENERIC[par][i]))

    def numeric(par: str, pool: list, k: int):
        for key, tmpl, spec in rng.sample(pool, k):
            P[par].append(_num_sentence(rng, f"num.{key}", tmpl + "。", spec))

    # 一.1 主动公开
    if rng.random() < 0.6:
        generic("一.1", 1)
    numeric("一.1", pools.ACTIVE, rng.randint(2, 4))
    if fmt == "2021":
        P["一.1"].append(_Sentence("tied.regdocs", "发布行政规范性文件{n}。",
                                   tie={"n": (("20.1", "规范性文件", "本年制发件数"), "件")}))
    else:
        P["一.1"].append(_Sentence("tied.regdocs", "本年新制作规范性文件{n}。",
                                   tie={"n": (("20.1", "规范性文件", "本年新制作数量"), "件")}))
    # 一.2 依申请公开: the tied application sentence is rendered from the table
    P["一.2"].append(_Sentence("tied.apps", ""))
    generic("一.2", rng.randint(1, 2))
    # 一.3 管理
    if fmt == "2021":
        P["一.3"].append(_Sentence(
            "tied.inforce", "为方便企业、群众获取政府权威信息，现行有效{n}行政规范性文件均在门户网站政策文件专栏集中公开。",
            tie={"n": (("20.1", "规范性文件", "现行有效件数"), "个")}))
        if values[("20.1", "规范性文件", "本年废止件数")] > 0:
            P["一.3"].append(_Sentence("tied.abolished", "开展规范性文件清理工作，废止行政规范性文件{n}。",
                                       tie={"n": (("20.1", "规范性文件", "本年废止件数"), "件")}))
    else:
        P["一.3"].append(_Sentence("tied.inforce", "截至年底，对外公开规范性文件总数达{n}。",
                                   tie={"n": (("20.1", "规范性文件", "对外公开总数量"), "件")}))
    generic("一.3", rng.randint(1, 2))
    if rng.random() < 0.4:
        numeric("一.3", pools.MANAGE_NUM, 1)
    # 一.4 平台
    numeric("一.4", pools.PLATFORM_NUM, rng.randint(1, 2))
    generic("一.4", rng.randint(1, 2))
    # 一.5 监督保障
    numeric("一.5", pools.SUPERVISE_NUM, rng.randint(1, 2))
    generic("一.5", rng.randint(1, 2))
    # topics, each in its preferred paragraph
    for t in topics:
        par = P[t[1]]
        par.insert(rng.randint(0, len(par)), _topic_sentence(rng, t))
    # 五
    i = rng.randrange(len(pools.PROBLEMS))
    P["五"].append(_Sentence(f"problem.{i}", pools.PROBLEMS[i]))
    for i in rng.sample(range(len(pools.IMPROVEMENTS)), rng.randint(1, 3)):
        P["五"].append(_Sentence(f"improve.{i}", pools.IMPROVEMENTS[i]))
    # 六
    if fmt == "2021" and rng.random() < 0.3:
        P["六"].append(_Sentence("fee", pools.FEE_SENTENCE, {"n": (D(rng.randint(1, 80) * 10), "元")}))
    else:
        i = rng.randrange(len(pools.OTHER_MATTERS))
        P["六"].append(_Sentence(f"other.{i}", pools.OTHER_MATTERS[i]))
    return P


def _make_style(rng: random.Random) -> dict:
    return {
        "numsp": rng.choice(["", " ", " "]),
        "title": rng.randrange(len(pools.TITLE_FORMS)),
        "date": rng.choices(range(len(pools.DATE_FORMS)), (5, 4, 1))[0],
        "intro_tail": rng.randrange(len(pools.INTRO_TAIL)),
        "headings": {k: rng.randrange(len(v)) for k, v in pools.HEADINGS.items()},
        "heading_variants": {k: rng.randrange(len(v)) for k, v in pools.HEADING_VARIANTS.items()},
        "sub": {k: rng.randrange(len(v)) for k, v in pools.SUBHEADINGS.items()},
        "numsep": rng.choice(["1. ", "1.", "1．"]),
        "parsep": rng.choices(["\n\n", "\n"], (3, 1))[0],
        "lead_blank": rng.random() < 0.5,
        "fee_sep": rng.random() < 0.5,
    }


def _make_plan(seed: int, fmt: str, body: str | None, year: int | None,
               avoid_topics: set[str] | None = None) -> _Plan:
    if fmt not in FORMATS:
        raise ValueError(f"format_version must be one of {FORMATS}")
    rng = random.Random(seed)
    if body is None:
        place, suffix = _invent_place(rng)
        typ, _me, _kind = rng.choice(pools.BODY_TYPES[suffix])
        body = place + typ
    else:
        rng.random()
    place, suffix, me, kind = _split_body(body)
    if year is None:
        year = rng.choice([2021, 2022, 2023, 2023, 2024]) if fmt == "2021" else rng.choice([2019, 2020])
    month = rng.choices([1, 2, 3], (8, 1, 1))[0]
    day = rng.randint(5, 31) if month == 1 else rng.randint(1, 28)
    published = date(year + 1, month, day)
    values = _gen_values(rng, fmt, kind, suffix)
    topics = _pick_topics(rng, rng.randint(2, 3), avoid_topics)
    paragraphs = _make_paragraphs(rng, fmt, values, topics)
    style = _make_style(rng)
    return _Plan(seed, fmt, body, place, suffix, kind, me, year, published, values, paragraphs, style,
                 [t[0] for t in topics])


# --------------------------------------------------------------------------- damage helpers

_FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class _Damager:
    def __init__(self, rng: random.Random, damage: frozenset[str]):
        self.rng = rng
        self.damage = damage
        self.kangxi = {}
        if "kangxi" in damage:
            chars = list(pools.KANGXI)
            rng.shuffle(chars)
            self.kangxi = {c: pools.KANGXI[c] for c in chars[: rng.randint(2, len(chars))]}
        self.blank_style = rng.choice(["/", "", "mixed"])
        self.fw_dot = rng.choice([".", "．"])
        self.fw_all = rng.random() < 0.3

    def k(self, s: str) -> str:
        """Kangxi substitution (applied to the whole text at the end and to recorded strings)."""
        for a, b in self.kangxi.items():
            s = s.replace(a, b)
        return s

    def brackets(self, s: str, p: float = 0.5) -> str:
        if "mixed_brackets" not in self.damage or self.rng.random() >= p:
            return s
        out = []
        for ch in s:
            if ch in "（）" and self.rng.random() < 0.6:
                ch = "(" if ch == "（" else ")"
            out.append(ch)
        return "".join(out)

    def spaces(self, s: str, p: float = 0.35) -> str:
        if "stray_spaces" not in self.damage or self.rng.random() >= p:
            return s
        spots = [i for i in range(1, len(s)) if _CJK.match(s[i - 1]) and _CJK.match(s[i])]
        if not spots:
            return s
        i = self.rng.choice(spots)
        return s[:i] + " " + s[i:]

    def label(self, table: str, row: str, s: str) -> str:
        if "label_explanations" in self.damage and (table, row) in pools.EXPLANATIONS and self.rng.random() < 0.75:
            s = s + pools.EXPLANATIONS[(table, row)]
        return self.spaces(self.brackets(s))

    def cell(self, value: Decimal) -> tuple[str, bool]:
        """-> (text, blank?)"""
        if value == 0 and "slash_blanks" in self.damage and self.rng.random() < 0.45:
            style = self.blank_style if self.blank_style != "mixed" else self.rng.choice(["/", ""])
            return style, True
        s = _fmt(value)
        if "fullwidth_digits" in self.damage and (self.fw_all or self.rng.random() < 0.5):
            s = s.translate(_FW).replace(".", self.fw_dot)
        return s, False


def _fmt(v: Decimal) -> str:
    return format(v, "f")


# --------------------------------------------------------------------------- planting


def _plant(cells: dict, names: frozenset[str], rng: random.Random, fmt: str) -> list[str]:
    A = "applications"
    planted = []
    if "applications.balance" in names:
        col = rng.choice(["自然人", "商业企业"])
        cells[(A, "结转下年度", col)] += 1
        cells[(A, "结转下年度", APP_TOTAL_COL)] += 1
        planted.append("applications.balance")
    if "applications.row_total" in names:
        cells[(A, "本年新收", APP_TOTAL_COL)] += 1
        cells[(A, "结转下年度", APP_TOTAL_COL)] += 1
        planted.append("applications.row_total")
    if "applications.group_total" in names:
        row = rng.choice(leaf_rows(fmt))
        col = rng.choice(APP_COLS[:2])
        cells[(A, row, col)] += 1
        cells[(A, row, APP_TOTAL_COL)] += 1
        planted.append("applications.group_total")
    if "review_litigation.total" in names:
        grp = rng.choice(REVIEW_GROUPS)
        cells[("review_litigation", "复议诉讼", f"{grp}.总计")] += rng.choice([1, 2])
        planted.append("review_litigation.total")
    if "narrative_vs_table" in names:
        planted.append("narrative_vs_table")
    return planted


def violations(report: GeneratedReport) -> list[str]:
    """Consistency rules the report's truth (cells + narrative numbers) breaks; None counts as 0."""
    c = report.cells
    fmt = report.format_version
    A = "applications"

    def g(r, col):
        return c.get((A, r, col)) or D(0)

    out = set()
    cols = list(APP_COLS) + [APP_TOTAL_COL]
    for col in cols:
        if g("本年新收", col) + g("上年结转", col) != g("办理结果总计", col) + g("结转下年度", col):
            out.add("applications.balance")
        if sum((g(r, col) for r in leaf_rows(fmt)), D(0)) != g("办理结果总计", col):
            out.add("applications.group_total")
    for row in row_keys(A, fmt):
        extra = c.get((A, row, APP_EXTRA_COL)) or D(0)
        if sum((g(row, col) for col in APP_COLS), D(0)) + extra != g(row, APP_TOTAL_COL):
            out.add("applications.row_total")
    for grp in REVIEW_GROUPS:
        parts = sum((c.get(("review_litigation", "复议诉讼", f"{grp}.{p}")) or D(0) for p in REVIEW_PARTS), D(0))
        if parts != (c.get(("review_litigation", "复议诉讼", f"{grp}.总计")) or D(0)):
            out.add("review_litigation.total")
    for phrase, value, _unit in report.narrative_numbers:
        if phrase.endswith("共受理依申请公开政府信息") and value != g("本年新收", APP_TOTAL_COL):
            out.add("narrative_vs_table")
    return sorted(out)


# --------------------------------------------------------------------------- rendering


_STOP = "，。；："


def _ctx(plan: _Plan, no_body: bool) -> dict:
    gov_like = plan.kind in ("gov", "town")
    scope = {"gov": f"全{plan.suffix}各部门", "town": f"全{plan.suffix}各站所", "office": "办机关各科室",
             "dept": f"{plan.me[-1]}机关各科室"}[plan.kind]
    return {
        "year": str(plan.year), "next": str(plan.year + 1),
        "body": "本机关" if no_body else plan.body,
        "place": ("我" + plan.suffix) if no_body else plan.place,
        "me": plan.me if not (no_body and gov_like and plan.me == plan.body) else "本机关",
        "scope": scope,
        "short": "政务" if no_body else plan.place[:-1],
        "party": "党的二十大精神" if plan.year >= 2022 else "党的十九大和十九届历次全会精神",
    }


def _render_sentence(s: _Sentence, ctx: dict, sep: str, values: dict) -> tuple[str, list]:
    out = ""
    nums = []
    for part in re.split(r"(\{\w+\})", s.template):
        m = re.fullmatch(r"\{(\w+)\}", part)
        if not m:
            out += part
            continue
        name = m.group(1)
        if name in s.nums or name in s.tie:
            if name in s.nums:
                value, unit = s.nums[name]
            else:
                key, unit = s.tie[name]
                value = values[key]
            cut = max(out.rfind(ch) for ch in _STOP) + 1
            phrase = out[cut:]
            nums.append((phrase, value, unit))
            out += f"{sep}{_fmt(value)}{sep}{unit}"
        else:
            out += ctx[name]
    return out, nums


def _apps_sentence(cells: dict, ctx: dict, fmt: str, delta: int) -> tuple[str, list]:
    A = "applications"

    def g(r):
        return cells.get((A, r, APP_TOTAL_COL)) or D(0)

    n = g("本年新收") + delta
    if n == 0:
        return "本年度未收到政府信息公开申请。", []
    m = g("予以公开")
    s = f"{ctx['year']}年，{ctx['me']}共受理依申请公开政府信息{_fmt(n)}件，其中予以公开{_fmt(m)}件"
    names = {"部分公开": "部分公开", "无法提供.本机关不掌握相关政府信息": "本机关不掌握相关政府信息",
             "不予处理.信访举报投诉类申请": "信访举报投诉类申请", "不予处理.重复申请": "重复申请",
             "不予公开.其他法律行政法规禁止公开": "其他法律行政法规禁止公开", "其他处理": "其他处理",
             "其他处理.其他": "其他处理"}
    for r, word in names.items():
        if (A, r, APP_TOTAL_COL) in cells and g(r) > 0:
            s += f"，{word}{_fmt(g(r))}件"
    if g("结转下年度") > 0:
        s += f"，结转下年度继续办理{_fmt(g('结转下年度'))}件"
    s += "。"
    return s, [("共受理依申请公开政府信息", n, "件"), ("其中予以公开", m, "件")]


def _emit(blocks: list, layout: str) -> list[str]:
    """blocks: list of (rows, pad_width); rows: list of (cells, kind); kind in title/header/data/raw."""
    out: list[str] = []
    for rows, width in blocks:
        need_sep = layout == "markdown"
        for cells, kind in rows:
            if kind == "raw":
                out.append(cells[0])
                need_sep = False
                continue
            if layout in ("tab", "merged"):
                cs = cells + [""] * (width - len(cells)) if width else cells
                out.append("\t".join(cs))
            elif layout in ("pipe", "markdown"):
                if layout == "markdown" and kind == "title":
                    out.append(cells[0])
                    continue
                w = max(width or 0, len(cells))
                cs = cells + [""] * (w - len(cells))
                out.append("| " + " | ".join(cs) + " |")
                if need_sep:
                    out.append("|" + "---|" * w)
                    need_sep = False
            elif layout == "cell_per_line":
                out.extend(c for c in cells if c.strip())
            elif layout == "cell_per_line_pipe":
                cs = list(cells)
                while cs and not cs[-1].strip():
                    cs.pop()
                out.extend(f"| {c} |" for c in cs)
            elif layout == "blank_line":
                for c in cells:
                    if c.strip():
                        out.extend([c, ""])
            else:
                raise ValueError(layout)
        if layout in ("markdown", "pipe"):
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return out


def _render(plan: _Plan, layout: str, damage: frozenset[str], inconsistent: frozenset[str]) -> GeneratedReport:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    bad = set(damage) - set(DAMAGE)
    if bad:
        raise ValueError(f"unknown damage {sorted(bad)}; known: {DAMAGE}")
    bad = set(inconsistent) - set(INCONSISTENCIES)
    if bad:
        raise ValueError(f"unknown inconsistency {sorted(bad)}; known: {INCONSISTENCIES}")
    fmt = plan.fmt
    rng = random.Random(f"{plan.seed}|{fmt}|{plan.body}|{plan.year}|{layout}|{sorted(damage)}|{sorted(inconsistent)}")
    dm = _Damager(rng, frozenset(damage))
    no_body = "no_body_in_text" in damage
    ctx = _ctx(plan, no_body)
    st = plan.style
    sep = st["numsp"]

    # ---- cells: copy, extra column, planting, damage
    cells: dict[tuple[str, str, str], Decimal | None] = dict(plan.values)
    merged = layout == "merged"
    if merged:
        for r in ("本年新收", "上年结转"):
            cells[("applications", r, APP_EXTRA_COL)] = D(0)
    prng = random.Random(f"plant|{plan.seed}|{sorted(inconsistent)}")
    planted = _plant(cells, frozenset(inconsistent), prng, fmt)
    delta = 0
    if "narrative_vs_table" in planted:
        n0 = cells[("applications", "本年新收", APP_TOTAL_COL)]
        delta = prng.choice([1, 2] + ([-1] if n0 > 1 else []))
    cell_text: dict[tuple[str, str, str], str] = {}
    for key in cells:
        s, blank = dm.cell(cells[key])
        cell_text[key] = s
        if blank:
            cells[key] = None
    numbers_cells = dict(plan.values)  # tied narrative values come from the (unplanted) plan

    # ---- narrative
    narrative_numbers: list[tuple[str, Decimal, str]] = []
    sentences: dict[str, str] = {}
    topics: list[str] = []

    def para(key: str) -> str:
        parts = []
        for s in plan.paragraphs[key]:
            if s.key == "tied.apps":
                text, nums = _apps_sentence({k: v for k, v in cells.items()}, ctx, fmt, delta)
            else:
                if s.tie and all(numbers_cells[t[0]] == 0 for t in s.tie.values()):
                    continue
                text, nums = _render_sentence(s, ctx, sep if s.key != "fee" or st["fee_sep"] else "", numbers_cells)
            narrative_numbers.extend(nums)
            sentences[s.key] = text
            if s.topic:
                topics.append(text)
            parts.append(text)
        return "".join(parts)

    def heading(sec: str) -> str:
        if "heading_variants" in damage:
            return pools.HEADING_VARIANTS[sec][st["heading_variants"][sec]]
        return pools.HEADINGS[sec][st["headings"][sec]]

    sections = {k: heading(k) for k in "一二三四五六"}

    title_forms = pools.TITLE_FORMS_NO_BODY if no_body else pools.TITLE_FORMS
    title = title_forms[st["title"]].format(body=plan.body, year=plan.year)
    p = plan.published
    date_line = pools.DATE_FORMS[st["date"]].format(y=p.year, m=p.month, d=p.day, mm=f"{p.month:02d}",
                                                    dd=f"{p.day:02d}")
    if fmt == "2021":
        ref = f"{plan.year}年政府信息公开工作年度报告" if no_body else f"{plan.body}{plan.year}年政府信息公开工作年度报告"
        intro = pools.INTRO_2021.format(title_ref=ref)
    else:
        intro = pools.INTRO_2019
    tail = pools.INTRO_TAIL[st["intro_tail"]].format(**ctx)

    # ---- tables
    labels: dict[tuple[str, str], str] = {}
    ns = st["numsep"]

    def lab(table: str, row: str, text: str | None = None) -> str:
        text = text if text is not None else _label(table, row)
        m = re.match(r"^(\d)\.(.*)$", text)
        if m:
            text = f"{m.group(1)}{ns[1:]}{m.group(2)}" if ns != "1. " else f"{m.group(1)}. {m.group(2)}"
        out = dm.label(table, row, text)
        labels[(table, row)] = out
        return out

    def title_cell(t: str) -> str:
        return dm.brackets(_schema()[t]["title"], 0.6)

    # section 二
    sec2_blocks = []
    for t in table_keys(fmt)[:-2]:
        rows = [([title_cell(t)], "title"),
                (["信息内容"] + [_col_label(t, fmt, c) for c in column_keys(t, fmt)], "header")]
        for r in row_keys(t, fmt):
            text = "规范性文件" if (t, r, fmt) == ("20.1", "规范性文件", "2019") else None
            rows.append(([lab(t, r, text)] + [cell_text[(t, r, c)] for c in column_keys(t, fmt)], "data"))
        sec2_blocks.append((rows, 4 if layout in ("tab", "merged") else (None if layout != "pipe" else 4)))

    # section 三
    A = "applications"
    uniform = layout in ("pipe", "markdown")
    split = "split_header_chars" in damage
    head_words = ["申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    head_words += (["其他"] if merged else []) + ["总计"]
    if split:
        hdr = [([APPS_NOTE], "raw")] + [([ch], "raw") for w in head_words for ch in w]
    elif merged:
        hdr = [([APPS_NOTE, "申请人情况", "", "", "", "", "", "", "总计", ""], "header"),
               (["", "自然人", "法人或其他组织", "", "", "", "", "其他", "", ""], "header"),
               (["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "", "", ""], "header")]
    elif uniform:
        hdr = [([APPS_NOTE, "", "", "申请人情况", "", "", "", "", "", ""], "header"),
               (["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"], "header"),
               (["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""], "header")]
    else:
        hdr = [([APPS_NOTE, "申请人情况"], "header"),
               (["", "自然人", "法人或其他组织", "", "", "", "", "总计"], "header"),
               (["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], "header")]
    groups = _schema()[A]["row_groups"]
    rows3 = list(hdr)
    seen_groups: set[str] = set()
    first_result = True
    for r in row_keys(A, fmt):
        vals_cols = list(APP_COLS) + ([APP_EXTRA_COL] if (A, r, APP_EXTRA_COL) in cells else []) + [APP_TOTAL_COL]
        vals = [cell_text[(A, r, c)] for c in vals_cols]
        g = r.split(".")[0] if "." in r else None
        if r in ("本年新收", "上年结转", "结转下年度"):
            lc = [lab(A, r)]
            if merged and r == "结转下年度":
                lc = lc + [""]
        elif g is None:  # 予以公开, 部分公开, 其他处理 (2019), 办理结果总计
            top = dm.brackets("三、本年度办理结果", 0) if first_result else ""
            first_result = False
            lr = lab(A, r)
            if merged and r in ("办理结果总计", "其他处理"):
                lc = [lr, ""]
            else:
                lc = [top, lr]
        else:
            gl = ""
            if g not in seen_groups:
                seen_groups.add(g)
                gl = dm.spaces(dm.brackets(groups[g]))
            lr = lab(A, r)
            if merged and g in ("不予处理", "其他处理"):
                lc = [gl, lr]
            else:
                lc = ["", gl, lr]
        if uniform:
            lc = lc + [""] * (3 - len(lc))
        trail = [""] if merged and (r in ("本年新收", "上年结转", "予以公开", "部分公开") or g == "不予处理") else []
        if merged and r == "不予处理.要求行政机关确认或重新出具已获取信息" and rng.random() < 0.6:
            rows3.append(([""], "raw"))
        rows3.append((lc + vals + trail, "data"))
    sec3_blocks = [(rows3, 10 if uniform else None)]

    # section 四
    R = "review_litigation"
    rows4 = [
        (["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9, "header"),
        (["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "",
          "复议后起诉", "", "", "", ""], "header"),
        ([""] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, "header"),
        ([cell_text[(R, "复议诉讼", c)] for c in column_keys(R, fmt)], "data"),
    ]
    sec4_blocks = [(rows4, None)]

    # ---- assemble
    ps = st["parsep"]
    out: list[str] = []
    if st["lead_blank"]:
        out.append("\n")
    out.append(title)
    out.append(date_line)
    out.append(intro + (tail if ps == "\n" and tail else ""))
    if tail and ps != "\n":
        out.append(tail)
    out.append(sections["一"])
    out.append(para("一.0"))
    for k in ("一.1", "一.2", "一.3", "一.4", "一.5"):
        sub = dm.brackets(pools.SUBHEADINGS[k][st["sub"][k]], 0.5)
        out.append(sub)
        out.append(para(k))
    out.append(sections["二"])
    out.append("\n".join(_emit(sec2_blocks, layout)))
    out.append(sections["三"])
    out.append("\n".join(_emit(sec3_blocks, layout)))
    out.append(sections["四"])
    out.append("\n".join(_emit(sec4_blocks, layout)))
    out.append(sections["五"])
    for s in plan.paragraphs["五"]:
        text, nums = _render_sentence(s, ctx, sep, numbers_cells)
        sentences[s.key] = text
        narrative_numbers.extend(nums)
        out.append(text)
    out.append(sections["六"])
    out.append(para("六"))
    text = ps.join(out).replace("\n\n\n\n", "\n\n\n") + "\n"

    # ---- kangxi (whole text) and recorded strings
    if dm.kangxi:
        text = dm.k(text)
        sections = {k: dm.k(v) for k, v in sections.items()}
        labels = {k: dm.k(v) for k, v in labels.items()}
        narrative_numbers = [(dm.k(p), v, dm.k(u)) for p, v, u in narrative_numbers]
        topics = [dm.k(t) for t in topics]
        sentences = {k: dm.k(v) for k, v in sentences.items()}

    return GeneratedReport(
        text=text, body=plan.body, place=plan.place, year=plan.year, published=plan.published.isoformat(),
        format_version=fmt, layout=layout, cells=cells, narrative_numbers=narrative_numbers, planted=planted,
        sections=sections, seed=plan.seed, damage=frozenset(damage), labels=labels, cell_text=cell_text,
        topics=topics, sentences=sentences,
    )


# --------------------------------------------------------------------------- public API


def generate_report(seed: int, *, format_version: str = "2021", layout: str = "tab", body: str | None = None,
                    year: int | None = None, damage: frozenset[str] = frozenset(),
                    inconsistent: frozenset[str] = frozenset()) -> GeneratedReport:
    """One report.  Same arguments -> same report.  Values and narrative depend on
    (seed, format_version, body, year) only; layout/damage/inconsistent change the writing."""
    plan = _make_plan(seed, format_version, body, year)
    return _render(plan, layout, frozenset(damage), frozenset(inconsistent))


def generate_collection(n: int, seed: int = 0) -> list[GeneratedReport]:
    """``n`` reports with distinct (body, year), varied formats, layouts, damage; topics spread so
    that reports' distinctive topics differ while the topic pool lasts (36 topics, 2-3 each).
    About one in five carries one planted inconsistency."""
    rng = random.Random(f"collection|{seed}")
    seen: set[tuple[str, int]] = set()
    used_topics: set[str] = set()
    reports = []
    i = 0
    while len(reports) < n:
        i += 1
        sub = rng.randrange(2**31)
        fmt = "2019" if rng.random() < 0.25 else "2021"
        year = rng.choice([2019, 2020]) if fmt == "2019" else rng.choice([2021, 2022, 2023, 2024])
        if fmt == "2019" and rng.random() < 0.1:
            year = 2021  # some later reports still use the trial format
        plan = _make_plan(sub, fmt, None, year, avoid_topics=used_topics)
        if (plan.body, plan.year) in seen:
            continue
        seen.add((plan.body, plan.year))
        used_topics.update(plan.topic_keys)
        if len(used_topics) >= len(pools.TOPICS):
            used_topics.clear()
        layout = LAYOUTS[(len(reports) + seed) % len(LAYOUTS)]
        k = rng.choices([0, 1, 2, 3], (4, 3, 2, 1))[0]
        damage = frozenset(rng.sample(DAMAGE, k))
        incons = frozenset([rng.choice(INCONSISTENCIES)]) if rng.random() < 0.2 else frozenset()
        reports.append(_render(plan, layout, damage, incons))
    return reports


def generate_year_pair(seed: int, body: str) -> tuple[GeneratedReport, GeneratedReport, PairTruth]:
    """Reports of ``body`` for years Y-1 and Y (2021 format, no damage, same layout): last year's
    结转下年度 == this year's 上年结转 per column, 现行有效 carried through 制发/废止, some
    sentences reused verbatim, some edited (numbers / year changed), one topic removed, one added."""
    rng = random.Random(f"pair|{seed}|{body}")
    year = rng.choice([2022, 2023, 2024])
    prev = _make_plan(seed, "2021", body, year - 1)
    layout = rng.choice(LAYOUTS)

    nrng = random.Random(f"pair-next|{seed}|{body}")
    carry = {c: prev.values[("applications", "结转下年度", c)] for c in APP_COLS}
    in_force = {r: prev.values[("20.1", r, "现行有效件数")] for r in ("规章", "规范性文件")}
    values = _gen_values(nrng, "2021", prev.kind, prev.suffix, carry_in=carry, prev_in_force=in_force)
    paragraphs: dict[str, list[_Sentence]] = {}
    kept_topic = False
    removed_generic = False
    for key, sents in prev.paragraphs.items():
        new = []
        for s in sents:
            if s.topic:
                if not kept_topic:
                    kept_topic = True
                    new.append(s)
                continue  # other topics removed
            if s.nums:
                nums = {}
                for name, (v, unit) in s.nums.items():
                    nv = v
                    while nv == v:
                        nv = D(max(1, int(v * D(nrng.uniform(0.6, 1.5))) + nrng.randint(-3, 3)))
                    nums[name] = (nv, unit)
                new.append(_Sentence(s.key, s.template, nums, s.tie, s.topic))
                continue
            if s.key.startswith("generic.") and not removed_generic and len(
                    [x for x in sents if x.key.startswith("generic.")]) > 1:
                removed_generic = True
                continue
            new.append(s)
        paragraphs[key] = new
    if prev.values[("20.1", "规范性文件", "本年废止件数")] == 0 and values[("20.1", "规范性文件", "本年废止件数")] > 0:
        paragraphs["一.3"].insert(1, _Sentence("tied.abolished", "开展规范性文件清理工作，废止行政规范性文件{n}。",
                                               tie={"n": (("20.1", "规范性文件", "本年废止件数"), "件")}))
    new_topic = _pick_topics(nrng, 1, set(prev.topic_keys))[0]
    paragraphs[new_topic[1]].append(_topic_sentence(nrng, new_topic))
    cur_topics = [k for k in prev.topic_keys if any(s.key == f"topic.{k}" for p in paragraphs.values() for s in p)]
    month = nrng.choices([1, 2, 3], (8, 1, 1))[0]
    day = nrng.randint(5, 31) if month == 1 else nrng.randint(1, 28)
    cur = _Plan(seed, "2021", prev.body, prev.place, prev.suffix, prev.kind, prev.me, year,
                date(year + 1, month, day), values, paragraphs, dict(prev.style), cur_topics + [new_topic[0]])

    r_prev = _render(prev, layout, frozenset(), frozenset())
    r_cur = _render(cur, layout, frozenset(), frozenset())
    a, b = r_prev.sentences, r_cur.sentences
    truth = PairTruth(
        body=prev.body, prev_year=year - 1, year=year,
        reused=[a[k] for k in a if k in b and a[k] == b[k]],
        changed=[(a[k], b[k]) for k in a if k in b and a[k] != b[k]],
        added=[b[k] for k in b if k not in a],
        removed=[a[k] for k in a if k not in b],
        carried=carry, in_force=in_force,
    )
    return r_prev, r_cur, truth
