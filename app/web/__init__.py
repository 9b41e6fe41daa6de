"""The web chat (gradio): `build_app(settings)` and `serve(settings)`.

One builder per tab: 问答 (app/web/chat.py), 报告管理 and 一致性审核 (app/web/reports.py), 年度对比
(app/web/compare.py); the page's styles are app/web/style.css. The tabs read and write through
retrieval.collection.Collection and ask through retrieval.pipeline.QuestionAnswerer; the HTML is
app/render.py. Nothing here touches a store.
"""
from __future__ import annotations

import logging
from pathlib import Path

import gradio as gr

from app.web.chat import ChatTab
from app.web.common import (
    CSS,
    HEAD,
    MAX_UPLOAD_MB,
    PRIVATE,
    SEED_DIR,
    THEME,
    UPLOAD_TYPES,
    safe_name,
    table_updates,
)
from app.web.compare import CompareTab
from app.web.reports import ReportsTab, build_audit_tab
from reportqa.config import Settings
from reportqa.stores import Stores
from ingest.catalog import Catalog
from retrieval.collection import Collection

__all__ = ["MAX_UPLOAD_MB", "UPLOAD_TYPES", "build_app", "safe_name", "seed_if_empty", "serve"]

log = logging.getLogger(__name__)
TITLE = ("<div class='rq-title'><h1>reportqa · 政府信息公开年度报告问答</h1>"
         "<p>就已入库的《政府信息公开工作年度报告》提问：每个答案都附原文引用，数字直接取自报告表格。"
         "可按发布机关、年份筛选；追问（如「那2022年呢？」）会沿用上文。</p></div>")


def seed_if_empty(collection: Collection, catalog: Catalog, seed_dir: str | Path | None = None) -> None:
    if not collection.reports():
        catalog.ingest([Path(seed_dir) if seed_dir else SEED_DIR], progress=False)


def _ask_api(qa):
    from retrieval.answer import answer_to_dict

    def ask(question: str) -> dict:
        """Ask one question; returns the answer object (same as `reportqa ask --json`)."""
        if not (question or "").strip():
            raise gr.Error("问题为空：请输入一个问题（empty question）")
        try:
            return answer_to_dict(qa.ask(question))
        except Exception as exc:  # the API client gets the reason, the log the traceback
            log.exception("question failed: %r", question)
            raise gr.Error(f"回答时出错（{type(exc).__name__}）：{exc}") from exc
    return ask


def build_app(settings: Settings, stores: Stores | None = None) -> gr.Blocks:
    from retrieval.pipeline import QuestionAnswerer

    stores = stores or Stores(settings)
    collection = Collection(stores)
    chat = ChatTab(collection, QuestionAnswerer(stores), settings.home / "exports")
    compare = CompareTab(collection)

    def refresh() -> tuple:
        return table_updates(collection)

    manage = ReportsTab(collection, Catalog(stores), settings.uploads_dir, refresh)
    with gr.Blocks(title="reportqa · 政府信息公开年度报告问答") as demo:
        gr.HTML(TITLE)
        turns = gr.State([])
        with gr.Tabs() as tabs:
            chat.build(turns)
            manage.build()
            findings = build_audit_tab(collection)
            compare.build()
        chat.pick_btn.click(compare.open, chat.pick,
                            [compare.body, compare.old, compare.new, compare.section, compare.out, tabs], **PRIVATE)
        tables_out = [manage.reports, manage.victim, chat.bodies, chat.years, findings, compare.body, manage.fix_id]
        manage.wire(tables_out)
        demo.load(refresh, None, tables_out, **PRIVATE)
        gr.api(_ask_api(chat.qa), api_name="ask")
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, seed_dir: str | Path | None = None) -> None:
    stores = Stores(settings)
    collection = Collection(stores)
    seed_if_empty(collection, Catalog(stores), seed_dir)
    collection.warm_up()  # load the embedding model and open the vector store once, before the first user
    demo = build_app(settings, stores)
    demo.queue(default_concurrency_limit=4)
    (settings.home / "exports").mkdir(parents=True, exist_ok=True)
    demo.launch(server_name=host, server_port=port, share=False, css=CSS, head=HEAD, theme=THEME,
                max_file_size=f"{MAX_UPLOAD_MB}mb", allowed_paths=[str(settings.home / "exports")],
                footer_links=["api"], run_history=False)
