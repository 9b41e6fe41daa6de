"""The 报告管理 tab: upload, delete (after a confirmation, with the uploaded original), relabel.

Every change ends by refreshing everything on the page that lists the stored reports (`refresh`,
a dict of .then() arguments made by app/web/__init__.py)."""
from __future__ import annotations

import html
import logging
import re
import shutil
import uuid
from pathlib import Path

import gradio as gr

from app.messages import in_chinese
from app.web.common import MAX_UPLOAD_MB, PRIVATE, STATUS, UPLOAD_TYPES, report_rows, safe_name

log = logging.getLogger(__name__)
_UPLOAD_FOLDER = re.compile(r"^[0-9a-f]{12}$")  # uploads/<12 hex>/<file>: a copy this tab made


def _shown(msg: str) -> dict:
    return gr.update(value=msg, visible=bool(msg))


class ReportsTab:
    def __init__(self, collection, catalog, uploads_dir: Path):
        self.collection, self.catalog, self.uploads_dir = collection, catalog, uploads_dir

    def build(self) -> None:
        """The tab's components (inside the page's gr.Tabs); events are wired by wire()."""
        with gr.Tab("报告管理", id="manage"):
            self.uploads = gr.File(label=f"上传报告（.txt .md .pdf .docx .html，单个不超过 {MAX_UPLOAD_MB} MB）",
                                   file_count="multiple", file_types=UPLOAD_TYPES, elem_id="rq-upload", height=160)
            self.replace = gr.Checkbox(label="允许替换：新文件缺少已存版本的表格数据或大部分正文时也替换（原版本保留在历史中，可用 reportqa restore 恢复）",
                                       value=False, elem_id="rq-replace")
            self.ingest_btn = gr.Button("入库", variant="primary", elem_id="rq-ingest")
            self.ingest_note = gr.Markdown(visible=False, elem_id="rq-ingest-note")
            self.results = gr.Dataframe(headers=["文件", "状态", "报告 ID", "说明"], label="入库结果",
                                        interactive=False, elem_id="rq-results")
            self.reports = gr.Dataframe(headers=["报告 ID", "发布机关", "年份", "格式", "段落", "数据", "审核问题"],
                                        value=report_rows(self.collection.reports()), label="已入库报告",
                                        interactive=False, elem_id="rq-reports")
            with gr.Row():
                self.victim = gr.Dropdown(label="选择要删除的报告", choices=[], scale=3, elem_id="rq-victim")
                self.remove = gr.Button("删除报告", variant="stop", scale=1, elem_id="rq-delete")
            with gr.Row(visible=False, elem_id="rq-delete-confirm", equal_height=True) as self.confirm_row:
                self.confirm_text = gr.Markdown(elem_id="rq-delete-question")
                self.confirm_btn = gr.Button("确认删除", variant="stop", scale=0, elem_id="rq-delete-yes")
                self.cancel_btn = gr.Button("取消", scale=0, elem_id="rq-delete-no")
            self.removed = gr.Markdown(visible=False, elem_id="rq-removed")
            gr.Markdown("发布机关或年份标有「待核实」的，可在此改正（不需重新入库）；「查看」打开报告详情：")
            with gr.Row():
                self.fix_id = gr.Dropdown(label="选择要修改的报告", choices=[], scale=3, elem_id="rq-fix-id")
                self.fix_body = gr.Textbox(label="发布机关（全称）", scale=3, elem_id="rq-fix-body")
                self.fix_year = gr.Textbox(label="报告年份", scale=1, elem_id="rq-fix-year")
                self.fix_btn = gr.Button("修改", scale=1, elem_id="rq-fix")
                self.view_btn = gr.Button("查看", scale=1, elem_id="rq-view")  # opens the 报告详情 tab on it
            self.fixed = gr.Markdown(visible=False, elem_id="rq-fixed")

    def wire(self, refresh: dict) -> None:
        """The tab's events; each change ends by refreshing every list of reports on the page."""
        self.ingest_btn.click(self.ingest, [self.uploads, self.replace], [self.ingest_note, self.results, self.uploads],
                              **PRIVATE).then(**refresh)
        self.remove.click(self.ask_delete, self.victim, [self.confirm_row, self.confirm_text, self.removed], **PRIVATE)
        self.cancel_btn.click(lambda: (gr.update(visible=False), _shown("")), None, [self.confirm_row, self.removed],
                              **PRIVATE)
        self.confirm_btn.click(self.delete, self.victim, [self.confirm_row, self.removed], **PRIVATE).then(**refresh)
        self.fix_btn.click(self.relabel, [self.fix_id, self.fix_body, self.fix_year], self.fixed, **PRIVATE).then(**refresh)

    @property
    def refresh_outputs(self) -> list:
        return [self.reports, self.victim, self.fix_id]

    def refresh(self) -> tuple:
        ids = [r.report_id for r in self.collection.reports()]
        return (report_rows(self.collection.reports()), gr.update(choices=ids, value=None),
                gr.update(choices=ids, value=None))

    def relabel(self, report_id, body, year):
        if not report_id:
            return _shown("请先选择要修改的报告。")
        report = self.collection.report(report_id)
        body = (body or "").strip() or (report.body if report else None)
        try:
            year = int(year) if year not in (None, "") else (report.year if report else None)
        except (TypeError, ValueError):
            return _shown(f"年份无效：{html.escape(str(year))}")
        done = self.catalog.relabel(report_id, body, year)
        return _shown(f"已将 {report_id} 改为：{body} {year}年" if done else f"未找到 {report_id}")

    def _store_upload(self, src: Path, name: str, replace: bool) -> list[list]:
        """Result rows of one uploaded file, copied under uploads/ (kept only when a report came from it)."""
        if "." + src.name.rpartition(".")[2].lower() not in UPLOAD_TYPES:
            return [[name, STATUS["rejected"], "", "不支持的文件类型（可上传 .txt .md .pdf .docx .html）"]]
        if src.stat().st_size > MAX_UPLOAD_MB * 2**20:
            return [[name, STATUS["rejected"], "", f"文件超过 {MAX_UPLOAD_MB} MB"]]
        dest = self.uploads_dir / uuid.uuid4().hex[:12] / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        try:
            results = self.catalog.ingest([dest], progress=False, replace=replace)
        except Exception as exc:  # the page says so in Chinese; the traceback goes to the log
            log.exception("ingest failed: %s", dest)
            shutil.rmtree(dest.parent, ignore_errors=True)
            return [[name, STATUS["rejected"], "", f"入库时出错（{type(exc).__name__}），详情见服务器日志"]]
        rows = []
        for r in results:
            note = in_chinese(r.message) if r.message else f"{r.n_chunks} 个段落、{r.n_facts} 项数据、{r.n_findings} 条审核问题"
            rows.append([name, STATUS.get(r.status, r.status), r.report_id or "", note])
            if r.status in ("rejected", "unchanged", "kept"):  # keep only the copies a stored report came from
                shutil.rmtree(dest.parent, ignore_errors=True)
        return rows

    def ingest(self, files, replace=False, progress=gr.Progress()):
        files = files or []
        if not files:
            gr.Warning("请先选择要上传的报告文件，再点击「入库」。", title="提示")
            return _shown("⚠ 请先选择要上传的报告文件（点击上方区域或把文件拖进来），再点击「入库」。"), gr.skip(), gr.skip()
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
        done = sum(1 for r in rows if r[1] in (STATUS["ingested"], STATUS["replaced"]))
        return _shown(f"已处理 {len(rows)} 个文件，{done} 个入库或更新。"), rows, None

    def ask_delete(self, report_id):
        if not report_id:
            return gr.update(visible=False), gr.skip(), _shown("请先选择要删除的报告。")
        r = self.collection.report(report_id)
        if r is None:
            return gr.update(visible=False), gr.skip(), _shown(f"未找到 {report_id}")
        upload = "，并删除上传保存的原文件" if self._uploaded_original(r.source_path) else ""
        return (gr.update(visible=True), f"确定删除 **{html.escape(r.display_name)}**（{html.escape(report_id)}）吗？"
                f"删除后将不能再就它提问{upload}（文本保留在历史中，可用 reportqa restore 恢复）。", _shown(""))

    def _uploaded_original(self, source_path: str | None) -> Path | None:
        """The uploaded file a report came from, when this tab stored it (uploads/<12 hex>/<name>)."""
        if not source_path:
            return None
        try:
            path = Path(source_path).resolve()
            root = self.uploads_dir.resolve()
        except OSError:
            return None
        if path.parent.parent != root or not _UPLOAD_FOLDER.match(path.parent.name) or not path.is_file():
            return None
        return path

    def delete(self, report_id):
        if not report_id:
            return gr.update(visible=False), _shown("请先选择要删除的报告。")
        report = self.collection.report(report_id)
        original = self._uploaded_original(report.source_path) if report else None
        if not self.catalog.delete(report_id):
            return gr.update(visible=False), _shown(f"未找到 {report_id}")
        still_used = original and any(r.source_path and Path(r.source_path).resolve() == original
                                      for r in self.collection.reports())
        if original and not still_used:
            original.unlink(missing_ok=True)
            try:
                original.parent.rmdir()  # the folder the upload was copied into, when nothing else is in it
            except OSError:
                pass
        return gr.update(visible=False), _shown(f"已删除 {report_id}" + ("，及其上传的原文件" if original else ""))
