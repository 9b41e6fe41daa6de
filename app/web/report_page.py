"""The 报告详情 tab: one report as a page (the HTML is app/web/report_view.py): its metadata and how
its body and year were found, editable (saved by the 报告管理 tab's relabel, so both forms behave
alike), its sections, findings, tables and chunks. Its chooser follows the stored reports: refresh()
runs on page load and after every upload, delete or relabel."""
from __future__ import annotations

import gradio as gr

from app.web.common import PRIVATE
from app.web.report_view import meta_html, report_html

EMPTY_META = "<div class='rq-empty'>选择一份报告，查看它的识别依据、章节、表格、审核问题和段落。</div>"


def report_choices(reports) -> list[tuple[str, str]]:
    """(机关 年份 (report_id), report_id) of every stored report."""
    return [(f"{r.display_body} {r.year or '年份待核实'}{'年' if r.year else ''} ({r.report_id})", r.report_id)
            for r in sorted(reports, key=lambda r: (r.display_body, r.year or 0))]


class ReportPageTab:
    def __init__(self, collection, relabel):
        """relabel: the 报告管理 tab's ReportsTab.relabel(report_id, body, year) -> its message's update."""
        self.collection, self.relabel = collection, relabel

    def build(self) -> None:
        """The tab's components (inside the page's gr.Tabs) and its own events; saving is wired by wire()."""
        with gr.Tab("报告详情", id="report"):
            self.report = gr.Dropdown(label="选择报告（发布机关 年份 (报告 ID)）", choices=[], value=None,
                                      elem_id="rq-rp-report")
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    self.meta = gr.HTML(EMPTY_META, elem_id="rq-rp-meta")
                with gr.Column(scale=2, elem_id="rq-rp-edit"):
                    gr.Markdown("发布机关或年份有误时，在此改正（不需重新入库）：")
                    self.body = gr.Textbox(label="发布机关（全称）", elem_id="rq-rp-body")
                    self.year = gr.Textbox(label="报告年份", elem_id="rq-rp-year")
                    self.save = gr.Button("保存", variant="primary", elem_id="rq-rp-save")
                    self.saved = gr.Markdown(visible=False, elem_id="rq-rp-saved")
            self.content = gr.HTML(report_html(self.collection, None), elem_id="rq-rp-content")
        self.report.input(self.choose, self.report, [*self.shown_outputs, self.saved], **PRIVATE)

    def wire(self, refresh: dict) -> None:
        """Saving ends by refreshing every list of reports on the page, this one included."""
        self.save.click(self.relabel, [self.report, self.body, self.year], self.saved, **PRIVATE).then(**refresh)

    @property
    def shown_outputs(self) -> list:
        return [self.meta, self.body, self.year, self.content]

    @property
    def refresh_outputs(self) -> list:
        return [self.report, *self.shown_outputs]

    def show(self, report_id) -> tuple:
        """The metadata, the edit form's values and the page of one report (or of none)."""
        report = self.collection.report(report_id) if report_id else None
        if report is None:
            return EMPTY_META, "", "", report_html(self.collection, None)
        return (meta_html(report, self.collection.pages(report_id)), report.body or "",
                str(report.year or ""), report_html(self.collection, report_id))

    def choose(self, report_id) -> tuple:
        return (*self.show(report_id), gr.update(value="", visible=False))

    def refresh(self, chosen) -> tuple:
        """After reports changed: the choices again; the chosen report shown afresh while it is stored."""
        reports = self.collection.reports()
        chosen = chosen if any(r.report_id == chosen for r in reports) else None
        return (gr.update(choices=report_choices(reports), value=chosen), *self.show(chosen))

    def open(self, report_id):
        """A report chosen elsewhere (the 报告管理 tab's 查看) shown in this tab."""
        if not report_id:
            return (gr.skip(),) * (len(self.refresh_outputs) + 1)
        return (*self.refresh(report_id), gr.Tabs(selected="report"))
