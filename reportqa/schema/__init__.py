"""The mandated tables as data (tables.json), and label normalisation shared by the table
extractor and the question lexicon."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from reportqa.vocabulary import to_simplified

_SCHEMA_FILE = Path(__file__).with_name("tables.json")

_NUMBERING = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．,，]|\d+\s*[、.．,，](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
_BRACKETED = re.compile(r"[（(][^（()）]*[)）]")
_DROP_CHARS = re.compile(r"[\s\u3000“”\"'‘’「」《》〈〉:：/／、,，.。;；]")


@lru_cache(maxsize=65536)
def normalise_label(label: str, *, keep_brackets: bool = False) -> str:
    """A matching form of a label: NFKC, simplified characters, no spaces, quotes, numbering or
    bracketed explanations.

    Used only for matching; labels stored and quoted stay as written.
    """
    text = to_simplified(unicodedata.normalize("NFKC", label).strip())
    text = re.sub(r"\s+", "", text)
    previous = None
    while previous != text:  # "三、（一）予以公开" carries two numbering prefixes
        previous = text
        text = _NUMBERING.sub("", text)
    if not keep_brackets:
        stripped = _BRACKETED.sub("", text)
        text = stripped or text
    return _DROP_CHARS.sub("", text)


@dataclass(frozen=True)
class LabelledKey:
    key: str
    label: str
    aliases: tuple[str, ...]
    unit: str = ""
    optional: bool = False
    group: str = ""

    @property
    def match_forms(self) -> tuple[str, ...]:
        forms = {normalise_label(self.label)} | {normalise_label(a) for a in self.aliases}
        return tuple(sorted(f for f in forms if f))


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    section: str
    anchors: tuple[str, ...]
    rows: tuple[LabelledKey, ...]
    columns: dict[str, tuple[LabelledKey, ...]]  # format version -> columns
    row_groups: dict[str, str]

    def columns_for(self, format_version: str) -> tuple[LabelledKey, ...]:
        return self.columns.get(format_version) or self.columns.get("2021") or next(iter(self.columns.values()))

    def row(self, key: str) -> LabelledKey:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)


def _keys(items: list[dict]) -> tuple[LabelledKey, ...]:
    return tuple(
        LabelledKey(
            key=i["key"], label=i["label"], aliases=tuple(i.get("aliases", ())), unit=i.get("unit", ""),
            optional=bool(i.get("optional", False)), group=i.get("group", ""),
        )
        for i in items
    )


@lru_cache(maxsize=1)
def table_specs() -> dict[str, TableSpec]:
    raw = json.loads(_SCHEMA_FILE.read_text(encoding="utf-8"))
    specs = {}
    for t in raw["tables"]:
        specs[t["key"]] = TableSpec(
            key=t["key"], title=t["title"], section=t["section"], anchors=tuple(t["anchors"]),
            rows=_keys(t["rows"]), columns={v: _keys(cols) for v, cols in t["columns"].items()},
            row_groups=dict(t.get("row_groups", {})),
        )
    return specs


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def best_match(label: str, candidates: tuple[LabelledKey, ...], *, threshold: float = 0.8) -> LabelledKey | None:
    """The candidate whose label or alias matches best: exact, then prefix (an unbracketed
    explanation after the label), then a close fuzzy match (text layers that lose characters)."""
    form = normalise_label(label)
    if not form:
        return None
    for cand in candidates:
        if form in cand.match_forms:
            return cand
    prefixed = [c for c in candidates for f in c.match_forms if len(f) >= 2 and form.startswith(f)]
    if prefixed:
        best_prefix = max(prefixed, key=lambda c: max(len(f) for f in c.match_forms if form.startswith(f)))
        if 2 * max(len(f) for f in best_prefix.match_forms if form.startswith(f)) >= len(form):
            return best_prefix
        # a short prefix of a long label ('其他' of an OCR-misread '其他法律行政法规茜止公天'):
        # a close fuzzy match of the whole label wins over it
        return _fuzzy(form, candidates, max(threshold, 0.8)) or best_prefix
    return _fuzzy(form, candidates, threshold)


def _fuzzy(form: str, candidates: tuple[LabelledKey, ...], threshold: float) -> LabelledKey | None:
    best, best_score = None, threshold
    for cand in candidates:
        for f in cand.match_forms:
            if min(len(f), len(form)) < 4:
                continue
            score = similarity(form, f)
            if score >= best_score:
                best, best_score = cand, score
    return best


def column_display(column_key: str, column_label: str) -> str:
    """A column label that says which: the bare 结果维持 repeats under 行政复议 and both kinds of
    行政诉讼, so it carries its groups (行政诉讼·复议后起诉·结果维持); labels that do not repeat stay."""
    groups = column_key.split(".")[:-1]
    label = re.sub(r"[\s\u3000]+", "", column_label or column_key.split(".")[-1])
    return "·".join([*groups, label]) if groups and not label.startswith(groups[-1]) else label
