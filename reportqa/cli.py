"""The `reportqa` command: a thin layer over ingest/, retrieval/ and the stores."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from reportqa.config import Settings
from reportqa.names import displayable as printable
from reportqa.schema import column_display
from reportqa.types import LOW_CONFIDENCE


def _stores(args):
    from reportqa.stores import Stores
    return Stores(Settings.from_env(getattr(args, "home", None)))


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest_paths
    stores = _stores(args)
    results = ingest_paths(stores, args.paths, body=args.body, year=args.year, progress=not args.quiet,
                           replace=args.replace)
    rejected = [r for r in results if r.status == "rejected"]
    kept = [r for r in results if r.status == "kept"]
    for r in results:
        if r.status not in ("rejected", "kept"):
            print(f"{r.status:9} {r.report_id}  ({r.n_chunks} chunks, {r.n_facts} facts, {r.n_findings} findings)  "
                  f"{printable(r.path)}")
    if not results:
        print("no report files found in " + ", ".join(map(printable, args.paths)), file=sys.stderr)
        return 2
    for r in rejected:
        print(f"rejected  {printable(r.message)}", file=sys.stderr)
    for r in kept:
        print(f"kept      {printable(r.message)}", file=sys.stderr)
    print(f"{len(results) - len(rejected) - len(kept)} stored or unchanged, {len(kept)} kept as stored, "
          f"{len(rejected)} rejected", file=sys.stderr)
    return 1 if rejected or kept else 0


def cmd_history(args) -> int:
    stores = _stores(args)
    versions = stores.facts.history(args.report_id)
    current = stores.facts.get_report(args.report_id)
    if current:
        print(f"current   {current.version}  {current.body} {current.year}  {current.n_facts} facts  {printable(current.source_path)}")
    if not versions and not current:
        print(f"no report {args.report_id!r} and no history of it", file=sys.stderr)
        return 2
    for v in versions:
        print(f"replaced  {v['version']}  {v['body']} {v['year']}  {v['n_facts']} facts  {v['n_chars']} chars  "
              f"at {v['replaced_at']}  {printable(v['source_path'] or '')}")
    if versions:
        print(f"restore one with: reportqa restore {args.report_id} VERSION")
    return 0


def cmd_restore(args) -> int:
    from ingest.pipeline import restore_report
    result = restore_report(_stores(args), args.report_id, args.version)
    if result.status == "rejected":
        print(printable(result.message), file=sys.stderr)
        return 2
    print(f"{result.status:9} {result.report_id}  ({result.n_chunks} chunks, {result.n_facts} facts)  from its history")
    return 0


def cmd_reports(args) -> int:
    from retrieval.scope import body_links
    stores = _stores(args)
    reports = stores.facts.list_reports()
    links = body_links(reports)
    if args.json:
        print(json.dumps([{**asdict(r), "id": r.report_id, "needs_review": r.needs_review, "linked": links.get(r.report_id, [])} for r in reports],
                         ensure_ascii=False, indent=1))
        return 0
    if not reports:
        print("no reports stored yet: reportqa ingest PATH")
    for r in reports:
        linked = f"  same body as: {', '.join(links[r.report_id])}" if links.get(r.report_id) else ""
        print(f"{r.report_id}\t{_marked(r.body, r.body_confidence)}\t{_marked(r.year, r.year_confidence)}\tformat {r.format_version}"
              f"\t{r.n_chunks} chunks\t{r.n_facts} facts\t{r.n_findings} findings{linked}")
    if any(r.needs_review for r in reports):
        print("? = body or year unknown or found by weak cues only; fix with: reportqa relabel REPORT_ID --body … --year …")
    return 0


def _marked(value, confidence: float) -> str:
    if value is None:
        return "?"
    return f"{value}?" if confidence < LOW_CONFIDENCE else str(value)


def cmd_relabel(args) -> int:
    from ingest.metadata import split_body
    stores = _stores(args)
    report = _require_report(stores, args.report_id)
    if report is None:
        return 2
    if args.body is None and args.year is None:
        print("nothing to change: give --body and/or --year", file=sys.stderr)
        return 2
    body = args.body.strip() if args.body is not None else report.body
    year = args.year if args.year is not None else report.year
    place, body_type = split_body(body)
    stores.facts.relabel(report.report_id, body=body, year=year, place=place, body_type=body_type)
    print(f"{report.report_id}: {report.body} {report.year} → {body} {year}")
    return 0


def _require_report(stores, report_id: str):
    report = stores.facts.get_report(report_id)
    if report is None:
        known = ", ".join(r.report_id for r in stores.facts.list_reports()) or "none"
        print(f"no report {report_id!r}; stored reports: {known}", file=sys.stderr)
    return report


def cmd_show(args) -> int:
    stores = _stores(args)
    if _require_report(stores, args.report_id) is None:
        return 2
    sys.stdout.write(stores.facts.report_text(args.report_id))
    return 0


def cmd_tables(args) -> int:
    stores = _stores(args)
    if _require_report(stores, args.report_id) is None:
        return 2
    facts = stores.facts.facts(args.report_id)
    if args.json:
        print(json.dumps([
            {"table": f.table, "row": f.row_label, "column": column_display(f.column_key, f.column_label), "row_key": f.row_key, "column_key": f.column_key,
             "value": None if f.value is None else (int(f.value) if f.value == f.value.to_integral_value() else float(f.value)),
             "value_text": None if f.value is None else str(f.value), "raw": f.raw, "unit": f.unit, "kind": f.kind,
             "start": f.start, "end": f.end, "value_start": f.value_start, "value_end": f.value_end}
            for f in facts], ensure_ascii=False, indent=1))
        return 0
    for f in facts:
        value = "(blank)" if f.value is None else str(f.value)
        print(f"{f.table}\t{f.row_label}\t{column_display(f.column_key, f.column_label)}\t{value}\t{f.unit}\t[{f.start}:{f.end}]")
    return 0


def cmd_audit(args) -> int:
    from retrieval.audit import audit_lines
    stores = _stores(args)
    if args.report_id and _require_report(stores, args.report_id) is None:
        return 2
    for line in audit_lines(stores, args.report_id):
        print(line)
    return 0


def cmd_compare(args) -> int:
    from retrieval.compare import compare_reports, comparison_lines, resolve_pair
    stores = _stores(args)
    try:
        old, new = resolve_pair(stores.facts.list_reports(), args.body, args.years)
    except LookupError as e:
        print(str(e).strip('"'), file=sys.stderr)
        return 2
    cmp = compare_reports(stores.facts, old.report_id, new.report_id, [args.section] if args.section else None)
    if args.section and not cmp.sections:
        print(f"section {args.section!r} is in neither report", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([{"old_report": old.report_id, "new_report": new.report_id, "old_year": old.year,
                           "new_year": new.year, **s.to_dict()} for s in cmp.sections], ensure_ascii=False, indent=1))
        return 0
    print(f"{old.report_id} ({old.year}) → {new.report_id} ({new.year})   "
          "R = reused word for word, = same, ~ changed ([-old-]{+new+}), - removed, + added")
    for line in comparison_lines(cmp, stores.facts.report_text(old.report_id) or "", stores.facts.report_text(new.report_id) or ""):
        print(line)
    return 0


def cmd_ask(args) -> int:
    from retrieval.answer import answer_to_dict, format_answer
    from retrieval.pipeline import QuestionAnswerer
    qa = QuestionAnswerer(_stores(args))
    questions = [args.question] if args.question else [line.strip() for line in sys.stdin if line.strip()]
    for q in questions:
        answer = qa.ask(q)
        if args.json:
            print(json.dumps(answer_to_dict(answer), ensure_ascii=False), flush=True)
        else:
            print(format_answer(answer))
    return 0


def cmd_eval(args) -> int:
    from retrieval.evaluate import identification_report, run_eval
    stores = _stores(args)
    rows = []
    if args.sources:
        rows, text = identification_report(Path(args.sources))
        print(text)
    report = run_eval(stores, Path(args.file))
    print(report.summary())
    unnamed = {r.file for r in rows if not r.named_in_text}
    if unnamed:  # a question naming a body its report's text never names is refused until someone relabels it
        print(f"wrongly refused, leaving out the reports whose text never names its body: "
              f"{report.wrongly_refused(unnamed):.1%}")
    return 0


def cmd_serve(args) -> int:
    from app.web import serve
    serve(Settings.from_env(getattr(args, "home", None)), host=args.host, port=args.port, seed_dir=args.seed)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description="Question answering over 政府信息公开工作年度报告.")
    parser.add_argument("--home", help="store folder (default: $REPORTQA_HOME or ~/.reportqa)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest report files or folders")
    p.add_argument("paths", nargs="+")
    p.add_argument("--body", help="issuing body, overriding what the text says")
    p.add_argument("--year", type=int, help="report year, overriding what the text says")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--replace", action="store_true",
                   help="store a new version even when it lacks table cells or text the stored one has")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("history", help="list the replaced or deleted versions of a report")
    p.add_argument("report_id")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("restore", help="bring back a version listed by `reportqa history`")
    p.add_argument("report_id")
    p.add_argument("version")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("reports", help="list stored reports")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("relabel", help="set a report's body and/or year by hand (no re-embedding)")
    p.add_argument("report_id")
    p.add_argument("--body")
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_relabel)

    p = sub.add_parser("show", help="print a report's canonical text")
    p.add_argument("report_id")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("tables", help="print every extracted fact of a report")
    p.add_argument("report_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("audit", help="consistency findings")
    p.add_argument("report_id", nargs="?")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("compare", help="a body's reports of two years side by side, section by section")
    p.add_argument("body", help="the body (loosely, e.g. 洪泽区) or a report id")
    p.add_argument("--section", help="one standard section: 五, 5 or words of its heading (default: all)")
    p.add_argument("--years", nargs=2, type=int, metavar=("OLD", "NEW"), help="default: the latest year and the one before")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("ask", help="ask a question (no argument: one question per line on stdin)")
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="evaluate on a JSONL question file")
    p.add_argument("file")
    p.add_argument("--sources", help="JSONL of {file, body, year} read by hand: also report identification")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--seed", default=None, help="folder of reports ingested on first start (default: the bundled sample)")
    p.set_defaults(func=cmd_serve)
    return parser


def _dash_files_as_paths(argv: list[str]) -> list[str]:
    """`reportqa ingest *.txt` where a file is called -x.txt: argparse would read it as an option."""
    if "ingest" not in argv:
        return argv
    at = argv.index("ingest")
    return argv[:at + 1] + [f"./{a}" if a.startswith("-") and not a.startswith("--") and Path(a).exists() else a
                            for a in argv[at + 1:]]


def main(argv: list[str] | None = None) -> int:
    argv = _dash_files_as_paths(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
