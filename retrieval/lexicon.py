"""Question words → table cells, from lexicon.json (data, not code branches)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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


def flatten(question: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", question))


def is_numeric_question(question: str) -> bool:
    flat = flatten(question)
    return any(cue in flat for cue in _lexicon()["numeric_cues"]) or bool(re.search(r"[几多]少?[件个条项次]", flat))


def _default_column(table: str, column) -> tuple[str, ...]:
    if column is None:
        return ("总计",) if table == "applications" else ()
    return tuple(column) if isinstance(column, list) else (column,)


def match_cells(question: str) -> CellQuery | None:
    """The lexicon entry whose term is the longest match in the question (ties: first entry)."""
    flat = flatten(question)
    best = _longest_term(flat, "terms") or _longest_term(flat, "weak_terms")
    if best is None:
        return None
    entry, term = best
    table = entry["table"]
    columns = _default_column(table, entry.get("column"))
    column_label = ""
    if table == "applications":
        applicant = _applicant_columns(flat)
        if applicant:
            columns, column_label = applicant
    return CellQuery(table=table, rows=tuple(entry["rows"]), columns=columns, label=entry.get("label") or term,
                     term=term, column_label=column_label)


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
