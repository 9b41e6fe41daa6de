"""`reportqa migrate --to postgresql://…`: copy the embedded store of --home into PostgreSQL.

Vectors are copied, not embedded again; an interrupted copy can be run again (whole reports only
are copied, and those already there are skipped). Afterwards every command works on the copy with
`--database-url postgresql://…` or REPORTQA_DATABASE_URL.
"""
from __future__ import annotations

import dataclasses


def add_migrate_command(sub, settings_of) -> None:
    p = sub.add_parser("migrate", help="copy the embedded store (--home) into PostgreSQL, vectors included")
    p.add_argument("--to", required=True, metavar="postgresql://…", help="the target database")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=lambda args: migrate_command(args, settings_of(args)))


def migrate_command(args, settings) -> int:
    from reportqa.stores import Stores
    from reportqa.stores.migrate import migrate
    if not args.to.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"--to must be a postgresql:// URL, not {args.to!r}")
    source = Stores(dataclasses.replace(settings, database_url=None))
    target = Stores(dataclasses.replace(settings, database_url=args.to))
    done = migrate(source, target, progress=not args.quiet)
    print(f"copied {len(done.copied)} reports ({len(done.skipped)} already there), {done.history_rows} replaced "
          f"versions and {done.cached_vectors} cached vectors; vectors of {done.vector_key}, none embedded again")
    return 0
