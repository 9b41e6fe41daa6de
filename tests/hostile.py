"""Hostile and damaged files of every kind an upload form receives, made on the spot (nothing stored).

Used by tests/test_hostile.py (a suite-sized set) and bench/bench_hostile.py (1,000 files). Each
maker writes one file into a folder and returns its path; KINDS lists them with how many copies
the small set makes. The sample report is the base of the damaged copies, so what they break is
known.
"""
from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "suifenhe-2023.txt"


def _sample() -> str:
    return SAMPLE.read_text(encoding="utf-8")


# ------------------------------------------------------------------ text
def backtracking_row(folder: Path, rnd: random.Random) -> Path:
    """A table row whose cell is 行政许可 111…1x: digits then a letter, the input that makes a
    regular expression with nested quantifiers backtrack."""
    digits = "1" * rnd.randint(40, 400)
    text = _sample().replace("行政许可\t", f"行政许可 {digits}x\t", 1) + f"\n行政处罚 {digits}x{digits}\n"
    path = folder / f"backtrack-{rnd.randrange(10**6)}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def long_line(folder: Path, rnd: random.Random) -> Path:
    """The report, then one line of 3 million characters of digits and CJK."""
    path = folder / f"longline-{rnd.randrange(10**6)}.txt"
    path.write_text(_sample() + "\n" + ("1二" * 1_500_000) + "\n", encoding="utf-8")
    return path


def punctuation_storm(folder: Path, rnd: random.Random) -> Path:
    """Runs of the characters the patterns split and count on: 、，年月日%件 and digits."""
    pieces = ["、" * 5000, "，" * 5000, "年" * 5000, "1年1月1日" * 2000, "%" * 5000, "件" * 5000, "(" * 5000,
              "1." * 5000, " " * 20000, "一是" * 3000, "第二十条第（一）项" * 500]
    rnd.shuffle(pieces)
    path = folder / f"storm-{rnd.randrange(10**6)}.txt"
    path.write_text(_sample().replace("绥芬河市", "风暴市") + "\n".join(pieces), encoding="utf-8")
    return path


def truncated_copy(folder: Path, rnd: random.Random) -> Path:
    """The sample cut at a random point (a download that stopped)."""
    text = _sample()
    path = folder / f"绥芬河市2023年报告-cut{rnd.randrange(10**6)}.txt"
    path.write_text(text[: rnd.randint(len(text) // 10, len(text) - 10)], encoding="utf-8")
    return path


def row_missing_copy(folder: Path, rnd: random.Random) -> Path:
    """The sample with one table row removed."""
    lines = _sample().split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line and any(ch.isdigit() for ch in line)]
    del lines[rnd.choice(rows)]
    path = folder / f"绥芬河市2023年报告-row{rnd.randrange(10**6)}.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def binary_garbage(folder: Path, rnd: random.Random) -> Path:
    path = folder / f"garbage-{rnd.randrange(10**6)}{rnd.choice(['.txt', '.pdf', '.docx', '.html'])}"
    path.write_bytes(rnd.randbytes(rnd.randint(1, 200_000)))
    return path


def empty_file(folder: Path, rnd: random.Random) -> Path:
    path = folder / f"empty-{rnd.randrange(10**6)}{rnd.choice(['.txt', '.pdf', '.docx', '.html'])}"
    path.write_bytes(b"")
    return path


def hostile_names(folder: Path, rnd: random.Random) -> Path:
    """The sample under a name that is not valid UTF-8 (a Windows zip), holds a newline and
    control characters, is 250 bytes long, or starts with a dash."""
    kind = rnd.randrange(4)
    if kind == 0:
        raw = "报告".encode("gbk") + b"\xff\xfe-" + str(rnd.randrange(10**6)).encode() + b".txt"
    elif kind == 1:
        raw = f"line\nbreak\t\x07bell-{rnd.randrange(10**6)}.txt".encode()
    elif kind == 2:
        raw = ("长" * 70 + f"{rnd.randrange(10**6)}.txt").encode()[:250]
        raw = raw if raw.endswith(b".txt") else raw[: 250 - 4] + b".txt"
    else:
        raw = f"-rf --replace -{rnd.randrange(10**6)}.txt".encode()
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), raw)))
    path.write_bytes(SAMPLE.read_bytes().replace("绥芬河市".encode(), "黑河市".encode()))
    return path


# ------------------------------------------------------------------ HTML
def deep_html(folder: Path, rnd: random.Random) -> Path:
    """The report inside HTML nested 1,500 or 100,000 elements deep."""
    depth = rnd.choice([1_500, 100_000])
    tag = rnd.choice(["div", "span", "table", "b"])
    body = _sample()[:2000].replace("\n", "<br>")
    path = folder / f"deep{depth}-{rnd.randrange(10**6)}.html"
    path.write_text(f"<html><body>{f'<{tag}>' * depth}{body}{f'</{tag}>' * depth}</body></html>", encoding="utf-8")
    return path


