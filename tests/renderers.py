"""Render a report written in the tab layout (the sample, or a generated report with layout="tab"
or "merged") to the formats reports are published in: PDF (reportlab, ruled tables), an image-only
"scanned" PDF, Word (python-docx, real tables) and a government HTML page (clutter, rowspan/colspan).

Each table line of the text becomes one table row; merged cells are made where a real report has
them: a group label of section 三 spans the rows of its group (rowspan / vMerge / SPAN), a label
followed by empty cells in a row without numbers (titles, headers) or before the first number
spans them (colspan / gridSpan / SPAN). The readers expand merges back into the grid, so every
format should yield the table lines of the text and therefore the same facts.
"""
from __future__ import annotations

import html as _html
import re
from pathlib import Path

_NUM = re.compile(r"^[-+]?[0-9０-９]+(?:[.．][0-9０-９]+)?%?$")
_GROUP = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|三、本年度办理结果)")
FONT = "STSong-Light"


# --------------------------------------------------------------------------- blocks and merges

def blocks(text: str) -> list[tuple[str, object]]:
    """('title' | 'p', paragraph) and ('table', rows) in order. Table lines are lines with a tab;
    one blank line inside a table does not end it."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[tuple[str, object]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            rows = []
            while i < len(lines) and ("\t" in lines[i] or (not lines[i].strip() and i + 1 < len(lines) and "\t" in lines[i + 1])):
                if lines[i].strip():
                    rows.append(lines[i].split("\t"))
                i += 1
            width = max(len(r) for r in rows)
            out.append(("table", [r + [""] * (width - len(r)) for r in rows]))
            continue
        if line.strip():
            out.append(("title" if not out else "p", line.strip()))
        i += 1
    return out


def _title(text: str) -> str:
    first = blocks(text)[:1]
    return first[0][1] if first and first[0][0] == "title" else ""


def _is_label(cell: str) -> bool:
    return bool(cell.strip()) and not _NUM.match(cell.strip()) and cell.strip() not in ("/", "／")


def merges(rows: list[list[str]]) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of a merged cell's top-left slot -> (rowspan, colspan). Covered slots are empty."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    width = len(rows[0]) if rows else 0
    first_number = [next((c for c, x in enumerate(r) if x.strip() and not _is_label(x)), None) for r in rows]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if (r, c) in covered or not _is_label(cell):
                continue
            rowspan = colspan = 1
            if _GROUP.match(cell) and first_number[r] is not None:
                # a group label: down over the rows whose label slot here is empty
                while r + rowspan < len(rows) and not rows[r + rowspan][c].strip() and first_number[r + rowspan] is not None \
                        and first_number[r + rowspan] > c + 1 and not any((r + rowspan, x) in covered for x in (c,)):
                    rowspan += 1
            if rowspan == 1:
                limit = width if first_number[r] is None else first_number[r]
                while c + colspan < limit and not row[c + colspan].strip():
                    colspan += 1
            if rowspan > 1 or colspan > 1:
                spans[(r, c)] = (rowspan, colspan)
                covered |= {(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)} - {(r, c)}
    return spans


# --------------------------------------------------------------------------- PDF

def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _col_widths(rows, total: float, size: float) -> list[float]:
    width = len(rows[0])
    need = []
    for c in range(width):
        longest = max((len(r[c].strip()) for r in rows if not _is_label(r[c]) or len(r[c]) < 40), default=1)
        labels = [len(r[c].strip()) for r in rows if _is_label(r[c]) and not _GROUP.match(r[c])]
        if labels and max(labels) > 6:
            longest = max(longest, min(max(labels), 14))
        need.append(max(2.6, min(longest, 14)) * size + 6)
    scale = total / sum(need)
    return [w * scale for w in need]


def render_pdf(text: str, path: Path, *, table_size: float = 7.5, body_size: float = 10.5,
               only_tables: bool = False) -> Path:
    """A text-layer PDF: paragraphs wrapped and indented, tables ruled (reportlab Table) with
    merged cells; a table longer than the page continues on the next one. only_tables keeps the
    title, the section headings and the tables (a short document for OCR)."""
    _register_font()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    title = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1, wordWrap="CJK", spaceAfter=10)
    body = ParagraphStyle("b", fontName=FONT, fontSize=body_size, leading=body_size * 1.6, wordWrap="CJK",
                          firstLineIndent=2 * body_size, spaceAfter=4)
    heading = ParagraphStyle("h", parent=body, firstLineIndent=0, spaceBefore=6)
    cell = ParagraphStyle("c", fontName=FONT, fontSize=table_size, leading=table_size * 1.3, wordWrap="CJK")
    margin = 48
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=56,
                            bottomMargin=56, title=_title(text))
    story = []
    for kind, content in blocks(text):
        if kind == "title":
            story.append(Paragraph(_html.escape(content), title))
        elif kind == "p":
            is_heading = bool(re.match(r"^(?:[一二三四五六]、|[（(][一二三四五六七八九十]+[)）])", content)) and len(content) < 40
            if only_tables and not is_heading:
                continue
            story.append(Paragraph(_html.escape(content), heading if is_heading else body))
        else:
            rows = content
            spans = merges(rows)
            data = [[Paragraph(_html.escape(x.strip()), cell) if x.strip() else "" for x in r] for r in rows]
            style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
            style += [("SPAN", (c, r), (c + cs - 1, r + rs - 1)) for (r, c), (rs, cs) in spans.items()]
            table = Table(data, colWidths=_col_widths(rows, A4[0] - 2 * margin, table_size), style=TableStyle(style),
                          repeatRows=0, splitByRow=1)
            story += [table, Spacer(1, 8)]

    def footer(canvas, _doc):
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {canvas.getPageNumber()} -")

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def render_scanned_pdf(text: str, path: Path, *, dpi: int = 200, only_tables: bool = True) -> Path:
    """An image-only PDF (no text layer): the text PDF rasterised page by page, as a scanner would."""
    import pypdfium2 as pdfium

    tmp = path.with_suffix(".text.pdf")
    render_pdf(text, tmp, only_tables=only_tables)
    doc = pdfium.PdfDocument(str(tmp))
    images = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    doc.close()
    tmp.unlink()
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


# --------------------------------------------------------------------------- Word

def render_docx(text: str, path: Path) -> Path:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10.5)
    style.font.name = "宋体"
    style.element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for kind, content in blocks(text):
        if kind in ("title", "p"):
            document.add_paragraph(content)
            continue
        rows = content
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        spans = merges(rows)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value.strip():
                    table.cell(r, c).text = value.strip()
        for (r, c), (rs, cs) in spans.items():
            merged = table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
            merged.text = rows[r][c].strip()
    document.core_properties.title = _title(text)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- HTML

_CLUTTER_HEAD = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政府信息公开</title><link rel="stylesheet" href="/css/main.css">
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
<style>.nav li {{ float: left; }} td {{ border: 1px solid #000; }}</style></head>
<body><div class="topbar">无障碍浏览 | 长者模式 | 登录 | 注册</div>
<div id="header"><img src="/logo.png" alt="人民政府门户网站"><div class="search"><input type="text"><button>搜索</button></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>
<div class="main"><div class="sidebar"><h3>年报栏目</h3><ul><li><a href="#">2022年年度报告</a></li><li><a href="#">2021年年度报告</a></li></ul></div>
<div class="article">"""
_CLUTTER_TAIL = """</div></div>
<div class="share">分享到：微信 微博 <a href="javascript:window.print()">【打印】</a> <a href="#">【关闭】</a></div>
<div class="footer"><p>主办单位：人民政府办公室 网站标识码：2310810001</p><p>ICP备案号：黑ICP备00000000号</p></div>
<script>document.write('<span id="cnzz">统计</span>');</script></body></html>"""


