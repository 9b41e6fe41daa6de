"""The 年度对比 tab: one body's reports of two years side by side, section by section (the HTML is
app/web/compare_view.py). Its choices follow the stored reports: refresh() runs on page load and
after every upload, delete or relabel."""
from __future__ import annotations

import gradio as gr

from app.web.common import PRIVATE, SECTION_CHOICES
from app.web.compare_view import compare_html
from retrieval.pairs import default_years, group_years

EMPTY = "<div class='rq-empty'>请选择有两个以上年份报告的发布机关和两个年份。</div>"


class CompareTab:
    def __init__(self, collection):
        self.collection = collection

    def years(self, label) -> tuple[list[str], str | None, str | None]:
        """A body's years, newest first, and the default pair: the two latest."""
        group = self.collection.comparable().get(label or "", [])
        old, new = default_years(group)
        return [str(y) for y in group_years(group)], (str(old) if old else None), (str(new) if new else None)

    def build(self) -> None:
        """The tab's components (inside the page's gr.Tabs) and its own events."""
        with gr.Tab("年度对比", id="compare"):
            gr.Markdown("同一发布机关两个年份的报告逐节、逐句对照：左为较早年份，右为较晚年份；"
                        "修改的句子标出删去和新增的词；第二、三、四部分的表格按格对照，有变化的格标出上年→本年。")
            with gr.Row():
                self.body = gr.Dropdown(label="发布机关（已入库两个以上年份的）", choices=[], value=None, scale=3,
                                        elem_id="rq-cmp-body")
                self.old = gr.Dropdown(label="较早年份", choices=[], value=None, scale=1, elem_id="rq-cmp-old")
                self.new = gr.Dropdown(label="较晚年份", choices=[], value=None, scale=1, elem_id="rq-cmp-new")
                self.section = gr.Dropdown(label="章节", choices=SECTION_CHOICES, value="", scale=2,
                                           elem_id="rq-cmp-section")
                self.run_btn = gr.Button("对比", variant="primary", scale=1, elem_id="rq-cmp-run")
            self.out = gr.HTML(compare_html(None), elem_id="rq-compare")
        self.body.input(self.body_years, self.body, [self.old, self.new], **PRIVATE)
        self.run_btn.click(self.run, [self.body, self.old, self.new, self.section], self.out, **PRIVATE)

    @property
    def refresh_outputs(self) -> list:
        return [self.body, self.old, self.new]

    def refresh(self, label, old, new) -> tuple:
        """The bodies offered, after reports changed: the one chosen stays when it still has two years."""
        labels = list(self.collection.comparable())
        keep = label in labels
        label = label if keep else (labels[0] if labels else None)
        years, first_old, first_new = self.years(label)
        old = old if keep and old in years else first_old
        new = new if keep and new in years else first_new
        return (gr.update(choices=labels, value=label), gr.update(choices=years, value=old),
                gr.update(choices=years, value=new))

    def body_years(self, label):
        years, old, new = self.years(label)
        return gr.update(choices=years, value=old), gr.update(choices=years, value=new)

    def run(self, label, old_year, new_year, section) -> str:
        if not label or not old_year or not new_year:
            return EMPTY
        if old_year == new_year:
            return "<div class='rq-empty'>请选择两个不同的年份。</div>"
        pair = self.collection.pick_pair(label, int(old_year), int(new_year))
        if pair is None:
            return EMPTY
        old, new = pair
        cmp = self.collection.compare(old.report_id, new.report_id, [section] if section else None)
        grids = tuple({g.table: g for g in self.collection.table_grids(r.report_id)} for r in (old, new))
        return compare_html(cmp, f"{old.year}年 · {old.body or old.report_id}", f"{new.year}年 · {new.body or new.report_id}",
                            grids)

    def open(self, value):
        """A choice of the chat's 与上一年对比 control ('body|old|new|section') shown in this tab."""
        if not value:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        label, old, new, number = value.rsplit("|", 3)
        years, _old, _new = self.years(label)
        return (gr.update(value=label, choices=list(self.collection.comparable())),
                gr.update(choices=years, value=old), gr.update(choices=years, value=new),
                gr.update(value=number), self.run(label, old, new, number), gr.Tabs(selected="compare"))
