"""A table of a report as the official grid: a header of one row per level of column groups, rows in
the template's order under their group headings (（三）不予公开 over its eight reasons).

One renderer for every grid on the page: a cited cell's table (table_grid), the report page's
tables with each cell linked to its source, and 年度对比's grids of two years. Callers give the
<td> of each cell; labels come from the schema and are escaped here.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from reportqa.schema import table_specs

WINDOW = 5  # table rows shown above and below a cited cell

# Column groups the template draws over columns whose keys do not name them (section 三's applicants:
# 法人或其他组织 over 商业企业 … 其他), and headings of rows that carry no numbers of their own.
HEADER_GROUPS = {"applications": {k: "法人或其他组织" for k in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织")}}
ROW_HEADINGS = {"applications": {"予以公开": "三、本年度办理结果"}}


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _column_paths(cols: list[tuple[str, str]], groups: dict[str, str] | None = None) -> list[list[str]]:
    """Each column's header path: the groups its key names (行政诉讼.复议后起诉.结果维持) over its label."""
    labels = [label for _k, label in cols]
    paths = []
    for key, label in cols:
        named = key.split(".")[:-1] or ([groups[key]] if groups and key in groups else [])
        leaf = key if not named and labels.count(label) > 1 else label  # two columns both written 其他
        paths.append([*named, leaf])
    return paths


def header_rows(cols: list[tuple[str, str]], hit_column: str = "", groups: dict[str, str] | None = None) -> str:
    """The grid's header: one row per level of the columns' groups, a group spanning its columns
    (行政复议 over 结果维持 … 总计; 行政诉讼 over 未经复议直接起诉 and 复议后起诉, each over its five).
    groups: column key -> the group drawn over it when its key does not name one (HEADER_GROUPS)."""
    paths = _column_paths(cols, groups)
    depth = max((len(p) for p in paths), default=1)
    rows = [[f"<th class='rq-corner' rowspan='{depth}'></th>"]] + [[] for _ in range(depth - 1)]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path = paths[i]
            if level >= len(path):
                i += 1
                continue
            if level == len(path) - 1:  # the column's own label, down to the last header row
                hit = " hit-col" if cols[i][0] == hit_column else ""
                rows[level].append(f"<th class='rq-leaf{hit}' rowspan='{depth - level}'>{_e(path[-1])}</th>")
                i += 1
                continue
            j = i
            while j < len(paths) and len(paths[j]) > level + 1 and paths[j][:level + 1] == path[:level + 1]:
                j += 1
            rows[level].append(f"<th class='rq-group' colspan='{j - i}'>{_e(path[level])}</th>")
            i = j
    return "".join(f"<tr>{''.join(r)}</tr>" for r in rows)


def ordered_rows(table: str, rows: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """(row_key, label, has_cells) in the template's order: a group's heading (its own row when the
    report has one, else a heading without numbers) right above the group's first row."""
    spec = table_specs().get(table)
    row_groups = spec.row_groups if spec else {}
    headings = ROW_HEADINGS.get(table, {})
    own = {k: label for k, label in rows}
    out, placed = [], set()
    for key, label in rows:
        if key in placed:
            continue
        if key in headings:
            out.append(("", headings[key], False))
        group = key.split(".")[0] if "." in key else ""
        if group in row_groups and group not in placed:
            placed.add(group)
            out.append((group, own[group], True) if group in own else (group, row_groups[group], False))
        if key not in placed:
            placed.add(key)
            out.append((key, label, True))
    return out


Cell = Callable[[str, str], str]  # (row_key, column_key) -> the <td> of that cell


def grid_html(table: str, cols: list[tuple[str, str]], rows: list[tuple[str, str, bool]], cell: Cell,
              hit_row: str = "", hit_column: str = "") -> str:
    """A <table>: the header, then each row's label and cells (cell() gives each <td>)."""
    body = []
    for rk, label, has_cells in rows:
        if not has_cells:
            body.append(f"<tr class='rq-rowgroup'><th class='rq-rowlabel'>{_e(label)}</th>"
                        f"<td colspan='{len(cols)}'></td></tr>")
            continue
        cls = " class='hit-row'" if rk == hit_row else ""
        body.append(f"<tr{cls}><th class='rq-rowlabel'>{_e(label)}</th>{''.join(cell(rk, ck) for ck, _ in cols)}</tr>")
    return f"<table>{header_rows(cols, hit_column, HEADER_GROUPS.get(table))}{''.join(body)}</table>"


def table_grid(collection, report_id: str, table: str, row_key: str = "", column_key: str = "", fmt: str = "2021") -> str:
    """All facts of one table of a report as a grid, the cited cell highlighted (WINDOW rows around it)."""
    grid = collection.table_grid(report_id, table, fmt)
    if grid is None:
        return ""
    rows = ordered_rows(table, grid.rows)
    hit = next((i for i, (k, _l, _c) in enumerate(rows) if k == row_key), 0)
    lo = max(0, min(hit - WINDOW, len(rows) - 2 * WINDOW - 1))
    shown = rows[lo:lo + 2 * WINDOW + 1]

    def cell(rk: str, ck: str) -> str:
        f = grid.cells.get((rk, ck))
        hit = " class='hit-cell'" if rk == row_key and ck == column_key else ""
        return f"<td{hit}>{_e(f.raw if f else '')}</td>"

    title = _e(grid.title) + (f"（第 {lo + 1}–{lo + len(shown)} 行，共 {len(rows)} 行）" if len(shown) < len(rows) else "")
    return (f"<details class='rq-table' open><summary>表格：{title}</summary><div class='rq-scroll'>"
            f"{grid_html(table, grid.columns, shown, cell, row_key, column_key)}</div></details>")
