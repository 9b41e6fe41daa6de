"""What the tabs of the web page share: constants, the page's look, upload names, the lists of
stored reports."""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

import gradio as gr

from app.render import SECTION_NAMES
from reportqa.types import LOW_CONFIDENCE

UPLOAD_TYPES = [".txt", ".md", ".pdf", ".docx", ".html", ".htm"]
MAX_UPLOAD_MB = 50
PRIVATE = {"api_visibility": "private"}  # UI events are not part of the API
STATUS = {"ingested": "已入库", "unchanged": "未变化（已存在）", "replaced": "已更新", "rejected": "未入库",
          "kept": "未替换（保留已存版本）"}
EXAMPLES = ["绥芬河市2023年收到多少政府信息公开申请？", "行政处罚决定有多少件？", "存在的主要问题是什么？"]
SECTION_CHOICES = [("全部章节", "")] + [(f"{n}、{name}", n) for n, name in SECTION_NAMES.items()]
SEED_DIR = Path(__file__).resolve().parents[2] / "data"
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
SUMMARY_BODIES = 6  # bodies named in the page's 已入库 line; the rest are counted


# System fonts only: the browser must not fetch web fonts (the app runs offline).
THEME = gr.themes.Soft(font=["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui", "sans-serif"],
                       font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"])


def checked(value, confidence: float) -> str:
    """A body or year as shown in the report list: unknown or weakly found ones marked 待核实."""
    if value in (None, ""):
        return "待核实"
    return f"{value}（待核实）" if confidence < LOW_CONFIDENCE else str(value)


def safe_name(name: str) -> str:
    """A sanitized basename of an uploaded file: no directories, no '..', only word characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    stem, dot, suffix = base.rpartition(".")
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem if dot else base).strip("._-")[:80] or "report"
    suffix = suffix.lower() if dot and "." + suffix.lower() in UPLOAD_TYPES else "txt"
    return f"{stem}.{suffix}"


def report_rows(reports) -> list[list]:
    # unknown or weakly found body/year are marked so a person can fix them in the 报告管理 tab
    return [[r.report_id, checked(r.body, r.body_confidence), checked(r.year, r.year_confidence),
             r.format_version, r.n_chunks, r.n_facts, r.n_findings] for r in reports]


def loaded_summary(collection) -> str:
    """The page's line saying what is stored: 已入库 4 份报告：绥芬河市（2023年）、…"""
    groups = collection.body_groups()
    if not groups:
        return "<div class='rq-loaded rq-loaded-none'>尚未入库任何报告：请在「报告管理」中上传。</div>"
    n = sum(len(g) for g in groups)
    named = []
    for g in sorted(groups, key=lambda g: g[-1].display_body)[:SUMMARY_BODIES]:
        years = "、".join(str(y) for y in sorted({r.year for r in g if r.year})) or "年份待核实"
        named.append(f"{escape(g[-1].display_body)}（{years}）")
    more = f" 等 {len(groups)} 个机关" if len(groups) > SUMMARY_BODIES else ""
    return f"<div class='rq-loaded'>已入库 <b>{n}</b> 份报告：{'、'.join(named)}{more}</div>"


def body_filter_update(collection, chosen) -> dict:
    """The chat's body filter: one choice per body, whatever names its reports use across years."""
    labels = [label for label, _names in collection.body_choices()]
    return gr.update(choices=labels, value=[c for c in chosen or [] if c in labels])


def year_filter_update(collection, chosen) -> dict:
    years = sorted({str(r.year) for r in collection.reports() if r.year}, reverse=True)
    return gr.update(choices=years, value=[y for y in chosen or [] if y in years])
