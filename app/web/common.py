"""What the tabs of the web page share: constants, the page's look, upload names, the report tables."""
from __future__ import annotations

import re
from pathlib import Path

import gradio as gr

from app.render import SECTION_NAMES, findings_html
from reportqa.types import LOW_CONFIDENCE

UPLOAD_TYPES = [".txt", ".md", ".pdf", ".docx", ".html", ".htm"]
MAX_UPLOAD_MB = 50
PRIVATE = {"api_visibility": "private"}  # UI events are not part of the API
STATUS = {"ingested": "已入库", "unchanged": "未变化（已存在）", "replaced": "已更新", "rejected": "未入库",
          "kept": "未替换（保留已存版本）"}
EXAMPLES = ["绥芬河市2023年收到多少政府信息公开申请？", "行政处罚决定有多少件？", "存在的主要问题是什么？"]
SECTION_CHOICES = [("全部", "")] + [(f"{n}、{name}", n) for n, name in SECTION_NAMES.items()]
SEED_DIR = Path(__file__).resolve().parents[2] / "data"
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
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


def checked(value, confidence: float) -> str:
    """A body or year as shown in the report list: unknown or weakly found ones marked 待核实."""
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


def report_rows(reports) -> list[list]:
    # unknown or weakly found body/year are marked so a person can fix them in the 报告管理 tab
    return [[r.report_id, checked(r.body, r.body_confidence), checked(r.year, r.year_confidence),
             r.format_version, r.n_chunks, r.n_facts, r.n_findings] for r in reports]


def table_updates(collection) -> tuple:
    """Everything that lists the stored reports, after a change: the report list, the delete and relabel
    choices, the chat's body and year filters, the audit, the bodies offered for comparison. In the
    order of WebTabs.tables_out."""
    reports = collection.reports()
    ids = [r.report_id for r in reports]
    bodies = sorted({r.body for r in reports if r.body})
    years = sorted({str(r.year) for r in reports if r.year}, reverse=True)
    return (report_rows(reports), gr.update(choices=ids, value=None), gr.update(choices=bodies),
            gr.update(choices=years), findings_html(collection.audit()),
            gr.update(choices=list(collection.comparable())), gr.update(choices=ids, value=None))
