"""Map the cell stream of each table region onto the mandated row and column keys.

Rows are found by their labels (normalised, fuzzy), not by position, so a table survives every
text layout and most extraction damage. Values follow their row label until the next label.
Columns are assigned by count: a row carrying the expected number of values maps one to one;
a row with more (the sample's extra 其他 applicant column) or fewer (merged or lost cells) is
aligned on the 总计 column, which is always last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.tables.cells import Cell, parse_value, split_cells
from ingest.tables.regions import TableRegion, detect_format, find_regions
from reportqa.schema import LabelledKey, TableSpec, best_match, normalise_label, table_specs
from reportqa.types import Fact, Finding, Section


@dataclass
class _RowHit:
    key: str
    label_cells: list[Cell]
    values: list[Cell] = field(default_factory=list)
    is_group_candidate: bool = False

    @property
    def label(self) -> str:
        return " ".join(c.text for c in self.label_cells)


@dataclass
class TableExtraction:
    facts: list[Fact]
    regions: list[TableRegion]
    format_version: str  # "2021" | "2019" | "unknown" (as seen in the table headers)
    problems: list[str]  # damaged rows and missing tables, for the audit
    damaged_rows: list[Finding] = field(default_factory=list)  # one per row whose cells could not all be read


def extract_tables(report_id: str, text: str, sections: list[Section], format_hint: str = "unknown") -> TableExtraction:
    specs = table_specs()
    top = {s.number: s for s in sections if s.level == 1}
    regions = find_regions(text, top)
    fmt = detect_format(text, regions, format_hint)
    facts: list[Fact] = []
    problems: list[str] = []
    damaged: list[Finding] = []
    for region in regions:
        spec = specs[region.table]
        cells = split_cells(text, region.start, region.end)
        if region.table == "review_litigation":
            facts.extend(_read_single_row_table(report_id, spec, cells, fmt, problems, damaged))
        else:
            facts.extend(_read_labelled_rows(report_id, spec, cells, fmt, problems, text, damaged))
    found = {r.table for r in regions}
    for key in ("applications", "review_litigation"):
        if key not in found:
            problems.append(f"table {specs[key].title} not found")
    return TableExtraction(facts=facts, regions=regions, format_version=fmt, problems=problems, damaged_rows=damaged)


# ---------------------------------------------------------------- rows with labels

def _read_labelled_rows(report_id: str, spec: TableSpec, cells: list[Cell], fmt: str, problems: list[str],
                        text: str = "", damaged: list[Finding] | None = None) -> list[Fact]:
    columns = spec.columns_for(fmt)
    hits = _collect_rows(spec, cells)
    column_labels = _column_labels_as_written(cells, columns)
    chosen: dict[str, _RowHit] = {}
    for hit in hits:
        has_values = any(v.text for v in hit.values)
        if not has_values and best_match(hit.label, columns) is not None:
            continue  # a column header that looks like a row label (总计)
        if hit.key not in chosen or (has_values and not any(v.text for v in chosen[hit.key].values)):
            chosen[hit.key] = hit
    facts: list[Fact] = []
    for hit in sorted(chosen.values(), key=lambda h: h.label_cells[0].start):
        n_problems = len(problems)
        assigned = _assign_columns(hit, columns, spec, problems, text)
        row_start = hit.label_cells[0].start
        row_end = max((c.end for c in hit.values if c.text), default=hit.label_cells[-1].end)
        if damaged is not None and len(problems) > n_problems:
            read = len([c for _col, c in assigned if c.text])
            damaged.append(_damaged_row(report_id, spec, hit.key, hit.label, columns, read,
                                        len([c for c in columns if not c.optional]), (row_start, row_end)))
        for column, cell in assigned:
            facts.append(Fact(
                report_id=report_id, table=spec.key, row_key=hit.key, row_label=hit.label,
                column_key=column.key, column_label=column_labels.get(column.key, column.label),
                value=parse_value(cell.text), raw=cell.text, unit=column.unit,
                start=row_start, end=row_end, value_start=cell.start, value_end=cell.end,
            ))
    return facts


def _collect_rows(spec: TableSpec, cells: list[Cell]) -> list[_RowHit]:
    groups = {normalise_label(label): key for key, label in spec.row_groups.items()}
    hits: list[_RowHit] = []
    group: str | None = None
    current: _RowHit | None = None
    pending: list[Cell] = []
    for cell in cells:
        if not cell.is_label:
            if current is not None:
                current.values.append(cell)
            continue
        form = normalise_label(cell.text)
        group_key = groups.get(form)
        row = _match_row(spec, cell.text, group)
        if row is None and pending:
            row = _match_row(spec, " ".join(c.text for c in pending[-2:] + [cell]), group)
            if row is not None:
                cell_list = pending[-2:] + [cell]
                pending.clear()
                current = _RowHit(row.key, cell_list)
                hits.append(current)
                continue
        if group_key is not None:
            group = group_key
            if row is not None:  # "（六）其他处理": a row in the 2019 format, a group label in 2021
                current = _RowHit(row.key, [cell], is_group_candidate=True)
                hits.append(current)
            else:
                current = None
            continue
        if row is not None:
            if "." not in row.key:
                group = None
            current = _RowHit(row.key, [cell])
            hits.append(current)
            pending.clear()
            continue
        if current is not None and not any(v.text for v in current.values):
            current.label_cells.append(cell)  # a label wrapped into the next cell
            continue
        current = None
        pending.append(cell)
    # A row label with no value after it is a row of blank cells (layouts that drop empty cells).
    return [h for h in hits if any(v.text for v in h.values) or not h.is_group_candidate]


def _match_row(spec: TableSpec, label: str, group: str | None) -> LabelledKey | None:
    if group:
        in_group = tuple(r for r in spec.rows if r.key.startswith(group + "."))
        hit = best_match(label, in_group)
        if hit:
            return hit
    top_level = tuple(r for r in spec.rows if "." not in r.key)
    hit = best_match(label, top_level)
    if hit:
        return hit
    if len(normalise_label(label)) >= 4:  # a sub-item whose group label was lost
        return best_match(label, tuple(r for r in spec.rows if "." in r.key))
    return None


def _column_labels_as_written(cells: list[Cell], columns: tuple[LabelledKey, ...]) -> dict[str, str]:
    written: dict[str, str] = {}
    for cell in cells:
        if not cell.is_label:
            continue
        col = best_match(cell.text, columns)
        if col is not None and col.key not in written:
            written[col.key] = cell.text
    return written


def _assign_columns(hit: _RowHit, columns: tuple[LabelledKey, ...], spec: TableSpec, problems: list[str],
                    text: str = "") -> list[tuple[LabelledKey, Cell]]:
    values = list(hit.values)
    while values and not values[-1].text:
        values.pop()
    if not values:
        blank = Cell("", hit.label_cells[-1].end, hit.label_cells[-1].end, hit.label_cells[-1].line)
        return [(c, blank) for c in columns if not c.optional]
    required = [c for c in columns if not c.optional]
    while len(values) > len(required) and not values[0].text:
        values.pop(0)
    if len(values) == len(required):
        return list(zip(required, values))
    if len(values) == len(columns):
        return list(zip(columns, values))
    if len(values) > len(columns):
        problems.append(f"{spec.title} / {hit.label}: {len(values)} cells, expected {len(required)}; kept the first ones")
        return list(zip(columns, values))
    if text and not text[values[-1].end:].strip():
        # the text ends inside this row (a cut-off copy): its cells are the first ones, and a last cell
        # that runs into the very end may itself be cut (367 → 36): not read as a number
        if values[-1].end >= len(text):
            values = values[:-1]
        problems.append(f"{spec.title} / {hit.label}: the text ends inside this row; kept its first {len(values)} cells")
        return list(zip(required, values))
    problems.append(f"{spec.title} / {hit.label}: {len(values)} cells, expected {len(required)}; aligned on the last column")
    return list(zip(required[len(required) - len(values):], values))


def _damaged_row(report_id: str, spec: TableSpec, row_key: str, row_label: str, columns: tuple[LabelledKey, ...],
                 read: int, expected: int, span: tuple[int, int]) -> Finding:
    """A row whose cells do not match its columns: every cell of it is in doubt, and answers citing it say so."""
    return Finding(
        report_id=report_id, rule="table.row_cells",
        message=f"{spec.title}「{row_label}」一行读出 {read} 个数值，应有 {expected} 个"
                f"（表格可能残缺或被截断），该行数字的列位置可能有误",
        expected=str(expected), found=str(read),
        cells=tuple((spec.key, row_key, c.key) for c in columns), spans=(span,))


# ---------------------------------------------------------------- section 四: one data row

def _read_single_row_table(report_id: str, spec: TableSpec, cells: list[Cell], fmt: str, problems: list[str],
                           damaged: list[Finding] | None = None) -> list[Fact]:
    columns = spec.columns_for(fmt)
    value_lines = {c.line for c in cells if c.text and c.is_value and parse_value(c.text) is not None or c.text in ("/", "／")}
    values = [c for c in cells if c.line in value_lines and (c.is_value or c.is_empty)]
    while values and not values[-1].text:
        values.pop()
    while values and not values[0].text:
        values.pop(0)
    if not values:
        return []
    row = spec.rows[0]
    if len(values) != len(columns):
        problems.append(f"{spec.title}: {len(values)} cells, expected {len(columns)}")
        if damaged is not None:
            read = len([c for c in values if c.text])
            damaged.append(_damaged_row(report_id, spec, row.key, row.label, columns, read, len(columns),
                                        (values[0].start, values[-1].end)))
        values = values[: len(columns)]
    start, end = values[0].start, values[-1].end
    written = _single_row_labels(cells, columns)
    return [
        Fact(
            report_id=report_id, table=spec.key, row_key=row.key, row_label=row.label,
            column_key=col.key, column_label=written[i] if written and i < len(written) else f"{col.group}{col.label}",
            value=parse_value(cell.text), raw=cell.text, unit=col.unit,
            start=start, end=end, value_start=cell.start, value_end=cell.end,
        )
        for i, (col, cell) in enumerate(zip(columns, values))
    ]


_RESULT_LABEL = re.compile(r"(结果维持|结果纠正|其他结果|尚未审结|总计)")


def _single_row_labels(cells: list[Cell], columns: tuple[LabelledKey, ...]) -> list[str]:
    """The five result headers as written, three times over, or [] if the header is too damaged."""
    labels = [c.text for c in cells if c.is_label and _RESULT_LABEL.search(normalise_label(c.text))]
    return labels if len(labels) == len(columns) else []
