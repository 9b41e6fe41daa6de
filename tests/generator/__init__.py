"""Synthetic 政府信息公开工作年度报告 with exact truth, for testing extraction.

    from tests.generator import generate_report
    r = generate_report(7, layout="pipe", damage=frozenset({"kangxi"}))
    r.text, r.cells[("applications", "本年新收", "总计")], r.narrative_numbers, r.planted

Reports made with ``damage={"no_body_in_text"}`` do not name the body (nor the place) anywhere in
the text; write them under a file name containing the body, e.g. ``r.write(tmpdir)`` (a directory:
``r.suggested_filename()`` is used) or ``r.write(tmpdir / r.suggested_filename())``.
"""
from .core import (
    DAMAGE,
    ENCODINGS,
    FORMATS,
    INCONSISTENCIES,
    LAYOUTS,
    GeneratedReport,
    PairTruth,
    column_keys,
    generate_collection,
    generate_report,
    generate_year_pair,
    leaf_rows,
    row_keys,
    table_keys,
    violations,
)

__all__ = [
    "DAMAGE", "ENCODINGS", "FORMATS", "INCONSISTENCIES", "LAYOUTS", "GeneratedReport", "PairTruth",
    "column_keys", "generate_collection", "generate_report", "generate_year_pair", "leaf_rows", "row_keys",
    "table_keys", "violations",
]
