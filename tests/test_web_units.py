"""The web page's pieces without a browser: the conversation store, the grid's two-level header, tabs
drawn as cell separators, [n] links, library messages in Chinese, the export."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.messages import in_chinese  # noqa: E402
from app.render import answer_from_dict, cells, chat_markdown, header_rows, md_text, table_name  # noqa: E402
from app.web.export import to_markdown  # noqa: E402
from reportqa.stores.conversations import ConversationStore, new_browser_id  # noqa: E402
from reportqa.types import Answer, CellRef, Citation  # noqa: E402


def test_conversations_are_per_browser(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    a, b = new_browser_id(), new_browser_id()
    cid = store.create(a, "绥芬河市2023年收到多少申请？")
    assert store.add_turn(a, cid, {"question": "q1", "answer": "x"})
    assert not store.add_turn(b, cid, {"question": "q2"})  # another browser cannot write to it
    assert store.turns(b, cid) == [] and store.list(b) == [] and not store.delete(b, cid)
    assert [c.title for c in store.list(a)] == ["绥芬河市2023年收到多少申请？"] and store.list(a)[0].n_turns == 1
    assert store.turns(a, cid) == [{"question": "q1", "answer": "x"}]
    assert store.turns("' OR 1=1 --", cid) == [] and store.list("x") == []
    reopened = ConversationStore(tmp_path / "c.sqlite3")  # kept on disk
    assert reopened.turns(a, cid)[0]["question"] == "q1"
    assert reopened.delete(a, cid) and reopened.list(a) == []


def test_two_level_header_from_column_keys():
    cols = [("行政复议.结果维持", "结果维持"), ("行政复议.总计", "总计"),
            ("行政诉讼.未经复议直接起诉.结果维持", "结果维持"), ("行政诉讼.复议后起诉.结果维持", "结果维持")]
    html = header_rows(cols, "行政诉讼.复议后起诉.结果维持")
    rows = html.split("</tr>")[:-1]
    assert len(rows) == 3
    assert "colspan='2'>行政复议<" in rows[0] and "colspan='2'>行政诉讼<" in rows[0]
    assert "未经复议直接起诉" in rows[1] and "复议后起诉" in rows[1] and "rowspan='2'>结果维持" in rows[1]
    assert rows[2].count("rq-leaf") == 2 and "hit-col" in rows[2]
    assert "." not in html.replace("rq-leaf", "").replace("hit-col", "")
    flat = header_rows([("自然人", "自然人"), ("其他组织", "其他"), ("其他申请人", "其他")])
    assert flat.count("<tr>") == 1 and "其他组织" in flat and "其他申请人" in flat  # two 其他 told apart


def test_tabs_drawn_as_separators_and_text_kept():
    assert cells("178\t37") == "178<span class='rq-tab'>\t</span>37"
    assert md_text("178\t37") == "178 │ 37"
    assert table_name("review_litigation") == "第四部分 政府信息公开行政复议、行政诉讼情况"
    assert table_name("applications") == "第三部分 收到和处理政府信息公开申请情况"
    assert table_name("20.1").startswith("第二部分 主动公开政府信息情况 · 第二十条")


def test_markers_link_to_cards_and_stay_inert():
    c = Citation("r-2023", "t", "绥芬河市", 2023, "三、收到", 10, 20, "本年新收\t30<b>\"'", CellRef("applications", "本年新收", "总计"))
    a = Answer("q", "table", "为 30件。[1] 又见[2]和[x](http://e.x)", citations=[c])
    md = chat_markdown(a, 3)
    assert "<a class='rq-ref' href='#rq-cite-3-1' title='本年新收 │ 30&lt;b&gt;&quot;&#x27;'>&#91;1&#93;</a>" in md
    assert "&#91;2&#93;" in md and "<b>" not in md and "http://" not in md  # [2] has no citation: text
    back = answer_from_dict({"question": "q", "route": "table", "answer": "a", "value": 30, "unit": "件",
                             "reports": ["r-2023"], "notes": [], "citations": [
                                 {**c.__dict__, "cell": c.cell.__dict__}]})
    assert back.citations[0] == c


def test_library_reasons_in_chinese():
    assert in_chinese("a.pdf: this is not a PDF file (no %PDF header)") == "「a.pdf」：这不是 PDF 文件（缺少 %PDF 文件头）"
    assert in_chinese("a.doc.docx: this is an old Word .doc file; only .docx is supported").startswith("「a.doc.docx」：这是旧版")
    unknown = in_chinese("a.txt: something new went wrong")
    assert unknown.startswith("「a.txt」：无法读取该文件")


def test_export_marks_refusals_and_locates_quotes():
    turns = [{"question": "北京市2019年？", "route": "none", "answer": "资料库中没有", "reports": [], "notes": [],
              "citations": []},
             {"question": "绥芬河市？", "route": "table", "answer": "30件。[1]", "reports": ["r-2023"], "notes": ["注意"],
              "citations": [{"report_id": "r-2023", "body": "绥芬河市", "year": 2023, "section": "三、收到", "page": 2,
                             "start": 10, "end": 20, "quote": "本年新收\t30", "cell": {"row": "本年新收", "column": "总计"}}]}]
    md = to_markdown(turns, {"r-2023": "绥芬河市2023年"}, when=0)
    assert md.count("【未找到答案】") == 1 and "检索的报告：绥芬河市2023年" in md
    assert "第2页 · 单元格：本年新收 / 总计 · 报告 r-2023 原文第 10–20 字" in md and "> 本年新收 │ 30" in md
