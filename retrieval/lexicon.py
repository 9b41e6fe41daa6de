"""Question words → table cells, from lexicon.json (data, not code branches)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportqa.vocabulary import compact


@dataclass(frozen=True)
class CellQuery:
    """What a numeric question asks for, before it is looked up in any report."""

    table: str
    rows: tuple[str, ...]  # several rows = a group total
    columns: tuple[str, ...]  # several columns = a sum over them (e.g. 法人或其他组织)
    label: str
    term: str  # the question word that matched
    column_label: str = ""


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return json.loads(Path(__file__).with_name("lexicon.json").read_text(encoding="utf-8"))


flatten = compact  # the question as matched: NFKC, no white space


def is_numeric_question(question: str) -> bool:
    flat = flatten(question)
    return any(cue in flat for cue in _lexicon()["numeric_cues"]) or bool(re.search(r"[几多]少?[件个条项次]", flat))


def asks_for_count(question: str) -> bool:
    """The question wants a number (多少件, 几个, 是多少), not a description that mentions numbers."""
    flat = flatten(question)
    return bool(re.search(r"多少|几[件个条项次场家篇期份人户部名套台天批]|数量是|百分之几|占比|比例是", flat)) and \
        not re.search(r"哪些|什么|怎么|如何|怎样|为什么|哪个|哪家|是否", flat)


def _default_column(table: str, column) -> tuple[str, ...]:
    if column is None:
        return ("总计",) if table == "applications" else ()
    return tuple(column) if isinstance(column, list) else (column,)


_SEVERAL = re.compile(r"各|分别|和|与|及|以及|、")


def asked_part(question: str) -> str:
    """The clause that asks, when the question first states something with a number:
    行政许可处理决定1011件，那行政处罚处理决定多少件？ → 那行政处罚处理决定多少件？"""
    flat = flatten(question)
    parts = re.split(r"[，,；;。]", flat)
    if len(parts) > 1 and re.search(r"多少|几", parts[-1]) and re.search(r"\d", "".join(parts[:-1]).replace("年", "")):
        head = "".join(parts[:-1])
        if re.search(r"(?<![\d年])\d+(?:\.\d+)?\s*[件条个项次场篇份%]", head):
            return parts[-1]
    return flat


def match_cells(question: str) -> list[CellQuery]:
    """What the question asks for: the entry with the longest matching term; when the question
    joins several figures ("行政复议和行政诉讼各多少件"), every entry whose term does not overlap
    a longer one, in the order they are asked."""
    flat = asked_part(question)
    best = _longest_term(flat, "terms") or _longest_term(flat, "weak_terms")
    if best is None:
        return []
    chosen = [best]
    if _SEVERAL.search(flat):
        for entry, term in _all_terms(flat):
            if entry is not best[0] and all(entry is not e for e, _t in chosen) and not any(
                    term in t or t in term for _e, t in chosen):
                chosen.append((entry, term))
    chosen.sort(key=lambda et: flat.find(et[1]))
    return [_cell_query(flat, entry, term) for entry, term in chosen[:4]]


def _all_terms(flat: str) -> list[tuple[dict, str]]:
    """Each entry's longest term found in the question, longest first."""
    found = []
    for entry in _lexicon()["entries"]:
        terms = [t for t in entry["terms"] if t in flat]
        if terms:
            found.append((entry, max(terms, key=len)))
    return sorted(found, key=lambda et: -len(et[1]))


def _cell_query(flat: str, entry: dict, term: str) -> CellQuery:
    table = entry["table"]
    columns = _default_column(table, entry.get("column"))
    column_label = ""
    if table == "applications":
        applicant = _applicant_columns(flat)
        if applicant:
            columns, column_label = applicant
    if table == "review_litigation":
        result = _review_result(flat)
        if result:  # 行政复议其他结果, 复议后起诉结果纠正: the result column of the group asked
            columns = tuple(c.rsplit(".", 1)[0] + "." + result for c in columns)
            label = columns[0].replace(".", "·") if len(columns) == 1 else f"{columns[0].split('.')[0]}·{result}"
            return CellQuery(table=table, rows=tuple(entry["rows"]), columns=columns, label=label, term=term)
    named = _named_column(flat, table)
    if named:
        columns = (named["column"],)
        return CellQuery(table=table, rows=tuple(entry["rows"]), columns=columns,
                         label=f"{entry['rows'][0]}{named['label']}", term=term)
    return CellQuery(table=table, rows=tuple(entry["rows"]), columns=columns, label=entry.get("label") or term,
                     term=term, column_label=column_label)


# The result columns of table 四, under 行政复议 and under each kind of 行政诉讼 (总计 when none is asked).
_REVIEW_RESULTS = (("其他结果", re.compile(r"其他结果|其它结果")), ("结果维持", re.compile(r"维持")),
                   ("结果纠正", re.compile(r"纠正")), ("尚未审结", re.compile(r"尚未审结|未审结|未结案|还没有?审结")))


def _review_result(flat: str) -> str | None:
    found = [(m.start(), column) for column, pattern in _REVIEW_RESULTS if (m := pattern.search(flat))]
    return min(found)[1] if found else None


def _named_column(flat: str, table: str) -> dict | None:
    """A column the question names (上一年项目数量, 本年新公开数量), longest term first."""
    found = [(len(t), item) for item in _lexicon().get("column_terms", []) if table in item["tables"]
             for t in item["terms"] if t in flat]
    return max(found, key=lambda f: f[0])[1] if found else None


def column_equivalents(column: str) -> tuple[str, ...]:
    """The same quantity under the other format's key (本年制发件数 ~ 本年新制作数量)."""
    return tuple(_lexicon().get("column_equivalents", {}).get(column, ()))


def _longest_term(flat: str, field: str):
    """Longest matching term; on a tie a single cell beats a group (国家秘密 over 不予公开)."""
    found = [(len(term), entry.get("kind") != "group", -i, entry, term)
             for i, entry in enumerate(_lexicon()["entries"]) for term in entry.get(field, ()) if term in flat]
    if not found:
        return None
    _l, _k, _i, entry, term = max(found, key=lambda f: f[:3])
    return entry, term


def _applicant_columns(flat: str) -> tuple[tuple[str, ...], str] | None:
    best, best_len = None, 0
    for item in _lexicon()["applicant_columns"]:
        for term in item["terms"]:
            if term in flat and len(term) > best_len:
                cols = tuple(item.get("columns") or [item["column"]])
                best, best_len = (cols, item.get("label") or term), len(term)
    return best
