"""The same report as TXT, PDF, DOCX and HTML yields the same table facts, and a cited cell of the
PDF carries the page it is printed on. Renderings come from tests/renderers.py (ruled PDF tables
with merged cells that run over page breaks, Word tables with vMerge/gridSpan, a GBK government page
with navigation, scripts and rowspan/colspan tables)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths, parse_report
from tests.conftest import SAMPLE
from tests.generator import generate_report
from tests.renderers import render_docx, render_html, render_pdf

pytest.importorskip("reportlab")
pytest.importorskip("docx")

RENDERERS = {
    ".pdf": render_pdf,
    ".docx": render_docx,
    ".html": lambda text, path: render_html(text, path, encoding="gbk"),
}
GENERATED = {  # name -> generate_report arguments
    "2021-tab-blanks": dict(seed=10, format_version="2021", layout="tab",
                            damage=frozenset({"fullwidth_digits", "slash_blanks"})),
    "2019-tab": dict(seed=8, format_version="2019", layout="tab"),
    "2021-merged-damaged": dict(seed=12, format_version="2021", layout="merged",
                                damage=frozenset({"fullwidth_digits", "kangxi", "stray_spaces"})),
    "2019-merged-explained": dict(seed=13, format_version="2019", layout="merged",
                                  damage=frozenset({"label_explanations", "mixed_brackets", "heading_variants"})),
}


def facts(report) -> set:
    return {(f.table, f.row_key, f.column_key, f.value) for f in report.facts if f.kind == "table"}


def _render_all(text: str, folder: Path, stem: str) -> dict[str, Path]:
    out = {".txt": folder / f"{stem}.txt"}
    out[".txt"].write_text(text, encoding="utf-8")
    for suffix, render in RENDERERS.items():
        out[suffix] = render(text, folder / f"{stem}{suffix}")
    return out


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    return _render_all(SAMPLE.read_text(encoding="utf-8"), tmp_path_factory.mktemp("sample-formats"),
                       "绥芬河市2023年政府信息公开工作年度报告")


@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_sample_same_facts_in_every_format(sample_files, suffix):
    txt, other = parse_report(sample_files[".txt"]), parse_report(sample_files[suffix])
    assert other.source_format == suffix[1:]
    assert len(facts(txt)) == 202 and facts(other) == facts(txt)
    assert (other.meta.body, other.meta.year, other.meta.format_version) == ("绥芬河市", 2023, "2021")
    assert [s.number for s in other.sections if s.level == 1 and s.number] == list("一二三四五六")
    assert other.findings == txt.findings == []
    for f in other.facts:  # every offset still points at the value in the canonical text
        if f.kind == "table" and f.raw:
            assert other.text[f.value_start:f.value_end] == f.raw


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_same_facts_in_every_format(tmp_path, name):
    args = dict(GENERATED[name])
    g = generate_report(args.pop("seed"), **args)
    files = _render_all(g.text, tmp_path, g.suggested_filename(""))
    truth = {(t, r, c, v) for (t, r, c), v in g.cells.items()}
    assert facts(parse_report(files[".txt"])) == truth
    for suffix in RENDERERS:
        report = parse_report(files[suffix])
        got = facts(report)
        assert got == truth, (suffix, sorted(truth - got)[:5], sorted(got - truth)[:5])
        assert (report.meta.body, report.meta.year) == (g.body, g.year)


def _page_of(pdf_path: Path, *needles: str) -> int:
    import pdfplumber
    with pdfplumber.open(pdf_path) as pdf:
        pages = [i for i, p in enumerate(pdf.pages, 1) if all(n in (p.extract_text() or "") for n in needles)]
    assert len(pages) == 1, (needles, pages)
    return pages[0]


@pytest.mark.integration
def test_pdf_citations_carry_the_page(sample_files, settings_factory, tmp_path):
    from reportqa.stores import Stores
    from retrieval.pipeline import QuestionAnswerer

    pdf = sample_files[".pdf"]
    stores = Stores(settings_factory("pdf-pages"))
    assert [r.status for r in ingest_paths(stores, [pdf], progress=False)] == ["ingested"]
    qa = QuestionAnswerer(stores)
    cases = [("绥芬河市全年作出的行政许可决定有多少件？", 54184, ("行政许可", "54184")),
             ("绥芬河市结转下年度继续办理的申请有多少件？", 2, ("结转下年度继续办理",)),
             ("绥芬河市2023年新收政府信息公开申请多少件？", 30, ("本年新收",))]
    pages = set()
    for question, value, needles in cases:
        answer = qa.ask(question)
        assert answer.value == value, answer.answer
        cited = [c for c in answer.citations if c.cell is not None]
        assert cited and cited[0].page == _page_of(pdf, *needles), (question, cited[0].page)
        assert not cited[0].ocr and not answer.notes
        pages.add(cited[0].page)
    assert len(pages) >= 2  # the sample's tables run over more than one page
