"""Layout readers (PDF, Word, HTML) on real reports and on small fixtures built here.

Expected table rows were transcribed by hand from the rendered PDF pages, not from reader output.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.readers import read_file
from ingest.readers.errors import ReaderError

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-reports"
SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
KANGXI = re.compile(r"[\u2e80-\u2ef3\u2f00-\u2fd5]")
NUM = re.compile(r"^\d+(\.\d+)?$")


def _real(name: str) -> Path:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"real report {name} not found at {REAL} (expects shared/ next to the repository)")
    return path


def row_of(text: str, label: str) -> tuple[list[str], list[str]]:
    """The single table line whose label cells contain `label`: (label cells, numbers)."""
    hits = [ln for ln in text.split("\n") if "\t" in ln and label in ln]
    assert len(hits) == 1, f"{label!r}: expected one table line, found {hits}"
    cells = hits[0].split("\t")
    labels = [c for c in cells if c and not NUM.match(c)]
    numbers = [c for c in cells if NUM.match(c)]
    # label cells come first, then the numbers
    assert all(not NUM.match(c) for c in cells[: cells.index(labels[-1]) + 1] if c) if labels else True
    return labels, numbers


# hand-transcribed from the page images
PDF_CASES = {
    "hongze-2023.pdf": {
        "rows": {
            "一、本年新收政府信息公开申请数量": "21 0 0 0 0 0 21",
            "（一）予以公开": "0 0 0 0 0 0 0",
            "（二）部分公开": "4 0 0 0 0 0 4",
            "1.本机关不掌握相关政府信息": "10 0 0 0 0 0 10",
            "2.没有现成信息需要另行制作": "3 0 0 0 0 0 3",  # first row after the page break
            "（七）总计": "21 0 0 0 0 0 21",
            "四、结转下年度继续办理": "0 0 0 0 0 0 0",
            "行政处罚": "4119",
            "行政许可": "550",
            "行政规范性文件": "0 5 5",
            "行政事业性收费": "7730.28",
        },
        "review": "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0",
        "lines": ["三、本年度办理结果\t（一）予以公开\t\t0\t0\t0\t0\t0\t0\t0"],
        "pages": 5,
    },
    "hongze-2024.pdf": {
        "rows": {
            "一、本年新收政府信息公开申请数量": "95 0 0 0 0 0 95",
            "二、上年结转政府信息公开申请数量": "0 0 0 0 0 0 0",
            "（一）予以公开": "50 0 0 0 0 0 50",
            "1.本机关不掌握相关政府信息": "31 0 0 0 0 0 31",  # last row before the page break
            "2.没有现成信息需要另行制作": "1 0 0 0 0 0 1",
            "（七）总计": "95 0 0 0 0 0 95",
            "行政处罚": "2776",
            "行政强制": "84",
            "行政许可": "9487",
        },
        "review": "1 1 0 0 2 1 0 0 0 1 2 0 1 0 3",
        "lines": ["\t（七）总计\t\t95\t0\t0\t0\t0\t0\t95"],
        "pages": 5,
    },
    "huaian-2024.pdf": {
        "rows": {
            "一、本年新收政府信息公开申请数量": "3001 53 0 0 61 4 3119",
            "（一）予以公开": "1288 21 0 0 50 3 1362",
            "（二）部分公开": "447 7 0 0 0 0 454",
            "2.其他法律行政法规禁止公开": "30 1 0 0 0 0 31",
            "1.本机关不掌握相关政府信息": "746 12 0 0 10 1 769",
            "2.没有现成信息需要另行制作": "11 0 0 0 0 0 11",
            "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "67 3 0 0 1 0 71",
            "（七）总计": "2932 53 0 0 61 4 3050",
            "四、结转下年度继续办理": "103 0 0 0 0 0 103",
            "行政处罚": "3985758",
            "行政事业性收费": "96171.6",
        },
        "review": "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
        # the group label broken by the page break (（四）无 / 法提供) is glued back together
        "lines": ["\t（四）无法提供\t1.本机关不掌握相关政府信息\t746\t12\t0\t0\t10\t1\t769",
                  "\t\t2.没有现成信息需要另行制作\t11\t0\t0\t0\t0\t0\t11"],
        "pages": 6,
    },
}


@pytest.fixture(scope="module", params=sorted(PDF_CASES))
def real_pdf(request):
    out = read_file(_real(request.param))
    return request.param, out


def test_pdf_sections_and_clean_text(real_pdf):
    name, out = real_pdf
    text = out.text
    assert out.source_format == "pdf"
    positions = [text.find("\n" + h + "\n") for h in SECTIONS]
    assert all(p >= 0 for p in positions), [h for h, p in zip(SECTIONS, positions) if p < 0]
    assert positions == sorted(positions)
    lines = text.split("\n")
    assert not [ln for ln in lines if re.fullmatch(r"[\s\-—–－]*\d{1,3}[\s\-—–－]*|第\s*\d+\s*页", ln)]
    assert not KANGXI.search(text)
    assert "年度报告" in (out.title_hint or "")
    # 三、本年度办理结果 set vertically comes out as one label cell
    assert "三、本年度办理结果\t（一）予以公开" in text
    # wrapped paragraphs are joined: no line of narrative ends in the middle of a sentence mid-page
    narrative = [ln for ln in lines if ln and "\t" not in ln]
    assert max(len(ln) for ln in narrative) > 150


def test_pdf_table_rows(real_pdf):
    name, out = real_pdf
    case = PDF_CASES[name]
    for label, numbers in case["rows"].items():
        labels, found = row_of(out.text, label)
        assert found == numbers.split(), (label, labels, found)
    for line in case["lines"]:
        assert "\n" + line + "\n" in out.text
    review = [ln for ln in out.text.split("\n") if ln.split("\t") == case["review"].split()]
    assert len(review) == 1, "section 四: one line with its 15 numbers"


def test_pdf_page_spans(real_pdf):
    name, out = real_pdf
    spans = out.pages
    assert [s.page for s in spans] == list(range(1, PDF_CASES[name]["pages"] + 1))
    assert spans[0].start == 0 and spans[-1].end == len(out.text)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert all(s.start < s.end for s in spans)
    # the section 四 table is on page 4 (hongze) / page 5 (huaian)
    at = out.text.index(PDF_CASES[name]["review"].replace(" ", "\t"))
    page = next(s.page for s in spans if s.start <= at < s.end)
    assert page == (5 if name == "huaian-2024.pdf" else 4)


def test_docx_template_tables():
    out = read_file(_real("template-2021-blank.docx"))
    text = out.text
    for h in SECTIONS:
        assert "\n" + h + "\n" in text
    for label in ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费",
                  "一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理",
                  "5.要求行政机关确认或重新出具已获取信息", "3.补正后申请内容仍不明确"]:
        labels, numbers = row_of(text, label)
        assert numbers == []
    # gridSpan: a merged header once, then empty cells; vMerge: the label on its first row only
    assert "\n第二十条第（一）项\t\t\t\n" in text
    assert "\n三、本年度办理结果\t（一）予以公开\t\t\t\t\t\t\t\t\n" in text
    assert "\n\t（三）不予公开\t1.属于国家秘密\t\t\t\t\t\t\t\n" in text
    assert "\n\t\t2.其他法律行政法规禁止公开\t\t\t\t\t\t\t\n" in text
    assert "\u3000" not in text and not KANGXI.search(text)
    assert "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9 in text


def test_docx_built_with_merged_cells(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_paragraph("某县人民政府2023年政府信息公开工作年度报告")
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = doc.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "（本列数据）"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "三、本年度办理结果"
    for r, (label, a, b) in enumerate([("（一）予以公开", "13", "0"), ("（二）部分公开", "1", "0"),
                                       ("（三）不予\n公开", "２", "0")], start=1):
        table.cell(r, 1).text = label
        table.cell(r, 2).text = a
        table.cell(r, 3).text = b
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况⼀")
    path = tmp_path / "built.docx"
    doc.save(path)
    text = read_file(path).text
    assert text.split("\n") == [
        "某县人民政府2023年政府信息公开工作年度报告", "", "三、收到和处理政府信息公开申请情况", "",
        "（本列数据）\t\t申请人情况\t",
        "三、本年度办理结果\t（一）予以公开\t13\t0",
        "\t（二）部分公开\t1\t0",
        "\t（三）不予公开\t２\t0",  # full-width digit kept as written
        "", "四、政府信息公开行政复议、行政诉讼情况一",  # Kangxi radical ⼀ mapped
    ]


HTML = """<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某县2023年政府信息公开工作年度报告_某县人民政府</title>
<script>var nav = "首页 | 政务公开";</script><style>p {color: red}</style></head>
<body><div id="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>
<nav><ul><li><a href="#">机构概况</a></li><li><a href="#">政策文件</a></li></ul></nav>
<div class="sidebar"><a href="#">2022年度报告</a><a href="#">2021年度报告</a></div>
<div class="article"><h1>某县2023年政府信息公开工作年度报告</h1>
<div class="content"><p>　　一、总体情况</p><p>　　2023年，某县政府认真落实《条例》，
全年主动公开政府信息 1200 条。</p><p>三、收到和处理政府信息公开申请情况</p>
<table border="1"><tr><td colspan="2" rowspan="2">（本列数据的勾稽关系）</td><td colspan="3">申请人情况</td></tr>
<tr><td>自然人</td><td>商业企业</td><td>总计</td></tr>
<tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>30</td><td>0</td><td>30</td></tr>
<tr><td rowspan="2">三、本<br>年度办理结果</td><td>（一）予以公开</td><td>13</td><td>0</td><td>13</td></tr>
<tr><td>（二）部分公开</td><td>1</td><td>&nbsp;</td><td>1</td></tr></table>
<p>六、其他需要报告的事项</p><p>无。</p></div></div>
<div class="footer">版权所有 某县人民政府 网站标识码1234</div>
<script>document.write("统计代码")</script></body></html>"""


def test_html_gbk_fixture(tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(HTML.encode("gbk"))
    out = read_file(path)
    assert out.encoding == "gb18030"
    assert out.title_hint == "某县2023年政府信息公开工作年度报告_某县人民政府"
    assert out.text.split("\n") == [
        "某县2023年政府信息公开工作年度报告", "", "一、总体情况", "",
        "2023年，某县政府认真落实《条例》，全年主动公开政府信息 1200 条。", "",
        "三、收到和处理政府信息公开申请情况", "",
        "（本列数据的勾稽关系）\t\t申请人情况\t\t",
        "\t\t自然人\t商业企业\t总计",
        "一、本年新收政府信息公开申请数量\t\t30\t0\t30",
        "三、本年度办理结果\t（一）予以公开\t13\t0\t13",
        "\t（二）部分公开\t1\t\t1",
        "", "六、其他需要报告的事项", "", "无。",
    ]
    assert len(out.pages) == 7 and out.pages[-1].end == len(out.text)


def test_html_utf8_without_charset(tmp_path):
    path = tmp_path / "plain.htm"
    path.write_bytes("<html><body><p>二、主动公开政府信息情况</p><table><tr><th>信息内容</th><th>本年处理决定数量</th></tr>"
                     "<tr><td>行政处罚</td><td>367</td></tr></table></body></html>".encode("utf-8"))
    out = read_file(path)
    assert "\n信息内容\t本年处理决定数量\n行政处罚\t367" in out.text and out.encoding == "utf-8"


def test_damaged_and_empty_files(tmp_path):
    data = _real("hongze-2023.pdf").read_bytes()
    cases = {"truncated.pdf": data[:3000], "empty.pdf": b"", "empty.docx": b"", "empty.html": b"  \n",
             "broken.docx": b"PK\x03\x04 not really a zip", "notpdf.pdf": b"hello world, not a pdf"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ReaderError) as err:
            read_file(path)
        assert name in str(err.value)


def test_old_doc_format(tmp_path):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReaderError, match=r"report\.doc.*\.docx"):
        read_file(path)


def test_pdf_without_text_layer(tmp_path):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path / "scanned.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)  # stands in for a page image
    c.showPage()
    c.save()
    with pytest.raises(ReaderError, match=r"scanned\.pdf.*(tesseract|OCR)"):
        read_file(path)


def test_pdf_built_paragraphs_and_footer(tmp_path):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path / "built.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu".split()
    for page in (1, 2):
        y = 780
        c.setFont("Helvetica", 12)
        c.drawString(100, y, f"Heading {page}")
        y -= 20
        for i in range(3):  # one paragraph wrapped over three full-width lines, first line indented
            x = 124 if i == 0 else 72
            c.drawString(x, y, " ".join(words)[: 70 if i else 66])
            y -= 16
        c.drawString(72, y, "last line.")
        c.drawString(290, 30, f"- {page} -")
        c.showPage()
    c.save()
    out = read_file(path)
    lines = out.text.split("\n")
    assert "- 1 -" not in out.text and "- 2 -" not in out.text
    assert len([ln for ln in lines if ln.endswith("last line.")]) == 2
    assert [s.page for s in out.pages] == [1, 2]


def test_pdf_table_without_ruling_lines(tmp_path):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "unruled.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 12)
    c.drawString(100, 780, "三、收到和处理政府信息公开申请情况")
    y = 750
    for label, numbers in [("本年新收", [30, 0, 30]), ("上年结转", [0, 0, 0]), ("（七）总计", [28, 0, 28])]:
        c.drawString(72, y, label)
        for i, n in enumerate(numbers):
            c.drawString(250 + i * 60, y, str(n))
        y -= 20
    c.drawString(290, 30, "第 1 页")
    c.save()
    assert read_file(path).text == ("三、收到和处理政府信息公开申请情况\n\n本年新收\t30\t0\t30\n"
                                    "上年结转\t0\t0\t0\n（七）总计\t28\t0\t28")
