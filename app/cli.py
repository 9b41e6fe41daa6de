"""The `reportqa` command: a thin layer over ingest/ and retrieval/ (through retrieval.collection).

Library errors become messages and exit codes here: 0 done, 1 some files rejected or kept as
stored, 2 nothing to do (no such report, no such pair, bad arguments), 130 interrupted.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from app import text
from app.migrate_command import add_migrate_command
from reportqa.config import Settings
from reportqa.names import displayable as printable


def _settings(args) -> Settings:
    settings = Settings.from_env(getattr(args, "home", None))
    url = getattr(args, "database_url", None)
    return dataclasses.replace(settings, database_url=url) if url else settings


def _stores(args):
    from reportqa.stores import Stores
    return Stores(_settings(args))


def _catalog(args):
    from ingest.catalog import Catalog
    return Catalog(_stores(args))


def _collection(args, stores=None):
    from retrieval.collection import Collection
    return Collection(stores or _stores(args))


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)


def cmd_ingest(args) -> int:
    results = _catalog(args).ingest(args.paths, body=args.body, year=args.year, progress=not args.quiet,
                                    replace=args.replace, workers=max(1, args.workers))
    rejected, kept = ([r for r in results if r.status == status] for status in ("rejected", "kept"))
    for r in results:
        if r.status not in ("rejected", "kept"):
            print(f"{r.status:9} {r.report_id}  ({r.n_chunks} chunks, {r.n_facts} facts, {r.n_findings} findings)  "
                  f"{printable(r.path)}")
    if not results:
        print("no report files found in " + ", ".join(map(printable, args.paths)), file=sys.stderr)
        return 2
    for r in rejected + kept:
        print(f"{r.status:9} {printable(r.message)}", file=sys.stderr)
    print(f"{len(results) - len(rejected) - len(kept)} stored or unchanged, {len(kept)} kept as stored, "
          f"{len(rejected)} rejected", file=sys.stderr)
    return 1 if rejected or kept else 0


def cmd_history(args) -> int:
    collection = _collection(args)
    versions = collection.history(args.report_id)
    current = collection.report(args.report_id)
    if not versions and not current:
        print(f"no report {args.report_id!r} and no history of it", file=sys.stderr)
        return 2
    _print(text.history_lines(args.report_id, current, versions))
    return 0


def cmd_restore(args) -> int:
    result = _catalog(args).restore(args.report_id, args.version)
    if result.status == "rejected":
        print(printable(result.message), file=sys.stderr)
        return 2
    print(f"{result.status:9} {result.report_id}  ({result.n_chunks} chunks, {result.n_facts} facts)  from its history")
    return 0


def cmd_reports(args) -> int:
    collection = _collection(args)
    reports, links = collection.reports(), collection.links()
    if args.json:
        print(text.reports_json(reports, links))
        return 0
    _print(text.report_lines(reports, links))
    return 0


def cmd_relabel(args) -> int:
    from ingest.catalog import Catalog
    stores = _stores(args)
    collection = _collection(args, stores)
    report = _require_report(collection, args.report_id)
    if report is None:
        return 2
    if args.body is None and args.year is None:
        print("nothing to change: give --body and/or --year", file=sys.stderr)
        return 2
    body = args.body.strip() if args.body is not None else report.body
    year = args.year if args.year is not None else report.year
    Catalog(stores).relabel(report.report_id, body, year)
    print(f"{report.report_id}: {report.body} {report.year} → {body} {year}")
    return 0


def _require_report(collection, report_id: str):
    report = collection.report(report_id)
    if report is None:
        known = ", ".join(r.report_id for r in collection.reports()) or "none"
        print(f"no report {report_id!r}; stored reports: {known}", file=sys.stderr)
    return report


def cmd_show(args) -> int:
    collection = _collection(args)
    if _require_report(collection, args.report_id) is None:
        return 2
    sys.stdout.write(collection.text(args.report_id))
    return 0


def cmd_tables(args) -> int:
    collection = _collection(args)
    if _require_report(collection, args.report_id) is None:
        return 2
    facts = collection.facts(args.report_id)
    _print([text.tables_json(facts)] if args.json else text.table_lines(facts))
    return 0


def cmd_audit(args) -> int:
    collection = _collection(args)
    if args.report_id and _require_report(collection, args.report_id) is None:
        return 2
    _print(text.audit_lines(collection.audit(args.report_id)))
    return 0


def cmd_compare(args) -> int:
    collection = _collection(args)
    try:
        old, new = collection.resolve_pair(args.body, args.years)
    except LookupError as e:
        print(str(e).strip('"'), file=sys.stderr)
        return 2
    cmp = collection.compare(old.report_id, new.report_id, [args.section] if args.section else None)
    if args.section and not cmp.sections:
        print(f"section {args.section!r} is in neither report", file=sys.stderr)
        return 2
    if args.json:
        print(text.comparison_json(cmp, old, new))
        return 0
    print(f"{old.report_id} ({old.year}) → {new.report_id} ({new.year})   {text.COMPARE_LEGEND}")
    _print(text.comparison_lines(cmp, collection.text(old.report_id) or "", collection.text(new.report_id) or ""))
    return 0


def cmd_ask(args) -> int:
    from app.evaluate import asker
    from retrieval.answer import answer_to_dict
    ask = asker(_stores(args), _settings(args).writer if args.writer else None)
    questions = [args.question] if args.question else [line.strip() for line in sys.stdin if line.strip()]
    for q in questions:
        answer = ask(q)
        if args.json:
            print(json.dumps(answer_to_dict(answer), ensure_ascii=False), flush=True)
        else:
            print(text.format_answer(answer))
    return 0


def cmd_eval(args) -> int:
    from app.evaluate import eval_command
    return eval_command(_stores(args), Path(args.file), args.sources, _settings(args).writer if args.writer else None)


def cmd_serve(args) -> int:
    from app.web import serve
    serve(_settings(args), host=args.host, port=args.port, seed_dir=args.seed)
    return 0


def _store_commands(sub) -> None:
    p = sub.add_parser("ingest", help="ingest report files or folders")
    p.add_argument("paths", nargs="+")
    p.add_argument("--body", help="issuing body, overriding what the text says")
    p.add_argument("--year", type=int, help="report year, overriding what the text says")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=int, default=1, help="processes ingesting at once (one embedding thread each)")
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


def _query_commands(sub) -> None:
    p = sub.add_parser("compare", help="a body's reports of two years side by side, section by section")
    p.add_argument("body", help="the body (loosely, e.g. 洪泽区) or a report id")
    p.add_argument("--section", help="one standard section: 五, 5 or words of its heading (default: all)")
    p.add_argument("--years", nargs=2, type=int, metavar=("OLD", "NEW"), help="default: the latest year and the one before")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("ask", help="ask a question (no argument: one question per line on stdin)")
    p.add_argument("question", nargs="?")
    p.add_argument("--json", action="store_true")
    p.add_argument("--writer", action="store_true", help="worded by the model at REPORTQA_LLM_URL, checked before shown")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="evaluate on a JSONL question file")
    p.add_argument("file")
    p.add_argument("--sources", help="JSONL of {file, body, year} read by hand: also report identification")
    p.add_argument("--writer", action="store_true", help="also the LLM writer (REPORTQA_LLM_URL): guard pass rate, wrong numbers")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--seed", default=None, help="folder of reports ingested on first start (default: the bundled sample)")
    p.set_defaults(func=cmd_serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportqa", description="Question answering over 政府信息公开工作年度报告.")
    parser.add_argument("--home", help="store folder (default: $REPORTQA_HOME or ~/.reportqa)")
    parser.add_argument("--database-url", metavar="postgresql://…",
                        help="the store in PostgreSQL (default: $REPORTQA_DATABASE_URL, else embedded in --home)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the library does (INFO)")
    sub = parser.add_subparsers(dest="command", required=True)
    _store_commands(sub)
    add_migrate_command(sub, _settings)
    _query_commands(sub)
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
    # the library logs what it skips (a blank page, a damaged row); the terminal shows it briefly
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except (LookupError, ValueError) as exc:  # the library's word for a wrong argument: say it, no traceback
        logging.getLogger(__name__).debug("command failed", exc_info=True)
        print(f"reportqa: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
