"""The 对话记录 panel: this browser's conversations (reportqa.stores.conversations), kept across page
reloads and server restarts, reopened or deleted (after a confirmation) by the user, exported on
demand as Markdown or PDF (app/web/export.py).

A browser is known by a random id in its localStorage (gr.BrowserState, encrypted with a key kept in
the store folder, so it survives a restart); the conversation open in a tab is kept there too, so a
reload shows it again.
"""
from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path

import gradio as gr

from app.web.common import PRIVATE
from app.web.export import write_export
from app.web.script import EXPORT_AFTER, EXPORT_BEFORE
from reportqa.stores.conversations import ConversationStore, new_browser_id, valid_id

log = logging.getLogger(__name__)


def browser_secret(home: Path) -> str:
    """The key the browser's localStorage entries are encrypted with, made once per store folder."""
    path = home / "browser-state.key"
    try:
        return path.read_text(encoding="ascii").strip()
    except OSError:
        key = secrets.token_urlsafe(24)
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key)
        return key


def _label(c) -> str:
    when = time.strftime("%m-%d %H:%M", time.localtime(c.updated))
    return f"{c.title}　{when} · {c.n_turns} 问"


class ConversationPanel:
    def __init__(self, collection, store: ConversationStore, home: Path):
        self.collection, self.store = collection, store
        secret = browser_secret(home)
        self.browser = gr.BrowserState(None, storage_key="reportqa-browser", secret=secret)
        self.current = gr.BrowserState(None, storage_key="reportqa-conversation", secret=secret)

    def build(self) -> None:
        """The panel's components (inside the chat tab's left column); chat.py wires the events."""
        gr.Markdown("#### 对话记录", elem_classes=["rq-panel-head"])
        self.new_btn = gr.Button("＋ 新对话", size="sm", elem_id="rq-new")
        self.listing = gr.Radio(choices=[], show_label=False, container=False, elem_id="rq-convs")
        self.none = gr.HTML("<div class='rq-empty rq-small'>提问后，对话会保存在这里（仅本浏览器可见）。</div>",
                            elem_id="rq-convs-none")
        self.delete_btn = gr.Button("删除此对话", size="sm", elem_id="rq-conv-delete")
        with gr.Column(visible=False, elem_id="rq-conv-confirm") as self.confirm:
            self.confirm_text = gr.Markdown()
            with gr.Row():
                self.confirm_btn = gr.Button("确认删除", variant="stop", size="sm", elem_id="rq-conv-delete-yes")
                self.cancel_btn = gr.Button("取消", size="sm", elem_id="rq-conv-delete-no")
        gr.Markdown("导出当前对话：", elem_classes=["rq-small"])
        with gr.Row():
            self.export_md = gr.Button("Markdown", size="sm", elem_id="rq-export-md")
            self.export_pdf = gr.Button("PDF", size="sm", elem_id="rq-export-pdf")
        self.export_file = gr.File(label="导出的文件", visible=False, interactive=False, elem_id="rq-export-file")
        self.export_md.click(lambda t: self.export(t, "md"), self._turns, self.export_file, js=EXPORT_BEFORE,
                             **PRIVATE).then(None, js=EXPORT_AFTER)
        self.export_pdf.click(lambda t: self.export(t, "pdf"), self._turns, self.export_file, js=EXPORT_BEFORE,
                              **PRIVATE).then(None, js=EXPORT_AFTER)

    def bind(self, turns: gr.State) -> None:
        self._turns = turns

    # ------------------------------------------------------------------ listing
    def listing_update(self, browser, current) -> tuple:
        """The list of this browser's conversations (the current one chosen), the empty note, the delete button."""
        convs = self.store.list(browser) if valid_id(browser) else []
        choices = [(_label(c), c.id) for c in convs]
        value = current if any(c.id == current for c in convs) else None
        return (gr.update(choices=choices, value=value, visible=bool(convs)), gr.update(visible=not convs),
                gr.update(visible=bool(convs)))

    def record(self, browser, conversation, answer: dict) -> str | None:
        """Store one answer in the conversation (made on the first answer); its id, None if not stored."""
        if not valid_id(browser):
            return None
        try:
            if valid_id(conversation) and self.store.add_turn(browser, conversation, answer):
                return conversation
            conversation = self.store.create(browser, answer["question"])
            self.store.add_turn(browser, conversation, answer)
            return conversation
        except Exception:  # the answer is shown all the same; the log says why it was not kept
            log.exception("could not store the conversation")
            return None

    def start(self, browser):
        """On page load: this browser's id (a new one the first time)."""
        return browser if valid_id(browser) else new_browser_id()

    def turns(self, browser, conversation) -> list[dict]:
        return self.store.turns(browser, conversation) if valid_id(browser) and valid_id(conversation) else []

    # ------------------------------------------------------------------ delete
    def ask_delete(self, browser, conversation):
        info = self.store.get(browser, conversation) if valid_id(browser) and valid_id(conversation) else None
        if info is None:
            gr.Info("请先在列表中选择要删除的对话。", title="提示")
            return gr.update(visible=False), gr.skip()
        return gr.update(visible=True), f"删除对话「{info.title}」（{info.n_turns} 问）？删除后不能恢复。"

    def delete(self, browser, conversation) -> bool:
        done = valid_id(browser) and valid_id(conversation) and self.store.delete(browser, conversation)
        if done:
            gr.Info("对话已删除。", title="提示")
        return bool(done)

    # ------------------------------------------------------------------ export
    def names(self) -> dict[str, str]:
        return {r.report_id: r.display_name for r in self.collection.reports()}

    def export(self, turns, kind: str):
        if not turns:
            gr.Warning("当前对话还没有问答，无法导出。", title="提示")
            return gr.update(value=None, visible=False)
        path = write_export(turns, self.names(), kind)
        return gr.update(value=str(path), visible=True)
