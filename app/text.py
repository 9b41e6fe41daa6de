"""Terminal text of the library's data: answers, audits, comparisons, report lists, tables.

The CLI (app/cli.py) prints these lines; the web page renders the same data as HTML (app/render.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict

from reportqa.names import displayable as printable
from reportqa.schema import column_display
from reportqa.types import LOW_CONFIDENCE, Answer, Fact, StoredReport
from retrieval.audit import Audit, ReportAudit, Reuse
from retrieval.audit import audit as run_audit
from retrieval.compare import Comparison, SentencePair

COMPARE_LEGEND = "R = reused word for word, = same, ~ changed ([-old-]{+new+}), - removed, + added"


# --------------------------------------------------------------------------- answers


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    for note in answer.notes:
        lines.append(f"  注意：{note}")
    for i, c in enumerate(answer.citations, 1):
        where = f"{c.body} {c.year or ''}年报告 · {c.section}" + (f" · 第{c.page}页" if c.page else "")
        cell = f" · 表格单元格：{c.cell.row} / {c.cell.column}" if c.cell else ""
        quote = c.quote.replace("\t", " | ").replace("\n", " ⏎ ")
        lines.append(f"[{i}] {where}{cell} [{c.start}:{c.end}]\n    「{quote}」")
    return "\n".join(lines)


# --------------------------------------------------------------------------- audit


def _reuse_line(report_id: str, u: Reuse) -> str:
    if u.whole:
        return (f"  [{u.rule}] 「{u.heading}」与 {u.previous} 逐字相同"
                f"（{u.reused} 句，相似度 {u.similarity:.2f}）")
    return (f"  [{u.rule}] 「{u.heading}」有 {u.reused} 句与 {u.previous} "
            f"逐字相同（相似度 {u.similarity:.2f}）；逐句对照：reportqa compare {report_id} --section {u.section}")


def _report_audit_lines(ra: ReportAudit) -> list[str]:
    r, findings, text = ra.report, ra.findings, ra.text
    lines = [f"== {r.report_id} ({r.body} {r.year}): {len(findings) or 'no'} finding{'s' if len(findings) != 1 else ''}"]
    for f in findings:
        lines.append(f"  [{f.rule}] {f.message}")
        for start, end in f.spans[:6]:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            lines.append(f"      at {start}-{end}: {text[line_start:line_end].strip()[:80]!r}")
    return lines + [_reuse_line(r.report_id, u) for u in ra.reuse]


def audit_lines(audit: Audit, report_id: str | None = None) -> list[str]:
    """An Audit as lines. Given the stores instead of an Audit, audits them first (report_id: one report)."""
    if not isinstance(audit, Audit):
        audit = run_audit(audit, report_id)
    return [line for ra in audit.reports for line in _report_audit_lines(ra)]


# --------------------------------------------------------------------------- comparison


def marked(pair: SentencePair, old_text: str, new_text: str) -> str:
    """A changed pair as one line with git-style word marks: [-removed-]{+added+}."""
    out, cursor = [], pair.new.start
    for e in pair.edits:
        if e.new:
            out.append(new_text[cursor:e.new[0]])
            cursor = e.new[0]
        if e.op == "equal":
            out.append(new_text[e.new[0]:e.new[1]])
        else:
            if e.old:
                out.append(f"[-{old_text[e.old[0]:e.old[1]]}-]")
            if e.new:
                out.append(f"{{+{new_text[e.new[0]:e.new[1]]}+}}")
        if e.new:
            cursor = e.new[1]
    out.append(new_text[cursor:pair.new.end])
    return "".join(out)


def _pair_line(p: SentencePair, old_text: str, new_text: str) -> str:
    if p.status == "same":
        return f"  {'R' if p.reused else '='} {p.new.text}"
    if p.status == "changed":
        return f"  ~ {marked(p, old_text, new_text)}"
    if p.status == "removed":
        return f"  - {p.old.text}"
    return f"  + {p.new.text}"


def comparison_lines(cmp: Comparison, old_text: str, new_text: str) -> list[str]:
    lines = []
    for sec in cmp.sections:
        c = sec.counts
        head = sec.heading_new or sec.heading_old or sec.section
        flag = "  ** 整节与上年逐字相同 (whole section reused word for word)" if sec.reused_section else ""
        lines.append(f"== {head}  similarity {sec.similarity:.2f}  ({cmp.old_year} → {cmp.new_year}: "
                     f"{c['same']} same, {c['reused']} reused, {c['changed']} changed, {c['added']} added, "
                     f"{c['removed']} removed){flag}")
        lines += [_pair_line(p, old_text, new_text) for p in sec.pairs]
    return lines


def comparison_json(cmp: Comparison, old: StoredReport, new: StoredReport) -> str:
    return json.dumps([{"old_report": old.report_id, "new_report": new.report_id, "old_year": old.year,
                        "new_year": new.year, **s.to_dict()} for s in cmp.sections], ensure_ascii=False, indent=1)


# --------------------------------------------------------------------------- reports, history, tables


def _marked(value, confidence: float) -> str:
    if value is None:
        return "?"
    return f"{value}?" if confidence < LOW_CONFIDENCE else str(value)


def report_lines(reports: list[StoredReport], links: dict[str, list[str]]) -> list[str]:
    if not reports:
        return ["no reports stored yet: reportqa ingest PATH"]
    lines = []
    for r in reports:
        linked = f"  same body as: {', '.join(links[r.report_id])}" if links.get(r.report_id) else ""
        lines.append(f"{r.report_id}\t{_marked(r.body, r.body_confidence)}\t{_marked(r.year, r.year_confidence)}"
                     f"\tformat {r.format_version}\t{r.n_chunks} chunks\t{r.n_facts} facts\t{r.n_findings} findings{linked}")
    if any(r.needs_review for r in reports):
        lines.append("? = body or year unknown or found by weak cues only; fix with: reportqa relabel REPORT_ID --body … --year …")
    return lines


def reports_json(reports: list[StoredReport], links: dict[str, list[str]]) -> str:
    return json.dumps([{**asdict(r), "id": r.report_id, "needs_review": r.needs_review, "linked": links.get(r.report_id, [])}
                       for r in reports], ensure_ascii=False, indent=1)


def history_lines(report_id: str, current: StoredReport | None, versions: list[dict]) -> list[str]:
    lines = []
    if current:
        lines.append(f"current   {current.version}  {current.body} {current.year}  {current.n_facts} facts  "
                     f"{printable(current.source_path)}")
    for v in versions:
        lines.append(f"replaced  {v['version']}  {v['body']} {v['year']}  {v['n_facts']} facts  {v['n_chars']} chars  "
                     f"at {v['replaced_at']}  {printable(v['source_path'] or '')}")
    if versions:
        lines.append(f"restore one with: reportqa restore {report_id} VERSION")
    return lines


def table_lines(facts: list[Fact]) -> list[str]:
    return [f"{f.table}\t{f.row_label}\t{column_display(f.column_key, f.column_label)}\t"
            f"{'(blank)' if f.value is None else str(f.value)}\t{f.unit}\t[{f.start}:{f.end}]" for f in facts]


def tables_json(facts: list[Fact]) -> str:
    return json.dumps([
        {"table": f.table, "row": f.row_label, "column": column_display(f.column_key, f.column_label), "row_key": f.row_key,
         "column_key": f.column_key,
         "value": None if f.value is None else (int(f.value) if f.value == f.value.to_integral_value() else float(f.value)),
         "value_text": None if f.value is None else str(f.value), "raw": f.raw, "unit": f.unit, "kind": f.kind,
         "start": f.start, "end": f.end, "value_start": f.value_start, "value_end": f.value_end}
        for f in facts], ensure_ascii=False, indent=1)
