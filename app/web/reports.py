"""The 报告管理 tab (upload, delete, relabel) and the 一致性审核 tab (the audit)."""
from __future__ import annotations

import html
import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from app.messages import in_chinese
from app.render import findings_html
from app.web.common import (
    MAX_UPLOAD_MB,
    PRIVATE,
    STATUS,
    UPLOAD_TYPES,
    report_rows,
    safe_name,
)

log = logging.getLogger(__name__)


def build_audit_tab(collection) -> gr.HTML:
    """The 一致性审核 tab: the same findings as `reportqa audit`, cross-year ones included."""
    with gr.Tab("一致性审核", id="audit"):
        gr.Markdown("各报告表格之间、正文与表格之间的勾稽关系检查结果（有问题的报告仍可问答）。")
        return gr.HTML(findings_html(collection.audit()), elem_id="rq-audit")


class ReportsTab:
    """`refresh()` returns the new values of `tables_out` (app.web.common.table_updates)."""

    def __init__(self, collection, catalog, uploads_dir: Path, refresh: Callable[[], tuple]):
        self.collection, self.catalog, self.uploads_dir, self.refresh = collection, catalog, uploads_dir, refresh

    def build(self) -> None:
        """The tab's components (inside the page's gr.Tabs); events are wired by wire()."""
        with gr.Tab("报告管理", id="manage"):
            self.uploads = gr.File(label=f"上传报告（.txt .md .pdf .docx .html，单个不超过 {MAX_UPLOAD_MB} MB）",
                                   file_count="multiple", file_types=UPLOAD_TYPES, elem_id="rq-upload", height=160)
            self.replace = gr.Checkbox(label="允许替换：新文件缺少已存版本的表格数据或大部分正文时也替换（原版本保留在历史中，可用 reportqa restore 恢复）",
                                       value=False, elem_id="rq-replace")
            self.ingest_btn = gr.Button("入库", variant="primary", elem_id="rq-ingest")
            self.results = gr.Dataframe(headers=["文件", "状态", "报告 ID", "说明"], label="入库结果",
                                        interactive=False, elem_id="rq-results")
            self.reports = gr.Dataframe(headers=["报告 ID", "发布机关", "年份", "格式", "段落", "数据", "审核问题"],
                                        value=report_rows(self.collection.reports()), label="已入库报告",
                                        interactive=False, elem_id="rq-reports")
            with gr.Row():
                self.victim = gr.Dropdown(label="选择要删除的报告", choices=[], scale=3, elem_id="rq-victim")
                self.remove = gr.Button("删除报告", variant="stop", scale=1, elem_id="rq-delete")
            self.removed = gr.Markdown(visible=False, elem_id="rq-removed")
            gr.Markdown("发布机关或年份标有「？待核实」的，可在此改正（不需重新入库）：")
            with gr.Row():
                self.fix_id = gr.Dropdown(label="选择要修改的报告", choices=[], scale=3, elem_id="rq-fix-id")
                self.fix_body = gr.Textbox(label="发布机关（全称）", scale=3, elem_id="rq-fix-body")
                self.fix_year = gr.Textbox(label="报告年份", scale=1, elem_id="rq-fix-year")
                self.fix_btn = gr.Button("修改", scale=1, elem_id="rq-fix")
            self.fixed = gr.Markdown(visible=False, elem_id="rq-fixed")

    def wire(self, tables_out: list) -> None:
        """The tab's events; each ends by refreshing every list of reports on the page (tables_out)."""
        self.ingest_btn.click(self.ingest, [self.uploads, self.replace], [self.results, self.uploads, *tables_out], **PRIVATE)
        self.remove.click(self.delete, self.victim, [self.removed, *tables_out], **PRIVATE)
        self.fix_btn.click(self.relabel, [self.fix_id, self.fix_body, self.fix_year], [self.fixed, *tables_out], **PRIVATE)

    def relabel(self, report_id, body, year):
        if not report_id:
            return (gr.update(value="请先选择要修改的报告", visible=True), *self.refresh())
        report = self.collection.report(report_id)
        body = (body or "").strip() or (report.body if report else None)
        try:
            year = int(year) if year not in (None, "") else (report.year if report else None)
        except (TypeError, ValueError):
            return (gr.update(value=f"年份无效：{html.escape(str(year))}", visible=True), *self.refresh())
        done = self.catalog.relabel(report_id, body, year)
        msg = f"已将 {report_id} 改为：{body} {year}年" if done else f"未找到 {report_id}"
        return (gr.update(value=msg, visible=True), *self.refresh())

    def _store_upload(self, src: Path, name: str, replace: bool) -> list[list]:
        """Result rows of one uploaded file, copied under uploads/ (kept only when a report came from it)."""
        if "." + src.name.rpartition(".")[2].lower() not in UPLOAD_TYPES:
            return [[name, STATUS["rejected"], "", "不支持的文件类型"]]
        if src.stat().st_size > MAX_UPLOAD_MB * 2**20:
            return [[name, STATUS["rejected"], "", f"文件超过 {MAX_UPLOAD_MB} MB"]]
        dest = self.uploads_dir / uuid.uuid4().hex[:12] / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        rows = []
        for r in self.catalog.ingest([dest], progress=False, replace=replace):
            rows.append([name, STATUS.get(r.status, r.status), r.report_id or "", in_chinese(r.message)])
            if r.status in ("rejected", "unchanged", "kept"):  # keep only the copies a stored report came from
                shutil.rmtree(dest.parent, ignore_errors=True)
        return rows

    def ingest(self, files, replace=False, progress=gr.Progress()):
        files = files or []
        if not files:
            return ([["", STATUS["rejected"], "", "请先选择要上传的报告文件"]], None, *self.refresh())
        rows = []
        for i, f in enumerate(files):
            src = Path(f if isinstance(f, str) else f.name)
            name = safe_name(src.name)
            progress((i, len(files)), desc=f"正在入库 {name}")
            try:
                rows += self._store_upload(src, name, bool(replace))
            finally:
                src.unlink(missing_ok=True)  # gradio's temporary copy of the upload
        progress((len(files), len(files)), desc="完成")
        return (rows, None, *self.refresh())

    def delete(self, report_id):
        msg = ""
        if report_id:
            msg = f"已删除 {report_id}" if self.catalog.delete(report_id) else f"未找到 {report_id}"
        return (gr.update(value=msg, visible=bool(msg)), *self.refresh())