def render_html(text: str, path: Path, *, encoding: str = "utf-8") -> Path:
    parts = []
    bl = blocks(text)
    for kind, content in bl:
        if kind == "title":
            parts.append(f"<h1 class=\"title\">{_html.escape(content)}</h1><div class=\"info\">来源：本站 浏览次数：1024</div>")
        elif kind == "p":
            parts.append(f"<p style=\"text-indent:2em\">{_html.escape(content)}</p>")
        else:
            rows = content
            spans = merges(rows)
            covered = {(r + dr, c + dc) for (r, c), (rs, cs) in spans.items() for dr in range(rs) for dc in range(cs)} - set(spans)
            out = ["<table border=\"1\" cellspacing=\"0\" cellpadding=\"2\"><tbody>"]
            for r, row in enumerate(rows):
                out.append("<tr>")
                for c, value in enumerate(row):
                    if (r, c) in covered:
                        continue
                    rs, cs = spans.get((r, c), (1, 1))
                    attrs = (f" rowspan=\"{rs}\"" if rs > 1 else "") + (f" colspan=\"{cs}\"" if cs > 1 else "")
                    out.append(f"<td{attrs}><p>{_html.escape(value.strip()) or '&nbsp;'}</p></td>")
                out.append("</tr>")
            out.append("</tbody></table>")
            parts.append("".join(out))
    charset = "gbk" if encoding.lower() in ("gbk", "gb18030", "gb2312") else "utf-8"
    page = _CLUTTER_HEAD.format(charset=charset, title=_html.escape(bl[0][1] if bl else "")) + "\n".join(parts) + _CLUTTER_TAIL
    path.write_bytes(page.encode("gb18030" if charset == "gbk" else "utf-8"))
    return path


# --------------------------------------------------------------------------- scoring

def cell_accuracy(truth: dict, facts) -> tuple[int, int, list]:
    """(right, total, wrong) comparing every truth cell {(table, row_key, column_key): value} with
    the table facts read from a rendering; a cell missing from the facts counts as wrong."""
    got = {(f.table, f.row_key, f.column_key): f.value for f in facts if f.kind == "table"}
    wrong = [(k, v, got.get(k, "missing")) for k, v in truth.items() if got.get(k, "missing") != v]
    return len(truth) - len(wrong), len(truth), wrong
