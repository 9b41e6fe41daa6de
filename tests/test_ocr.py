"""OCR of scanned PDFs and of tables set as images (Tesseract), against the generator's truth;
OCR'd pages marked in the page spans, citations and answer notes; a clear message without it.

The cell accuracy asserted here is measured over more reports by bench/bench_ocr.py."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import parse_report, store_report
from ingest.readers import read_file
from ingest.readers.errors import ReaderError
from ingest.readers.ocr import ocr_status
from tests.generator import generate_report
from tests.renderers import cell_accuracy, render_pdf, render_scanned_pdf

pytest.importorskip("reportlab")
needs_ocr = pytest.mark.skipif(ocr_status() is not None, reason=f"OCR not available: {ocr_status()}")
ACCURACY_FLOOR = 0.95


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """A report with a planted inconsistency, rendered (tables, headings) and rasterised: 2 pages."""
    g = generate_report(21, format_version="2021", layout="merged", body="松原县", year=2023,
                        inconsistent=frozenset({"applications.balance"}))
    path = render_scanned_pdf(g.text, tmp_path_factory.mktemp("scan") / g.suggested_filename(".pdf"), dpi=300)
    return g, path


@pytest.fixture(scope="module")
def scanned_report(scanned):
    if ocr_status() is not None:
        pytest.skip(ocr_status())
    return parse_report(scanned[1])


@needs_ocr
def test_scanned_pdf_cells(scanned, scanned_report):
    g, _path = scanned
    right, total, wrong = cell_accuracy(g.cells, scanned_report.facts)
    assert total == len(g.cells) > 190
    assert right / total >= ACCURACY_FLOOR, wrong[:10]
    assert (scanned_report.meta.body, scanned_report.meta.year) == (g.body, g.year)
    assert [s.number for s in scanned_report.sections if s.level == 1 and s.number] == list("一二三四五六")
    assert scanned_report.pages and all(p.ocr for p in scanned_report.pages)
    assert [p.page for p in scanned_report.pages] == [1, 2]
    # the consistency checks run on OCR'd tables too
    assert "applications.balance" in {f.rule for f in scanned_report.findings}


def test_scan_without_tesseract_says_what_to_install(scanned, monkeypatch):
    import ingest.readers.ocr as ocr
    monkeypatch.setattr(ocr, "ocr_status", lambda: "Tesseract is not installed")
    with pytest.raises(ReaderError, match=r"\.pdf: .*apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
        read_file(scanned[1])


def _table_picture(text: str, folder: Path):
    """The section 二 tables of a report as a picture (rendered, rasterised, cropped to the ink)."""
    import pypdfium2 as pdfium

    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("第二十条"))
    rows = []
    for ln in lines[start:]:
        if "\t" not in ln:
            break
        rows.append(ln)
    pdf = render_pdf("\n".join(rows), folder / "tables.pdf", table_size=9)
    doc = pdfium.PdfDocument(str(pdf))
    image = doc[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    ink = np.nonzero(np.asarray(image) < 150)
    box = (ink[1].min() - 10, ink[0].min() - 10, ink[1].max() + 10, ink[0].max() + 10)
    return image.crop(box)


@needs_ocr
def test_page_whose_tables_are_an_image(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    g = generate_report(22, format_version="2021", layout="tab", body="南湖区", year=2022)
    picture = _table_picture(g.text, tmp_path)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "南湖区2022年政府信息公开工作年度报告.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("STSong-Light", 16)
    c.drawCentredString(297, 780, "南湖区2022年政府信息公开工作年度报告")
    c.setFont("STSong-Light", 10.5)
    c.drawString(60, 740, "一、总体情况")
    c.drawString(81, 720, "2022年，南湖区认真落实《条例》要求，持续深化政务公开。")
    c.drawString(60, 690, "二、主动公开政府信息情况")
    width = 470
    height = width * picture.height / picture.width
    c.drawImage(ImageReader(picture), 62, 670 - height, width, height)
    c.drawString(60, 640 - height, "三、收到和处理政府信息公开申请情况")
    c.showPage()
    c.save()
    report = parse_report(path)
    assert "第二十条" in report.text and "一、总体情况" in report.text
    truth = {k: v for k, v in g.cells.items() if k[0].startswith("20.")}
    right, total, wrong = cell_accuracy(truth, report.facts)
    # a picture of 9 pt type shrunk onto the page reads worse than a scan: a looser floor
    assert right / total >= 0.75, wrong
    assert [p.ocr for p in report.pages] == [True]
    assert report.text.index("一、总体情况") < report.text.index("第二十条") < report.text.index("三、收到和处理")


@needs_ocr
@pytest.mark.integration
def test_answers_from_an_ocr_report_carry_notes(scanned, scanned_report, settings_factory):
    from reportqa.stores import Stores
    from retrieval.notes import FINDINGS_NOTE, OCR_NOTE
    from retrieval.pipeline import QuestionAnswerer

    g, _path = scanned
    stores = Stores(settings_factory("ocr-notes"))
    assert store_report(stores, scanned_report) == "ingested"
    answer = QuestionAnswerer(stores).ask("松原县2023年行政许可的处理决定数量是多少？")
    assert answer.value == g.cells[("20.5", "行政许可", "本年处理决定数量")], answer.answer
    assert OCR_NOTE in answer.notes
    assert any(n.startswith(FINDINGS_NOTE) for n in answer.notes), answer.notes
    assert answer.citations and all(c.ocr for c in answer.citations)
    assert answer.citations[0].page in (1, 2)
