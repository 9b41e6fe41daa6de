"""Conversations of the web chat, kept per browser: a small SQLite file of their own in the store
folder (`conversations.sqlite3`), apart from the reports' stores.

There are no accounts: a browser is known by a random id it keeps in its localStorage, and every
read, write and delete names that id, so one browser never sees another's conversations. A turn is
stored as the answer object the API returns (retrieval.answer.answer_to_dict), with its citations'
quotes, so a conversation reopens, and exports, as it was answered.

    store = ConversationStore(settings.home / "conversations.sqlite3")
    cid = store.create(browser, "绥芬河市2023年收到多少申请？")
    store.add_turn(browser, cid, answer_dict)
    store.list(browser), store.turns(browser, cid), store.delete(browser, cid)
"""
from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    browser TEXT NOT NULL,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_browser ON conversations (browser, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    created REAL NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (conversation, n)
);
"""
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TITLE_CHARS = 40
MAX_CONVERSATIONS = 200  # per browser; the oldest go first


def new_browser_id() -> str:
    return secrets.token_urlsafe(18)


def valid_id(value) -> bool:
    """A browser or conversation id as this store makes them (anything else is never looked up)."""
    return isinstance(value, str) and bool(_ID.match(value))


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    created: float
    updated: float
    n_turns: int


class ConversationStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        return db

    def create(self, browser: str, title: str) -> str:
        if not valid_id(browser):
            raise ValueError("invalid browser id")
        cid, now = new_browser_id(), time.time()
        title = " ".join((title or "").split())[:TITLE_CHARS] or "对话"
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)", (cid, browser, title, now, now))
            db.execute("DELETE FROM conversations WHERE browser = ? AND id NOT IN (SELECT id FROM conversations "
                       "WHERE browser = ? ORDER BY updated DESC LIMIT ?)", (browser, browser, MAX_CONVERSATIONS))
        return cid

    def add_turn(self, browser: str, conversation: str, answer: dict) -> bool:
        """Append one answer (answer_to_dict) to a conversation of this browser; False if there is none."""
        now = time.time()
        with closing(self._connect()) as db, db:
            if not self._owns(db, browser, conversation):
                return False
            n = db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation = ?", (conversation,)).fetchone()[0]
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?)",
                       (conversation, n, now, json.dumps(answer, ensure_ascii=False, default=str)))
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation))
        return True

    def list(self, browser: str) -> list[ConversationInfo]:
        """This browser's conversations, the latest first."""
        if not valid_id(browser):
            return []
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.created, c.updated, COUNT(t.n) FROM conversations c "
                "LEFT JOIN turns t ON t.conversation = c.id WHERE c.browser = ? GROUP BY c.id "
                "ORDER BY c.updated DESC", (browser,)).fetchall()
        return [ConversationInfo(*row) for row in rows]

    def get(self, browser: str, conversation: str) -> ConversationInfo | None:
        return next((c for c in self.list(browser) if c.id == conversation), None)

    def turns(self, browser: str, conversation: str) -> list[dict]:
        """The answers of one conversation of this browser, in order ([] when it is not this browser's)."""
        with closing(self._connect()) as db:
            if not self._owns(db, browser, conversation):
                return []
            rows = db.execute("SELECT answer FROM turns WHERE conversation = ? ORDER BY n", (conversation,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def delete(self, browser: str, conversation: str) -> bool:
        with closing(self._connect()) as db, db:
            if not self._owns(db, browser, conversation):
                return False
            db.execute("DELETE FROM turns WHERE conversation = ?", (conversation,))
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation,))
        return True

    @staticmethod
    def _owns(db: sqlite3.Connection, browser: str, conversation: str) -> bool:
        if not (valid_id(browser) and valid_id(conversation)):
            return False
        row = db.execute("SELECT 1 FROM conversations WHERE id = ? AND browser = ?", (conversation, browser)).fetchone()
        return row is not None
