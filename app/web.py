"""The web chat (gradio): wires the stores, ingestion and the question answerer to a browser UI.

All logic lives in ingest/ and retrieval/; this module only renders and routes.
"""
from __future__ import annotations

import html
import logging
import re
import shutil
import time
import uuid
from pathlib import Path

import gradio as gr

from app.messages import in_chinese
from app.render import SECTION_NAMES, CSS, chat_markdown, compare_html, export_markdown, findings_html, sources_html
from ingest.metadata import split_body
from ingest.pipeline import ingest_paths
from reportqa.config import Settings, configure_offline
from reportqa.stores import Stores
from reportqa.types import LOW_CONFIDENCE
from retrieval.answer import answer_to_dict
from retrieval.compare import compare_reports, section_number
from retrieval.pipeline import QuestionAnswerer
from retrieval.scope import body_groups

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".txt", ".md", ".pdf", ".docx", ".html", ".htm"]
MAX_UPLOAD_MB = 50
STATUS = {"ingested": "已入库", "unchanged": "未变化（已存在）", "replaced": "已更新", "rejected": "未入库",
          "kept": "未替换（保留已存版本）"}
EXAMPLES = ["绥芬河市2023年收到多少政府信息公开申请？", "行政处罚决定有多少件？", "存在的主要问题是什么？"]
SECTION_CHOICES = [("全部", "")] + [(f"{n}、{name}", n) for n, name in SECTION_NAMES.items()]
SEED_DIR = Path(__file__).resolve().parents[1] / "data"
# Opening a citation's "在原文中查看" scrolls the full text to the highlighted quote.
HEAD = """<script>
document.addEventListener('toggle', (e) => {
  const d = e.target; if (!d.open || !d.classList || !d.classList.contains('rq-full')) return;
  const box = d.querySelector('.rq-fulltext'), m = d.querySelector('mark.hit');
  if (box && m) box.scrollTop = m.offsetTop - box.offsetTop - box.clientHeight / 3;
}, true);
</script>"""


