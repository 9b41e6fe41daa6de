"""Every cell of every table of the sample report, against a transcription made by hand
from data/suifenhe-2023.txt, plus its (clean) consistency checks and exact offsets."""
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.consistency import check_report
from ingest.pipeline import parse_report

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "suifenhe-2023.txt"
APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织")

# Section 二, transcribed by hand: (table, row) -> {column: value}
SECTION_TWO = {
    ("20.1", "规章"): {"本年制发件数": "0", "本年废止件数": "0", "现行有效件数": "0"},
    ("20.1", "规范性文件"): {"本年制发件数": "3", "本年废止件数": "7", "现行有效件数": "41"},
    ("20.5", "行政许可"): {"本年处理决定数量": "54184"},
    ("20.6", "行政处罚"): {"本年处理决定数量": "367"},
    ("20.6", "行政强制"): {"本年处理决定数量": "0"},
    ("20.8", "行政事业性收费"): {"本年收费金额": "1856.554"},
}
# Section 三, by hand: every row has its value in 自然人 and 总计 and 0 in the five 法人 columns.
SECTION_THREE_NATURAL_PERSONS = {
    "本年新收": 30, "上年结转": 0, "予以公开": 13, "部分公开": 1,
    "不予公开.属于国家秘密": 0, "不予公开.其他法律行政法规禁止公开": 5, "不予公开.危及三安全一稳定": 0,
    "不予公开.保护第三方合法权益": 0, "不予公开.属于三类内部事务信息": 0, "不予公开.属于四类过程性信息": 0,
    "不予公开.属于行政执法案卷": 1, "不予公开.属于行政查询事项": 1,
    "无法提供.本机关不掌握相关政府信息": 7, "无法提供.没有现成信息需要另行制作": 0, "无法提供.补正后申请内容仍不明确": 0,
    "不予处理.信访举报投诉类申请": 0, "不予处理.重复申请": 0, "不予处理.要求提供公开出版物": 0,
    "不予处理.无正当理由大量反复申请": 0, "不予处理.要求行政机关确认或重新出具已获取信息": 0,
    "其他处理.逾期不补正": 0, "其他处理.逾期未缴费": 0, "其他处理.其他": 0,
    "办理结果总计": 28, "结转下年度": 2,
}
# The first two rows carry an eighth number (the header's extra top-level 其他 column): both 0.
EXTRA_OTHER_APPLICANT_ROWS = ("本年新收", "上年结转")
REVIEW_COLUMNS = [f"{g}.{c}" for g in ("行政复议", "行政诉讼.未经复议直接起诉", "行政诉讼.复议后起诉")
                  for c in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]


@pytest.fixture(scope="module")
def report():
    return parse_report(SAMPLE)


def _cells(report, kind="table"):
    return {(f.table, f.row_key, f.column_key): f for f in report.facts if f.kind == kind}


def test_metadata(report):
    m = report.meta
    assert (m.body, m.year, m.published, m.format_version) == ("绥芬河市", 2023, "2024-01-22", "2021")
    assert report.report_id == "绥芬河市-2023"


def test_every_cell_of_section_two(report):
    cells = _cells(report)
    expected = {(t, r, c): Decimal(v) for (t, r), cols in SECTION_TWO.items() for c, v in cols.items()}
    got = {k: f.value for k, f in cells.items() if k[0].startswith("20.")}
    assert got == expected
    assert cells[("20.8", "行政事业性收费", "本年收费金额")].unit == "万元"
    assert cells[("20.1", "规范性文件", "本年制发件数")].row_label == "行政规范性文件"


def test_every_cell_of_section_three(report):
    cells = _cells(report)
    expected = {}
    for row, natural in SECTION_THREE_NATURAL_PERSONS.items():
        expected[("applications", row, "自然人")] = Decimal(natural)
        expected[("applications", row, "总计")] = Decimal(natural)
        for col in APPLICANTS[1:]:
            expected[("applications", row, col)] = Decimal(0)
    for row in EXTRA_OTHER_APPLICANT_ROWS:
        expected[("applications", row, "其他申请人")] = Decimal(0)
    got = {k: f.value for k, f in cells.items() if k[0] == "applications"}
    assert got == expected


def test_every_cell_of_section_four(report):
    cells = _cells(report)
    got = {k[2]: f.value for k, f in cells.items() if k[0] == "review_litigation"}
    assert got == {c: Decimal(0) for c in REVIEW_COLUMNS}


def test_sample_is_consistent(report):
    assert check_report(report.report_id, report.facts) == []
    assert report.findings == []


def test_offsets_reproduce_text(report):
    for f in report.facts:
        written = report.text[f.value_start:f.value_end]
        assert written == f.raw if f.kind == "table" else f.raw.startswith(written), f
        assert f.start <= f.value_start < f.value_end <= f.end
    for c in report.chunks:
        assert report.text[c.start:c.end] == c.text
    row = _cells(report)[("applications", "本年新收", "总计")]
    assert report.text[row.start:row.end].startswith("一、本年新收政府信息公开申请数量\t30")


def test_narrative_numbers(report):
    narrative = {(f.row_key, f.value) for f in report.facts if f.kind == "narrative"}
    for key, value in [("政府门户网站公开各类信息", 7366), ("政务新媒体发布信息", 7720), ("我市现有政务新媒体", 22),
                       ("通过全国一体化在线平台可全程在线办理政务服务事项", 1395), ("全年办理服务事项", 64062),
                       ("共受理依申请公开政府信息", 30)]:
        assert (key, Decimal(value)) in narrative


def test_sections_found(report):
    numbers = [s.number for s in report.sections if s.level == 1 and s.number]
    assert numbers == list("一二三四五六")
    subs = [s.heading for s in report.sections if s.level == 2]
    assert subs[0] == "（一）主动公开政府信息情况" and len(subs) == 5
    for s in report.sections:
        if s.number:
            assert report.text[s.start:s.end].startswith(s.heading)
