"""Rows whose cells do not match their columns (cut-off copies, lost cells), read from real report
texts: the cells that are there keep their columns, a cell that runs into a cut is not a number,
and every such row is a finding that answers citing it carry. Pure: no model, no store."""
from __future__ import annotations

from pathlib import Path

from ingest.pipeline import parse_report

CORPUS = Path(__file__).resolve().parent / "realcorpus" / "reports"


def _cells(report, row_key):
    return {f.column_key: f.value for f in report.facts if f.kind == "table" and f.row_key == row_key}


def test_a_row_cut_by_the_end_of_the_text_keeps_its_first_columns():
    # a026 (孝感市政府办 2020) ends inside its table: "其他主动公开文件 | 56 | 45 " — two of three cells
    report = parse_report(CORPUS / "a026.txt")
    assert _cells(report, "其他主动公开文件") == {"本年新制作数量": 56, "本年新公开数量": 45}
    assert _cells(report, "规范性文件") == {"本年新制作数量": 11, "本年新公开数量": 11, "对外公开总数量": 119}
    damaged = [f for f in report.findings if f.rule == "table.row_cells"]
    assert len(damaged) == 1 and ("20.1", "其他主动公开文件", "对外公开总数量") in damaged[0].cells


def test_a_cell_that_runs_into_the_cut_is_not_read(tmp_path):
    text = (CORPUS / "a026.txt").read_text(encoding="utf-8").rstrip()  # "… | 56 | 45": 45 may be 45x
    path = tmp_path / "cut.txt"
    path.write_text(text, encoding="utf-8")
    report = parse_report(path)
    assert _cells(report, "其他主动公开文件") == {"本年新制作数量": 56}
    assert any(f.rule == "table.row_cells" for f in report.findings)


def test_complete_tables_have_no_damage_finding_and_a_spilled_row_has_one():
    sample = parse_report(Path(__file__).resolve().parents[1] / "data" / "suifenhe-2023.txt")
    assert [f.message for f in sample.findings if f.rule == "table.row_cells"] == []
    # f13 (上海市政府办公厅 2025, from a PDF): row 5's label broke over two lines and its cells spilled
    # into row 4's — the totals fail too, and the damaged row says where
    spilled = parse_report(CORPUS.parent / "files" / "f13.md")
    assert [f.cells[0][1] for f in spilled.findings if f.rule == "table.row_cells"] == ["不予处理.无正当理由大量反复申请"]


def test_two_counts_in_one_clause_each_keep_their_own_words():
    """勉县 (holdout3 k018): 办理回复领导信箱来件94件和处办12345政务服务便民热线工单共计7639件 — 94 is the
    letters, 7639 the hotline tickets; a question about the tickets must not get 94."""
    from ingest.narrative import _sentence_facts
    text = "全年办理回复领导信箱来件94件和处办12345政务服务便民热线工单共计7639件。"
    facts = {f.value: f.row_label for f in _sentence_facts("r", text, 0, len(text))}
    assert facts[94] == "全年办理回复领导信箱来件94件" and "热线工单" in facts[7639] and "热线" not in facts[94]