# ------------------------------------------------------------------ DOCX
def _docx(document_xml: bytes, path: Path) -> Path:
    content_types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                     b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
                     b'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
                     b'+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document_xml)
    return path


_W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def docx_bomb(folder: Path, rnd: random.Random, size_mb: int = 100) -> Path:
    """A .docx of a few hundred KB whose document.xml inflates to 100 MB (400 MB: docx_bomb_400)."""
    para = b"<w:p><w:r><w:t>" + "政府信息公开".encode() * 50 + b"</w:t></w:r></w:p>"
    xml = io.BytesIO()
    xml.write(_W)
    while xml.tell() < size_mb * 2**20:
        xml.write(para * 1000)
    xml.write(b"</w:body></w:document>")
    return _docx(xml.getvalue(), folder / f"bomb{size_mb}-{rnd.randrange(10**6)}.docx")


def docx_bomb_400(folder: Path, rnd: random.Random) -> Path:
    return docx_bomb(folder, rnd, 400)


def docx_gridspan(folder: Path, rnd: random.Random) -> Path:
    """A table cell claiming to span 100,000,000 grid columns."""
    xml = (_W + "<w:p><w:r><w:t>绥芬河市2023年政府信息公开工作年度报告</w:t></w:r></w:p>".encode()
           + b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>'
           + b"</w:tr></w:tbl></w:body></w:document>")
    return _docx(xml, folder / f"gridspan-{rnd.randrange(10**6)}.docx")


def zip_of_many(folder: Path, rnd: random.Random) -> Path:
    """A .docx with 20,000 entries."""
    path = folder / f"entries-{rnd.randrange(10**6)}.docx"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(20_000):
            z.writestr(f"word/media/{i}.xml", b"<a/>")
    return path


# ------------------------------------------------------------------ PDF
def blank_pdf(folder: Path, rnd: random.Random) -> Path:
    """300 blank pages: no text layer, so every page would go to OCR."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument.new()
    for _ in range(300):
        doc.new_page(595, 842)
    path = folder / f"blank300-{rnd.randrange(10**6)}.pdf"
    doc.save(str(path))
    doc.close()
    return path


def huge_page_pdf(folder: Path, rnd: random.Random) -> Path:
    """One page 14,400 pt square with a little ink (3.6 billion pixels at 300 dpi)."""
    from reportlab.lib.colors import black
    from reportlab.pdfgen import canvas
    path = folder / f"hugepage-{rnd.randrange(10**6)}.pdf"
    c = canvas.Canvas(str(path), pagesize=(14_400, 14_400))
    c.setFillColor(black)
    c.rect(100, 100, 2000, 300, fill=1)
    c.showPage()
    c.save()
    return path


def encrypted_pdf(folder: Path, rnd: random.Random) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    path = folder / f"encrypted-{rnd.randrange(10**6)}.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "report")
    c.showPage()
    c.save()
    return path


def truncated_pdf(folder: Path, rnd: random.Random) -> Path:
    """A real report PDF cut short."""
    source = rnd.choice(sorted((ROOT.parent / "shared" / "real-reports").glob("*.pdf")) or [None])
    if source is None:
        return binary_garbage(folder, rnd)
    data = source.read_bytes()
    path = folder / f"cut-{rnd.randrange(10**6)}.pdf"
    path.write_bytes(data[: rnd.randint(1000, len(data) - 1000)])
    return path


# (maker, copies in the suite-sized set); the bench scales the copies up to 1,000 files
KINDS = [
    (backtracking_row, 2), (long_line, 1), (punctuation_storm, 2), (truncated_copy, 3), (row_missing_copy, 3),
    (binary_garbage, 4), (empty_file, 2), (hostile_names, 4), (deep_html, 2), (docx_bomb, 1), (docx_gridspan, 1),
    (zip_of_many, 1), (blank_pdf, 1), (huge_page_pdf, 1), (encrypted_pdf, 1), (truncated_pdf, 2),
]


# only in the bench's large set: slow to make
LARGE_KINDS = [(docx_bomb_400, 1)]


def make_set(folder: Path, *, scale: float = 1.0, seed: int = 0) -> list[tuple[str, Path]]:
    """(kind, path) for every file made; scale multiplies the copies of each kind."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for maker, copies in KINDS + (LARGE_KINDS if scale > 1 else []):
        for _ in range(max(1, round(copies * scale))):
            made.append((maker.__name__, maker(folder, rnd)))
    return made
