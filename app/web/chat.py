"""The 问答 tab: the chat, its body and year filters, the sources panel, export, and the control that
opens the 年度对比 tab on a cited passage's other year."""
from __future__ import annotations

import html
import logging
import time
import uuid
from pathlib import Path

import gradio as gr

from app.render import chat_markdown, export_markdown, sources_html
from app.web.common import EXAMPLES, PRIVATE
from retrieval.answer import answer_to_dict

log = logging.getLogger(__name__)


class ChatTab:
    def __init__(self, collection, qa, exports: Path):
        self.collection, self.qa, self.exports = collection, qa, exports

    def build(self, turns: gr.State) -> None:
        """The tab's components (inside the page's gr.Tabs) and its own events. turns (the conversation,
        answer_to_dict objects) is made outside the gr.Tabs, where gradio would draw it as a tab."""
        self.turns = turns
        with gr.Tab("问答", id="qa"), gr.Row(equal_height=False):
            with gr.Column(scale=5):
                with gr.Row():
                    self.bodies = gr.Dropdown(label="发布机关", multiselect=True, choices=[], scale=3, elem_id="rq-bodies")
                    self.years = gr.Dropdown(label="年份", multiselect=True, choices=[], scale=2, elem_id="rq-years")
                self.chat = gr.Chatbot(label="对话", height=460, elem_id="rq-chat", buttons=["copy"])
                with gr.Row():
                    self.box = gr.Textbox(placeholder="输入问题，例如：绥芬河市2023年收到多少政府信息公开申请？",
                                          show_label=False, scale=6, elem_id="rq-question", lines=1)
                    self.send = gr.Button("提问", variant="primary", scale=1, elem_id="rq-send")
                gr.Examples(EXAMPLES, inputs=self.box, label="示例问题")
                with gr.Row():
                    self.download = gr.DownloadButton("导出对话（Markdown）", interactive=False, size="sm")
                    self.clear = gr.Button("新对话", size="sm")
            with gr.Column(scale=4):
                gr.Markdown("#### 引用来源")
                with gr.Row(visible=False, elem_id="rq-pick-row", equal_height=True) as self.pick_row:
                    self.pick = gr.Dropdown(label="对比其他年份（引用段落所在章节）", choices=[], scale=4, elem_id="rq-pick")
                    self.pick_btn = gr.Button("对比上一年", scale=1, elem_id="rq-pick-open")
                self.sources = gr.HTML(sources_html(self.collection, None), elem_id="rq-sources")
        self._wire()

    def _wire(self) -> None:
        chat_out = [self.box, self.chat, self.sources, self.turns, self.download]
        for trigger in (self.box.submit, self.send.click):
            trigger(self.respond, [self.box, self.chat, self.bodies, self.years, self.turns], chat_out, **PRIVATE).then(
                self.citation_pairs, self.turns, [self.pick, self.pick_row], **PRIVATE)
        for trigger in (self.clear.click, self.chat.clear):
            trigger(self.reset, None, [self.chat, self.sources, self.turns, self.download], **PRIVATE).then(
                self.citation_pairs, self.turns, [self.pick, self.pick_row], **PRIVATE)

    def respond(self, message, chat, bodies, years, turns):
        question = (message or "").strip()
        if not question:
            yield "", chat, gr.skip(), turns, gr.skip()
            return
        chat = chat + [{"role": "user", "content": question}, {"role": "assistant", "content": "正在检索…"}]
        yield "", chat, gr.skip(), turns, gr.skip()
        try:
            answer = self.qa.ask(question, bodies=list(bodies or []) or None,
                                 years=[int(y) for y in years or []] or None, history=[t["question"] for t in turns])
        except Exception as exc:  # shown in the chat, the traceback in the log; the conversation goes on
            log.exception("question failed: %r", question)
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
        self.exports.mkdir(parents=True, exist_ok=True)
        path = self.exports / f"reportqa-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.md"
        path.write_text(export_markdown(turns), encoding="utf-8")
        yield "", chat, sources_html(self.collection, answer), turns, gr.update(value=str(path), interactive=True)

    def reset(self):
        return [], sources_html(self.collection, None), [], gr.update(value=None, interactive=False)

    def citation_pairs(self, turns):
        """Comparisons one click away from the latest answer's citations: value 'body|old|new|section'."""
        options = []
        for p in self.collection.citation_pairs(turns[-1]["citations"] if turns else []):
            name = f"第{p.section}部分" if p.section else "全部"
            options.append((f"{p.old_year}↔{p.new_year} · {p.label} · {name}",
                            f"{p.label}|{p.old_year}|{p.new_year}|{p.section}"))
        return gr.update(choices=options, value=options[0][1] if options else None), gr.update(visible=bool(options))
