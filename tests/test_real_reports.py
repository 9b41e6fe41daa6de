"""The real report files in ../shared/real-reports, ingested end to end: cells transcribed by hand
from the rendered pages, metadata, and the consistency findings their README describes."""
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.pipeline import parse_report

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-reports"

# (table, row_key, column_key) -> value, read by hand from the PDF pages.
TRANSCRIBED = {
    "hongze-2023.pdf": {
        ("applications", "本年新收", "自然人"): 21, ("applications", "本年新收", "总计"): 21,
        ("applications", "部分公开", "总计"): 4, ("applications", "无法提供.本机关不掌握相关政府信息", "总计"): 10,
        ("applications", "无法提供.没有现成信息需要另行制作", "总计"): 3, ("applications", "办理结果总计", "总计"): 21,
        ("applications", "结转下年度", "总计"): 0,
        ("20.6", "行政处罚", "本年处理决定数量"): 4119, ("20.5", "行政许可", "本年处理决定数量"): 550,
        ("20.1", "规范性文件", "本年制发件数"): 0, ("20.1", "规范性文件", "本年废止件数"): 5,
        ("20.1", "规范性文件", "现行有效件数"): 5, ("20.8", "行政事业性收费", "本年收费金额"): Decimal("7730.28"),
        ("review_litigation", "复议诉讼", "行政复议.结果维持"): 10, ("review_litigation", "复议诉讼", "行政复议.结果纠正"): 1,
        ("review_litigation", "复议诉讼", "行政复议.总计"): 0, ("review_litigation", "复议诉讼", "行政诉讼.复议后起诉.结果维持"): 5,
    },
    "hongze-2024.pdf": {
        ("applications", "本年新收", "总计"): 95, ("applications", "上年结转", "总计"): 0,
        ("applications", "予以公开", "总计"): 50, ("applications", "无法提供.本机关不掌握相关政府信息", "总计"): 31,
        ("applications", "无法提供.没有现成信息需要另行制作", "总计"): 1, ("applications", "办理结果总计", "总计"): 95,
        ("20.6", "行政处罚", "本年处理决定数量"): 2776, ("20.6", "行政强制", "本年处理决定数量"): 84,
        ("20.5", "行政许可", "本年处理决定数量"): 9487,
        ("review_litigation", "复议诉讼", "行政复议.结果维持"): 1, ("review_litigation", "复议诉讼", "行政复议.总计"): 2,
        ("review_litigation", "复议诉讼", "行政诉讼.复议后起诉.总计"): 3,
    },
    "huaian-2024.pdf": {
        ("applications", "本年新收", "自然人"): 3001, ("applications", "本年新收", "商业企业"): 53,
        ("applications", "本年新收", "法律服务机构"): 61, ("applications", "本年新收", "其他组织"): 4,
        ("applications", "本年新收", "总计"): 3119, ("applications", "予以公开", "总计"): 1362,
        ("applications", "部分公开", "总计"): 454, ("applications", "不予公开.其他法律行政法规禁止公开", "总计"): 31,
        ("applications", "无法提供.本机关不掌握相关政府信息", "总计"): 769,
        ("applications", "无法提供.没有现成信息需要另行制作", "总计"): 11, ("applications", "其他处理.逾期不补正", "总计"): 71,
        ("applications", "办理结果总计", "自然人"): 2932, ("applications", "办理结果总计", "总计"): 3050,
        ("applications", "结转下年度", "总计"): 103,
        ("20.6", "行政处罚", "本年处理决定数量"): 3985758, ("20.8", "行政事业性收费", "本年收费金额"): Decimal("96171.6"),
        ("review_litigation", "复议诉讼", "行政复议.结果维持"): 72, ("review_litigation", "复议诉讼", "行政复议.总计"): 351,
        ("review_litigation", "复议诉讼", "行政诉讼.复议后起诉.总计"): 20,
    },
}
META = {
    "hongze-2023.pdf": ("洪泽区", 2023),
    "hongze-2024.pdf": ("淮安市洪泽区人民政府", 2024),
    "huaian-2024.pdf": ("淮安市人民政府", 2024),
}
FINDINGS = {"hongze-2023.pdf": {"review_litigation.total"}, "hongze-2024.pdf": {"narrative_vs_table"}, "huaian-2024.pdf": set()}


@pytest.fixture(scope="module", params=sorted(TRANSCRIBED))
def real(request):
    path = REAL / request.param
    if not path.is_file():
        pytest.skip(f"{path} not found (shared/ is expected next to the repository)")
    return request.param, parse_report(path)


def test_transcribed_cells(real):
    name, report = real
    cells = {(f.table, f.row_key, f.column_key): f for f in report.facts if f.kind == "table"}
    wrong = {k: (v, cells[k].value if k in cells else "missing") for k, v in TRANSCRIBED[name].items()
             if k not in cells or cells[k].value != Decimal(v)}
    assert not wrong
    for f in cells.values():
        assert report.text[f.value_start:f.value_end] == f.raw


def test_metadata_and_pages(real):
    name, report = real
    body_part, year = META[name]
    assert body_part in (report.meta.body or "") and report.meta.year == year
    assert report.meta.format_version == "2021"
    assert len(report.pages) >= 5 and report.pages[0].page == 1
    sections = [s.number for s in report.sections if s.level == 1 and s.number]
    assert sections == list("一二三四五六")


def test_findings_match_the_source(real):
    name, report = real
    assert {f.rule for f in report.findings} == FINDINGS[name]