# System fonts only: the browser must not fetch web fonts (the app runs offline).
THEME = gr.themes.Soft(font=["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"],
                       font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"])


def _checked(value, confidence: float) -> str:
    if value in (None, ""):
        return "？待核实"
    return f"{value}（？待核实）" if confidence < LOW_CONFIDENCE else str(value)


def safe_name(name: str) -> str:
    """A sanitized basename of an uploaded file: no directories, no '..', only word characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem if dot else base).strip("._-")[:80] or "report"
    suffix = suffix.lower() if dot and "." + suffix.lower() in UPLOAD_TYPES else "txt"
    return f"{stem}.{suffix}"


def seed_if_empty(stores: Stores, seed_dir: str | Path | None = None) -> None:
    if not stores.facts.list_reports():
        ingest_paths(stores, [Path(seed_dir) if seed_dir else SEED_DIR], progress=False)


def build_app(settings: Settings, stores: Stores | None = None) -> gr.Blocks:
    configure_offline()
    stores = stores or Stores(settings)
    exports = settings.home / "exports"
    qa = QuestionAnswerer(stores)

    def choices():
        reports = stores.facts.list_reports()
        bodies = sorted({r.body for r in reports if r.body})
        years = sorted({str(r.year) for r in reports if r.year}, reverse=True)
        return gr.update(choices=bodies), gr.update(choices=years)

    def compare_groups() -> dict[str, list]:
        """Bodies with reports of two or more years: label (the body as last written) -> reports, oldest first."""
        out = {}
        for g in body_groups(stores.facts.list_reports()):
            if len({r.year for r in g if r.year}) >= 2:
                label = g[-1].body or g[-1].report_id
                out[label if label not in out else f"{label}（{g[-1].report_id}）"] = g
        return out

    def year_choices(label) -> tuple[list[str], str | None, str | None]:
        """A body's years, newest first, and the default pair: the two latest."""
        group = compare_groups().get(label or "", [])
        years = sorted({str(r.year) for r in group if r.year}, reverse=True)
        return years, (years[1] if len(years) > 1 else None), (years[0] if years else None)

    def body_years(label):
        years, old, new = year_choices(label)
        return gr.update(choices=years, value=old), gr.update(choices=years, value=new)

    def run_compare(label, old_year, new_year, section):
        group = compare_groups().get(label or "")
        if not group or not old_year or not new_year:
            return "<div class='rq-empty'>请选择有两个以上年份报告的发布机关和两个年份。</div>"
        if old_year == new_year:
            return "<div class='rq-empty'>请选择两个不同的年份。</div>"
        a, b = sorted((int(old_year), int(new_year)))
        old = [r for r in group if r.year == a][-1]
        new = [r for r in group if r.year == b][-1]
        cmp = compare_reports(stores.facts, old.report_id, new.report_id, [section] if section else None)
        return compare_html(cmp, f"{a}年 · {old.body or old.report_id}", f"{b}年 · {new.body or new.report_id}")

    def citation_pairs(turns):
        """Comparisons one click away from the latest answer's citations: value 'body|old|new|section'."""
        cites = turns[-1]["citations"] if turns else []
        groups = compare_groups()
        where_ = {r.report_id: (label, g) for label, g in groups.items() for r in g}
        options = []
        for c in cites:
            if c["report_id"] not in where_ or not c.get("year"):
                continue
            label, g = where_[c["report_id"]]
            others = sorted({r.year for r in g if r.year and r.year != c["year"]})
            earlier = [y for y in others if y < c["year"]]
            other = earlier[-1] if earlier else others[0]
            old, new = sorted((other, c["year"]))
            number = section_number(c.get("section")) or ""
            name = f"第{number}部分" if number else "全部"
            option = (f"{old}↔{new} · {label} · {name}", f"{label}|{old}|{new}|{number}")
            if option not in options:
                options.append(option)
        return gr.update(choices=options, value=options[0][1] if options else None), gr.update(visible=bool(options))

    def open_compare(value):
        if not value:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        label, old, new, number = value.rsplit("|", 3)
        group = compare_groups().get(label, [])
        years = sorted({str(r.year) for r in group if r.year}, reverse=True)
        return (gr.update(value=label), gr.update(choices=years, value=old), gr.update(choices=years, value=new),
                gr.update(value=number), run_compare(label, old, new, number), gr.Tabs(selected="compare"))

    def report_rows():
        # unknown or weakly found body/year are marked so a person can fix them below
        return [[r.report_id, _checked(r.body, r.body_confidence), _checked(r.year, r.year_confidence),
                 r.format_version, r.n_chunks, r.n_facts, r.n_findings] for r in stores.facts.list_reports()]

    def refresh():
        ids = [r.report_id for r in stores.facts.list_reports()]
        return (report_rows(), gr.update(choices=ids, value=None), *choices(), findings_html(stores),
                gr.update(choices=list(compare_groups())), gr.update(choices=ids, value=None))

    def relabel(report_id, body, year):
        if not report_id:
            return (gr.update(value="请先选择要修改的报告", visible=True), *refresh())
        report = stores.facts.get_report(report_id)
        body = (body or "").strip() or (report.body if report else None)
        try:
            year = int(year) if year not in (None, "") else (report.year if report else None)
        except (TypeError, ValueError):
            return (gr.update(value=f"年份无效：{html.escape(str(year))}", visible=True), *refresh())
        place, body_type = split_body(body)
        done = stores.facts.relabel(report_id, body=body, year=year, place=place, body_type=body_type)
        msg = f"已将 {report_id} 改为：{body} {year}年" if done else f"未找到 {report_id}"
        return (gr.update(value=msg, visible=True), *refresh())

    def respond(message, chat, bodies, years, turns):
        question = (message or "").strip()
        if not question:
            yield "", chat, gr.skip(), turns, gr.skip()
            return
        chat = chat + [{"role": "user", "content": question}, {"role": "assistant", "content": "正在检索…"}]
        yield "", chat, gr.skip(), turns, gr.skip()
        try:
            answer = qa.ask(question, bodies=list(bodies or []) or None, years=[int(y) for y in years or []] or None,
                            history=[t["question"] for t in turns])
        except Exception as exc:  # shown in the chat; the conversation goes on
            chat[-1] = {"role": "assistant", "content": f"处理问题时出错：{html.escape(str(exc))}"}
            yield "", chat, gr.skip(), turns, gr.skip()
            return
        text = chat_markdown(answer)
        step = max(8, len(text) // 12)
        for n in range(step, len(text), step):  # stream the composed answer
            chat[-1] = {"role": "assistant", "content": text[:n]}
            yield "", chat, gr.skip(), turns, gr.skip()
            time.sleep(0.02)
        chat[-1] = {"role": "assistant", "content": text}
        turns = turns + [answer_to_dict(answer)]
        exports.mkdir(parents=True, exist_ok=True)
        path = exports / f"reportqa-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.md"
        path.write_text(export_markdown(turns), encoding="utf-8")
        yield "", chat, sources_html(stores, answer), turns, gr.update(value=str(path), interactive=True)

    def ingest(files, replace=False, progress=gr.Progress()):
        rows = []
        files = files or []
        if not files:
            return ([["", STATUS["rejected"], "", "请先选择要上传的报告文件"]], None, *refresh())
        for i, f in enumerate(files):
            src = Path(f if isinstance(f, str) else f.name)
            name = safe_name(src.name)
            progress((i, len(files)), desc=f"正在入库 {name}")
            if "." + src.name.rpartition(".")[2].lower() not in UPLOAD_TYPES:
                rows.append([name, STATUS["rejected"], "", "不支持的文件类型"])
                continue
            if src.stat().st_size > MAX_UPLOAD_MB * 2**20:
                rows.append([name, STATUS["rejected"], "", f"文件超过 {MAX_UPLOAD_MB} MB"])
                continue
            dest = settings.uploads_dir / uuid.uuid4().hex[:12] / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            try:
                for r in ingest_paths(stores, [dest], progress=False, replace=bool(replace)):
                    rows.append([name, STATUS.get(r.status, r.status), r.report_id or "", in_chinese(r.message)])
                    if r.status in ("rejected", "unchanged", "kept"):  # keep only the copies a stored report came from
                        shutil.rmtree(dest.parent, ignore_errors=True)
            finally:
                src.unlink(missing_ok=True)  # gradio's temporary copy of the upload
        progress((len(files), len(files)), desc="完成")
        return (rows, None, *refresh())

    def delete(report_id):
        msg = ""
        if report_id:
            msg = f"已删除 {report_id}" if stores.delete_report(report_id) else f"未找到 {report_id}"
        return (gr.update(value=msg, visible=bool(msg)), *refresh())

    def ask_api(question: str) -> dict:
        """Ask one question; returns the answer object (same as `reportqa ask --json`)."""
        if not (question or "").strip():
            raise gr.Error("问题为空：请输入一个问题（empty question）")
        try:
            return answer_to_dict(qa.ask(question))
        except Exception as exc:  # the API client gets the reason, the log the traceback
            log.exception("question failed: %r", question)
            raise gr.Error(f"回答时出错（{type(exc).__name__}）：{exc}") from exc

    with gr.Blocks(title="reportqa · 政府信息公开年度报告问答") as demo:
        gr.HTML("<div class='rq-title'><h1>reportqa · 政府信息公开年度报告问答</h1>"
                "<p>就已入库的《政府信息公开工作年度报告》提问：每个答案都附原文引用，数字直接取自报告表格。"
                "可按发布机关、年份筛选；追问（如「那2022年呢？」）会沿用上文。</p></div>")
        turns = gr.State([])
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="qa"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=5):
                        with gr.Row():
                            bodies = gr.Dropdown(label="发布机关", multiselect=True, choices=[], scale=3, elem_id="rq-bodies")
                            years = gr.Dropdown(label="年份", multiselect=True, choices=[], scale=2, elem_id="rq-years")
                        chat = gr.Chatbot(label="对话", height=460, elem_id="rq-chat", buttons=["copy"])
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题，例如：绥芬河市2023年收到多少政府信息公开申请？",
                                             show_label=False, scale=6, elem_id="rq-question", lines=1)
                            send = gr.Button("提问", variant="primary", scale=1, elem_id="rq-send")
                        gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                        with gr.Row():
                            download = gr.DownloadButton("导出对话（Markdown）", interactive=False, size="sm")
                            clear = gr.Button("新对话", size="sm")
                    with gr.Column(scale=4):
                        gr.Markdown("#### 引用来源")
                        with gr.Row(visible=False, elem_id="rq-pick-row", equal_height=True) as pick_row:
                            pick = gr.Dropdown(label="对比其他年份（引用段落所在章节）", choices=[], scale=4,
                                               elem_id="rq-pick")
                            pick_btn = gr.Button("对比上一年", scale=1, elem_id="rq-pick-open")
                        sources = gr.HTML(sources_html(stores, None), elem_id="rq-sources")
            with gr.Tab("报告管理", id="manage"):
                uploads = gr.File(label=f"上传报告（.txt .md .pdf .docx .html，单个不超过 {MAX_UPLOAD_MB} MB）",
                                  file_count="multiple", file_types=UPLOAD_TYPES, elem_id="rq-upload", height=160)
                replace_box = gr.Checkbox(label="允许替换：新文件缺少已存版本的表格数据或大部分正文时也替换（原版本保留在历史中，可用 reportqa restore 恢复）",
                                          value=False, elem_id="rq-replace")
                ingest_btn = gr.Button("入库", variant="primary", elem_id="rq-ingest")
                results = gr.Dataframe(headers=["文件", "状态", "报告 ID", "说明"], label="入库结果",
                                       interactive=False, elem_id="rq-results")
                reports = gr.Dataframe(headers=["报告 ID", "发布机关", "年份", "格式", "段落", "数据", "审核问题"],
                                       value=report_rows(), label="已入库报告", interactive=False, elem_id="rq-reports")
                with gr.Row():
                    victim = gr.Dropdown(label="选择要删除的报告", choices=[], scale=3, elem_id="rq-victim")
                    remove = gr.Button("删除报告", variant="stop", scale=1, elem_id="rq-delete")
                removed = gr.Markdown(visible=False, elem_id="rq-removed")
                gr.Markdown("发布机关或年份标有「？待核实」的，可在此改正（不需重新入库）：")
                with gr.Row():
                    fix_id = gr.Dropdown(label="选择要修改的报告", choices=[], scale=3, elem_id="rq-fix-id")
                    fix_body = gr.Textbox(label="发布机关（全称）", scale=3, elem_id="rq-fix-body")
                    fix_year = gr.Textbox(label="报告年份", scale=1, elem_id="rq-fix-year")
                    fix_btn = gr.Button("修改", scale=1, elem_id="rq-fix")
                fixed = gr.Markdown(visible=False, elem_id="rq-fixed")
            with gr.Tab("一致性审核", id="audit"):
                gr.Markdown("各报告表格之间、正文与表格之间的勾稽关系检查结果（有问题的报告仍可问答）。")
                findings = gr.HTML(findings_html(stores), elem_id="rq-audit")
            with gr.Tab("年度对比", id="compare"):
                gr.Markdown("同一发布机关两个年份的报告逐节、逐句对照：左为较早年份，右为较晚年份；"
                            "修改的句子标出删去和新增的词。")
                labels = list(compare_groups())
                first = labels[0] if labels else None
                first_years, first_old, first_new = year_choices(first)
                with gr.Row():
                    cmp_body = gr.Dropdown(label="发布机关（有两个以上年份）", choices=labels, value=first, scale=3,
                                           elem_id="rq-cmp-body")
                    cmp_old = gr.Dropdown(label="较早年份", choices=first_years, value=first_old, scale=1,
                                          elem_id="rq-cmp-old")
                    cmp_new = gr.Dropdown(label="较晚年份", choices=first_years, value=first_new, scale=1,
                                          elem_id="rq-cmp-new")
                    cmp_section = gr.Dropdown(label="章节", choices=SECTION_CHOICES, value="", scale=2,
                                              elem_id="rq-cmp-section")
                    cmp_btn = gr.Button("对比", variant="primary", scale=1, elem_id="rq-cmp-run")
                cmp_out = gr.HTML(compare_html(None), elem_id="rq-compare")

        private = dict(api_visibility="private")
        chat_out = [box, chat, sources, turns, download]
        for trigger in (box.submit, send.click):
            trigger(respond, [box, chat, bodies, years, turns], chat_out, **private).then(
                citation_pairs, turns, [pick, pick_row], **private)

        def reset():
            return [], sources_html(stores, None), [], gr.update(value=None, interactive=False)

        for trigger in (clear.click, chat.clear):
            trigger(reset, None, [chat, sources, turns, download], **private).then(
                citation_pairs, turns, [pick, pick_row], **private)
        cmp_body.change(body_years, cmp_body, [cmp_old, cmp_new], **private)
        cmp_btn.click(run_compare, [cmp_body, cmp_old, cmp_new, cmp_section], cmp_out, **private)
        pick_btn.click(open_compare, pick, [cmp_body, cmp_old, cmp_new, cmp_section, cmp_out, tabs], **private)
        tables_out = [reports, victim, bodies, years, findings, cmp_body, fix_id]
        ingest_btn.click(ingest, [uploads, replace_box], [results, uploads, *tables_out], **private)
        remove.click(delete, victim, [removed, *tables_out], **private)
        fix_btn.click(relabel, [fix_id, fix_body, fix_year], [fixed, *tables_out], **private)
        demo.load(refresh, None, tables_out, **private)
        gr.api(ask_api, api_name="ask")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, seed_dir: str | Path | None = None) -> None:
    configure_offline()
    stores = Stores(settings)
    seed_if_empty(stores, seed_dir)
    stores.vectors  # load the embedding model and open the vector store once, before the first user
    demo = build_app(settings, stores)
    demo.queue(default_concurrency_limit=4)
    (settings.home / "exports").mkdir(parents=True, exist_ok=True)
    demo.launch(server_name=host, server_port=port, share=False, css=CSS, head=HEAD, theme=THEME,
                max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[str(settings.home / "exports")],
                footer_links=["api"], run_history=False)
