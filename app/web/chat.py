"""The 问答 tab: the conversations panel (app/web/conversations.py), the chat with its body and year
filters, and the sources panel with the control that opens the 年度对比 tab on a cited report and
its body's previous year.

Layout: three columns on a wide screen (conversations · chat · sources). On a phone (style.css) the
question box comes within the first screen, the sources right below it, and [n] in an answer scrolls
to its card."""
from __future__ import annotations

import html
import logging
import re
import time

import gradio as gr

from app.render import answer_from_dict, chat_markdown, md_text, section_title, sources_html
from app.web.common import EXAMPLES, PRIVATE
from app.web.original import OriginalPanel, citation_choices
from retrieval.answer import answer_to_dict
from retrieval.writer import write_events
from retrieval.writer.guard import known_names

log = logging.getLogger(__name__)
_TURN = re.compile(r"(?:rq-cite-|data-turn=.)(\d+)")
STREAM_STEPS = 12


class ChatTab:
    def __init__(self, collection, qa, panel, writer=None):
        """Made inside the page's gr.Blocks but outside its gr.Tabs (where gradio would draw a State as a tab).
        writer: reportqa.config.WriterSettings; the 由模型撰写回答 switch is shown only when one is configured."""
        self.collection, self.qa, self.panel = collection, qa, panel
        self.writer = writer if writer is not None and writer.enabled else None
        self.write = None
        self.shown = gr.State(0)  # the answer (1, 2 …) whose sources are on view

    def build(self, turns: gr.State) -> None:
        """The tab's components (inside the page's gr.Tabs) and its own events. turns (the conversation,
        answer_to_dict objects) is made outside the gr.Tabs, where gradio would draw it as a tab."""
        self.turns = turns
        self.panel.bind(turns)
        with gr.Tab("问答", id="qa"), gr.Row(equal_height=False, elem_id="rq-qa-row"):
            with gr.Column(scale=2, min_width=200, elem_id="rq-conv-col"):
                self.panel.build()
            with gr.Column(scale=4, elem_id="rq-chat-col"):
                with gr.Row(elem_id="rq-filters"):
                    self.bodies = gr.Dropdown(label="发布机关", multiselect=True, choices=[], scale=3, elem_id="rq-bodies")
                    self.years = gr.Dropdown(label="年份", multiselect=True, choices=[], scale=2, elem_id="rq-years")
                self.chat = gr.Chatbot(label="对话", height=460, elem_id="rq-chat", buttons=["copy"])
                with gr.Row(elem_id="rq-ask-row"):
                    self.box = gr.Textbox(placeholder="输入问题，如：绥芬河市2023年收到多少申请？",
                                          show_label=False, scale=6, elem_id="rq-question", lines=1)
                    self.send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="rq-send")
                if self.writer is not None:  # without an endpoint the page is exactly as before
                    self.write = gr.Checkbox(label="由模型撰写回答（数字与引用核对后显示）", value=False, elem_id="rq-write")
                with gr.Column(elem_id="rq-examples"):
                    gr.Examples(EXAMPLES, inputs=self.box, label="示例问题")
            with gr.Column(scale=5, elem_id="rq-src-col"):
                gr.Markdown("#### 引用来源", elem_id="rq-src-head")
                with gr.Row(visible=False, elem_id="rq-pick-row", equal_height=True) as self.pick_row:
                    self.pick = gr.Dropdown(label="与上一年对比（引用段落所在章节）", choices=[], scale=4, elem_id="rq-pick")
                    self.pick_btn = gr.Button("对比上一年", scale=1, elem_id="rq-pick-open")
                self.pick_note = gr.Markdown(visible=False, elem_id="rq-pick-note")
                self.sources = gr.HTML(sources_html(self.collection, None), elem_id="rq-sources")
                self.original = OriginalPanel(self.collection)
                self.original.build()
        self._wire()

    @property
    def view(self) -> list:
        """What showing a conversation sets: the chat, the sources, the turns, the answer on view."""
        return [self.chat, self.sources, self.turns, self.shown]

    def _wire(self) -> None:
        p = self.panel
        pick_out = dict(fn=self.citation_pairs, inputs=[self.turns, self.shown],
                        outputs=[self.pick, self.pick_row, self.pick_note, self.original.choice], **PRIVATE)
        listing = dict(fn=p.listing_update, inputs=[p.browser, p.current], outputs=[p.listing, p.none, p.delete_btn], **PRIVATE)
        ask_in = [self.box, self.chat, self.bodies, self.years, self.turns, p.browser, p.current]
        ask_in += [self.write] if self.write is not None else []
        for trigger in (self.box.submit, self.send.click):
            trigger(self.respond, ask_in, [self.box, *self.view, p.current], **PRIVATE).then(**pick_out).then(**listing)
        for trigger in (p.new_btn.click, self.chat.clear):
            trigger(self.reset, None, [*self.view, p.current], **PRIVATE).then(**pick_out).then(**listing)
        p.listing.input(self.reopen, [p.browser, p.listing], [*self.view, p.current], **PRIVATE).then(**pick_out)
        self.chat.select(self.show_turn, [self.turns, self.shown], [self.sources, self.shown], **PRIVATE).then(**pick_out)
        p.delete_btn.click(p.ask_delete, [p.browser, p.current], [p.confirm, p.confirm_text], **PRIVATE)
        p.cancel_btn.click(lambda: gr.update(visible=False), None, p.confirm, **PRIVATE)
        p.confirm_btn.click(self.delete, [p.browser, p.current], [p.confirm, *self.view, p.current],
                            **PRIVATE).then(**pick_out).then(**listing)
        self.original.wire([self.turns, self.shown], self.cited)

    def on_load(self, demo: gr.Blocks) -> None:
        """On page load: the browser's id, its conversations, and the one that was open before."""
        p = self.panel
        demo.load(p.start, p.browser, p.browser, **PRIVATE).then(
            self.reopen, [p.browser, p.current], [*self.view, p.current], **PRIVATE).then(
            p.listing_update, [p.browser, p.current], [p.listing, p.none, p.delete_btn], **PRIVATE).then(
            self.citation_pairs, [self.turns, self.shown], [self.pick, self.pick_row, self.pick_note, self.original.choice],
            **PRIVATE)

    # ------------------------------------------------------------------ asking
    def body_names(self, chosen) -> list[str] | None:
        """Every body name of each chosen body (洪泽区人民政府 and 淮安市洪泽区人民政府 are one choice)."""
        groups = dict(self.collection.body_choices())
        names = [n for label in chosen or [] for n in groups.get(label, [label])]
        return list(dict.fromkeys(names)) or None

    def respond(self, message, chat, bodies, years, turns, browser, conversation, write=False):
        question = (message or "").strip()
        if not question:
            yield "", chat, gr.skip(), turns, gr.skip(), gr.skip()
            return
        chat = chat + [{"role": "user", "content": question}, {"role": "assistant", "content": "正在检索…"}]
        yield "", chat, gr.skip(), turns, gr.skip(), gr.skip()
        try:
            answer = self.qa.ask(question, bodies=self.body_names(bodies),
                                 years=[int(y) for y in years or []] or None, history=[t["question"] for t in turns])
        except Exception as exc:  # shown in the chat, the traceback in the log; the conversation goes on
            log.exception("question failed: %r", question)
            chat[-1] = {"role": "assistant", "content": f"处理问题时出错：{html.escape(str(exc))}"}
            yield "", chat, gr.skip(), turns, gr.skip(), gr.skip()
            return
        step = max(8, len(answer.answer) // STREAM_STEPS)
        for n in range(step, len(answer.answer), step):  # stream the answer's words, then the whole bubble
            chat[-1] = {"role": "assistant", "content": md_text(answer.answer[:n])}
            yield "", chat, gr.skip(), turns, gr.skip(), gr.skip()
            time.sleep(0.02)
        turn = len(turns) + 1
        if write and self.writer is not None:
            answer = yield from self.written(answer, chat, turn)
        chat[-1] = {"role": "assistant", "content": chat_markdown(answer, turn)}
        record = answer_to_dict(answer)
        conversation = self.panel.record(browser, conversation, record)
        yield ("", chat, sources_html(self.collection, answer, turn), turns + [record], turn,
               conversation if conversation else gr.skip())

    def written(self, answer, chat, turn):
        """The extractive answer on view while the model writes (only how much it has written is shown);
        the written text revealed once the whole draft passed the guard, else the extractive answer with
        the note why. Returns the answer to keep."""
        shown, said = chat_markdown(answer, turn), -1
        for event in write_events(answer, self.writer, known_names(self.collection.reports())):
            if isinstance(event, int):
                if event // 20 == said // 20:  # a new count every 20 characters, not a page update per token
                    continue
                said = event
                chat[-1] = {"role": "assistant", "content": f"{shown}\n\n> ✎ 模型撰写中（已写 {event} 字，核对后显示）…"}
                yield "", chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                continue
            if event.status == "passed":
                text = event.answer.answer
                step = max(8, len(text) // STREAM_STEPS)
                for n in range(step, len(text), step):  # checked text only, revealed for the streaming feel
                    chat[-1] = {"role": "assistant", "content": md_text(text[:n])}
                    yield "", chat, gr.skip(), gr.skip(), gr.skip(), gr.skip()
                    time.sleep(0.02)
            return event.answer
        return answer

    # ------------------------------------------------------------------ showing a conversation
    def shown_view(self, turns: list[dict], conversation) -> tuple:
        chat = []
        for k, t in enumerate(turns, 1):
            chat += [{"role": "user", "content": t["question"]},
                     {"role": "assistant", "content": chat_markdown(answer_from_dict(t), k)}]
        last = answer_from_dict(turns[-1]) if turns else None
        return chat, sources_html(self.collection, last, len(turns)), turns, len(turns), conversation

    def reset(self):
        return self.shown_view([], None)

    def reopen(self, browser, conversation):
        turns = self.panel.turns(browser, conversation)
        return self.shown_view(turns, conversation if turns else None)

    def delete(self, browser, conversation):
        self.panel.delete(browser, conversation)
        return (gr.update(visible=False), *self.reset())

    def show_turn(self, turns, shown, evt: gr.SelectData):
        """An answer clicked in the chat: its sources in the panel (a click on [n] then scrolls to the card)."""
        m = _TURN.search(str(evt.value))
        k = int(m.group(1)) if m else 0
        if not 1 <= k <= len(turns) or k == shown:
            return gr.skip(), gr.skip()
        return sources_html(self.collection, answer_from_dict(turns[k - 1]), k), k

    def citation_pairs(self, turns, shown):
        """Comparisons one click away from the answer on view: each cited report with its body's previous
        year (value 'body|old|new|section'); a cited report without one is said so."""
        citations = turns[shown - 1]["citations"] if 1 <= shown <= len(turns) else []
        options, none = [], []
        for p in self.collection.citation_pairs(citations):
            section = section_title(p.section) if p.section else "全部章节"
            if p.previous_year is None:
                if p.label:  # the body has later years only; a body of one year needs no word
                    none.append(f"{html.escape(p.body)} {p.year}年")
                continue
            options.append((f"{p.previous_year}↔{p.year} · {p.body} · {section}",
                            f"{p.label}|{p.previous_year}|{p.year}|{p.section}"))
        note = ("、".join(none) + "：资料库中没有该机关的上一年报告，无法与上一年对比。") if none else ""
        originals = citation_choices(citations, shown)  # the answer on view's citations, for the 原文 panel
        return (gr.update(choices=options, value=options[0][1] if options else None), gr.update(visible=bool(options)),
                gr.update(value=note, visible=bool(note)),
                gr.update(choices=originals, value=originals[0][1] if originals else None))

    def cited(self, turns, shown) -> list[dict]:
        return turns[shown - 1]["citations"] if 1 <= shown <= len(turns) else []
