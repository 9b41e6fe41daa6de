"""The web chat (gradio): `build_app(settings)` and `serve(settings)`.

One builder per tab: 问答 (app/web/chat.py, with the conversations panel app/web/conversations.py),
报告管理 (app/web/reports.py), 报告详情 (app/web/report_page.py), 一致性审核 (app/web/audit.py), 年度对比
(app/web/compare.py); the page's styles are app/web/style.css, its script app/web/script.py. The tabs
read and write through retrieval.collection.Collection and ingest.catalog.Catalog and ask through
retrieval.pipeline.QuestionAnswerer; conversations are kept by reportqa.stores.conversations.
"""
from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from app.web.audit import build_audit_tab, findings_html
from app.web.chat import ChatTab
from app.web.common import (
    CSS,
    MAX_UPLOAD_MB,
    PRIVATE,
    SEED_DIR,
    THEME,
    UPLOAD_TYPES,
    body_filter_update,
    loaded_summary,
    safe_name,
    year_filter_update,
)
from app.web.compare import CompareTab
from app.web.conversations import ConversationPanel
from app.web.report_page import ReportPageTab
from app.web.reports import ReportsTab
from app.web.original import CSS as ORIGINAL_CSS, SCROLL_JS
from app.web.script import HEAD
from ingest.catalog import Catalog
from reportqa.config import Settings
from reportqa.stores import Stores
from reportqa.stores.conversations import ConversationStore
from retrieval.collection import Collection

__all__ = ["MAX_UPLOAD_MB", "UPLOAD_TYPES", "build_app", "safe_name", "seed_if_empty", "serve"]

log = logging.getLogger(__name__)
TITLE = ("<div class='rq-title'><h1>reportqa · 政府信息公开工作年度报告问答</h1>"
         "<p>就已入库的年度报告提问，每个答案都附原文引用，数字直接取自报告表格；可按发布机关、年份筛选，"
         "追问（如「那2022年呢？」）会沿用上文。</p></div>")


def seed_if_empty(collection: Collection, catalog: Catalog, seed_dir: str | Path | None = None) -> None:
    if not collection.reports():
        catalog.ingest([Path(seed_dir) if seed_dir else SEED_DIR], progress=False)


def _ask_api(qa):
    from retrieval.answer import answer_to_dict

    def ask(question: str, history: list[str] | None = None) -> dict:
        """Ask one question; returns the answer object (same as `reportqa ask --json`). history: the
        conversation's earlier questions, oldest first; the answer is the one the chat gives after them."""
        if not (question or "").strip():
            raise gr.Error("问题为空：请输入一个问题（empty question）")
        if history is not None and (not isinstance(history, list) or not all(isinstance(h, str) for h in history)):
            raise gr.Error("history 应为字符串列表：此前的问题，按时间先后（a list of earlier questions, oldest first）")
        try:
            return answer_to_dict(qa.ask(question, history=[h for h in history or [] if h.strip()]))
        except Exception as exc:  # the API client gets the reason, the log the traceback
            log.exception("question failed: %r", question)
            raise gr.Error(f"回答时出错（{type(exc).__name__}）：{exc}") from exc
    return ask


def build_app(settings: Settings, stores: Stores | None = None) -> gr.Blocks:
    from retrieval.pipeline import QuestionAnswerer

    stores = stores or Stores(settings)
    collection = Collection(stores)
    conversations = ConversationStore(settings.home / "conversations.sqlite3")
    compare = CompareTab(collection)
    manage = ReportsTab(collection, Catalog(stores), settings.uploads_dir)
    report_page = ReportPageTab(collection, manage.relabel)
    with gr.Blocks(title="政府信息公开工作年度报告问答 · reportqa") as demo:
        gr.HTML(TITLE)
        loaded = gr.HTML(loaded_summary(collection), elem_id="rq-loaded")
        turns = gr.State([])
        chat = ChatTab(collection, QuestionAnswerer(stores), ConversationPanel(collection, conversations, settings.home),
                       writer=settings.writer)
        with gr.Tabs() as tabs:
            chat.build(turns)
            manage.build()
            report_page.build()
            findings = build_audit_tab(collection)
            compare.build()

        def refresh(bodies, years, cmp_body, cmp_old, cmp_new, shown) -> tuple:
            """Everything on the page that lists the stored reports, after a change and on page load."""
            return (loaded_summary(collection), body_filter_update(collection, bodies),
                    year_filter_update(collection, years), *manage.refresh(), findings_html(collection.audit()),
                    *compare.refresh(cmp_body, cmp_old, cmp_new), *report_page.refresh(shown))

        on_change = dict(fn=refresh, inputs=[chat.bodies, chat.years, compare.body, compare.old, compare.new,
                                             report_page.report],
                         outputs=[loaded, chat.bodies, chat.years, *manage.refresh_outputs, findings,
                                  *compare.refresh_outputs, *report_page.refresh_outputs], **PRIVATE)
        chat.pick_btn.click(compare.open, chat.pick,
                            [compare.body, compare.old, compare.new, compare.section, compare.out, tabs], **PRIVATE)
        manage.wire(on_change)
        report_page.wire(on_change)
        manage.view_btn.click(report_page.open, manage.fix_id, [*report_page.refresh_outputs, tabs], **PRIVATE)
        demo.load(**on_change)
        chat.on_load(demo)
        gr.api(_ask_api(chat.qa), api_name="ask")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, seed_dir: str | Path | None = None) -> None:
    stores = Stores(settings)
    collection = Collection(stores)
    seed_if_empty(collection, Catalog(stores), seed_dir)
    collection.warm_up()  # load the embedding model and open the vector store once, before the first user
    demo = build_app(settings, stores)
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name=host, server_port=port, share=False, css=CSS + ORIGINAL_CSS, head=HEAD + SCROLL_JS, theme=THEME,
                max_file_size=f"{MAX_UPLOAD_MB}mb", footer_links=["api"], run_history=False)
