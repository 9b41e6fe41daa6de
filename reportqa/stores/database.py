"""One small connection layer over SQLite and PostgreSQL, so the fact store's SQL is written once.

SQL is written with `?` placeholders and portable syntax (INSERT … ON CONFLICT, no INSERT OR
REPLACE); rows are read by column name only. PostgreSQL connections run in autocommit for reads, so
no reader holds a transaction (and its snapshot) open between questions; writes go through
`transaction()`, which is all or nothing on both engines.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol


class Cursorlike(Protocol):
    def execute(self, sql: str, args=()) -> object: ...
    def executemany(self, sql: str, rows) -> object: ...


class Database:
    """What the stores need of an engine: query, one, transaction. Subclasses adapt the engines."""

    dialect = ""

    def query(self, sql: str, args=()) -> list:
        raise NotImplementedError

    def one(self, sql: str, args=()):
        rows = self.query(sql, args)
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator["Transaction"]:
        raise NotImplementedError
        yield

    def close(self) -> None:
        raise NotImplementedError


class Transaction:
    """A write transaction's handle: the same `?` SQL as Database, rows by name."""

    def __init__(self, cursor, translate, dialect: str):
        self._cursor, self._translate, self.dialect = cursor, translate, dialect

    def execute(self, sql: str, args=()) -> "Transaction":
        self._cursor.execute(self._translate(sql), tuple(args))
        return self

    def executemany(self, sql: str, rows) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            self._cursor.executemany(self._translate(sql), rows)

    def query(self, sql: str, args=()) -> list:
        self._cursor.execute(self._translate(sql), tuple(args))
        return self._cursor.fetchall()

    def one(self, sql: str, args=()):
        rows = self.query(sql, args)
        return rows[0] if rows else None

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def raw(self):
        """The engine's own cursor (COPY into PostgreSQL)."""
        return self._cursor


def _same(sql: str) -> str:
    return sql


class SQLiteDatabase(Database):
    """One connection per thread (the web server answers on several), WAL so readers never wait."""

    dialect = "sqlite"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def query(self, sql: str, args=()) -> list:
        return self.connection().execute(sql, tuple(args)).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        conn = self.connection()
        with conn:  # commits on success, rolls back on any exception
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE")  # take the write lock now, not at the first write
            yield Transaction(cursor, _same, self.dialect)

    def executescript(self, script: str) -> None:
        self.connection().executescript(script)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def to_pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's %s (a literal % doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase(Database):
    """One autocommit connection per thread (as SQLite's), pgvector's types registered on each; a
    connection the server dropped is opened again on next use."""

    dialect = "postgresql"

    def __init__(self, url: str, *, prepare=None):
        """`prepare(connection)` runs once first, on its own connection (the schema's migrations:
        pgvector's types can only be registered once its extension exists)."""
        import psycopg
        self.url = url
        self._psycopg = psycopg
        self._local = threading.local()
        self._all: list = []
        if prepare is not None:
            with psycopg.connect(url, autocommit=True) as conn:
                prepare(conn)

    @contextmanager
    def connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            from pgvector.psycopg import register_vector
            from psycopg.rows import dict_row
            conn = self._psycopg.connect(self.url, autocommit=True, row_factory=dict_row,
                                         application_name="reportqa")
            register_vector(conn)
            self._local.conn = conn
            self._all.append(conn)
        yield conn

    def query(self, sql: str, args=()) -> list:
        with self.connection() as conn:
            return conn.execute(to_pyformat(sql), tuple(args)).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            yield Transaction(cursor, to_pyformat, self.dialect)

    def close(self) -> None:
        for conn in self._all:
            conn.close()
        self._all.clear()
        self._local = threading.local()
