"""原文 — the original beside the answer: for a cited PDF, its page as an image with the cited
characters marked, page turn and full-screen zoom; for Word and HTML reports, the document rebuilt
as published (inert) and scrolled to the marked quote. Plain-text reports have no other original
than the text the citation card already shows.
"""
from __future__ import annotations

import io
import logging

import gradio as gr
from PIL import Image

from app.web.common import PRIVATE
from ingest.readers.pdf_view import page_view
from ingest.readers.published_view import published_html

log = logging.getLogger(__name__)

# Scrolls the rebuilt document to its marked quote whenever the panel changes (gr.HTML runs no scripts).
SCROLL_JS = """<script>
new MutationObserver(() => {
  const box = document.querySelector('#rq-published .rq-published'), m = box && box.querySelector('mark.rq-hit');
  if (m && box.dataset.scrolled !== m.textContent) { box.dataset.scrolled = m.textContent;
    box.scrollTop = m.offsetTop - box.offsetTop - box.clientHeight / 3; }
}).observe(document.documentElement, {childList: true, subtree: true});
</script>"""
CSS = """
#rq-published .rq-published { max-height: 70vh; overflow: auto; padding: 8px 12px; border: 1px solid #e5e7eb;
  border-radius: 6px; background: #fff; font-size: 14px; line-height: 1.7; }
#rq-published table { border-collapse: collapse; margin: 6px 0; }
#rq-published td, #rq-published th { border: 1px solid #cbd5e1; padding: 2px 6px; }
#rq-published mark.rq-hit { background: #fde68a; outline: 2px solid #d97706; }
@media (max-width: 760px) { #rq-original { order: 7; } }  /* on a phone: right after the citation cards */
"""
EMPTY = "<p class='rq-muted'>点击答案中的引用（或在上方选择），这里显示它在报告原件中的位置。</p>"


def citation_choices(citations: list[dict], turn: int) -> list[tuple[str, str]]:
    """Choices for the answer on view; a value names the answer too ("3:0"), so the first citation
    of the next answer is a change even at the same position."""
    return [(f"[{i}] {c.get('body') or c['report_id']} {c.get('year') or ''}年 · {c.get('section', '').split(' / ')[-1]}",
             f"{turn}:{i - 1}") for i, c in enumerate(citations, 1)]


class OriginalPanel:
    """Built inside a column beside the chat; `show` is wired to the citation chooser."""

    def __init__(self, collection):
        self.collection = collection

    def build(self) -> None:
        with gr.Accordion("原文（报告原件中的位置）", open=True, elem_id="rq-original"):
            self.choice = gr.Dropdown(choices=[], label="引用", interactive=True, elem_id="rq-original-choice")
            self.note = gr.HTML(EMPTY, elem_id="rq-original-note")
            self.image = gr.Image(type="pil", label="原件页面", interactive=False, visible=False, elem_id="rq-page",
                                  buttons=["fullscreen"])
            with gr.Row(visible=False) as self.nav:
                self.prev_btn = gr.Button("◀ 上一页", size="sm", elem_id="rq-page-prev")
                self.next_btn = gr.Button("下一页 ▶", size="sm", elem_id="rq-page-next")
            self.published = gr.HTML("", visible=False, elem_id="rq-published")
        self.where = gr.State(None)  # (report_id, page, quote) on screen

    def outputs(self) -> list:
        return [self.note, self.image, self.nav, self.published, self.where]

    def wire(self, inputs: list, citations_of) -> None:
        """inputs: the components citations_of(*values) reads the answer on view's citations from."""
        self.choice.change(lambda *values: self.show(citations_of(*values[:-1]), values[-1]), [*inputs, self.choice],
                           self.outputs(), show_progress="hidden", **PRIVATE)
        self.prev_btn.click(lambda w: self.turn(w, -1), self.where, self.outputs(), show_progress="hidden", **PRIVATE)
        self.next_btn.click(lambda w: self.turn(w, +1), self.where, self.outputs(), show_progress="hidden", **PRIVATE)

    # ------------------------------------------------------------ callbacks
    def show(self, citations: list[dict] | None, choice: str | None) -> tuple:
        index = int(str(choice).rpartition(":")[2]) if choice and str(choice).rpartition(":")[2].isdigit() else -1
        if not citations or not 0 <= index < len(citations):
            return self._nothing(EMPTY)
        c = citations[index]
        return self._render(c["report_id"], c.get("page") or 1, c.get("quote") or "")

    def turn(self, where, step: int) -> tuple:
        if not where:
            return self._nothing(EMPTY)
        report_id, page, quote = where
        return self._render(report_id, max(1, page + step), quote)

    def _render(self, report_id: str, page: int, quote: str) -> tuple:
        try:
            report = self.collection.report(report_id)
            if report is None:
                return self._nothing("<p class='rq-muted'>该报告已不在资料库中。</p>")
            if report.source_format == "pdf":
                view = page_view(report.source_path, page, quote)
                if view is None:
                    return self._nothing("<p class='rq-muted'>报告原件（PDF）已不在原处，无法显示页面。</p>")
                marked = "已在页面上标出引用位置" if view.boxes else "本页未找到引用原文（可翻页查看）"
                note = f"<p class='rq-muted'>第 {view.page} / {view.pages} 页 · {marked}。</p>"
                return (note, gr.update(value=Image.open(io.BytesIO(view.png)), visible=True), gr.update(visible=True),
                        gr.update(value="", visible=False), (report_id, view.page, quote))
            if report.source_format in ("html", "docx"):
                markup = published_html(report.source_path, report.source_format, quote)
                if markup is None:
                    return self._nothing("<p class='rq-muted'>报告原件已不在原处，无法显示。</p>")
                note = "<p class='rq-muted'>按发布时的版式重排（已去除脚本和链接），引用处已标出。</p>"
                return (note, gr.update(value=None, visible=False), gr.update(visible=False),
                        gr.update(value=f"<div class='rq-published'>{markup}</div>", visible=True), (report_id, 1, quote))
            return self._nothing("<p class='rq-muted'>该报告以纯文本入库：原文即引用卡片中的全文。</p>")
        except Exception:  # the answer stands; the picture of its source is a help, not a condition
            log.exception("showing the original of %s failed", report_id)
            return self._nothing("<p class='rq-muted'>无法显示报告原件。</p>")

    @staticmethod
    def _nothing(note: str) -> tuple:
        return (note, gr.update(value=None, visible=False), gr.update(visible=False), gr.update(value="", visible=False),
                None)
