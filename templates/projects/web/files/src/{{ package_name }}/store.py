"""Items in SQLite, with the standard library's sqlite3 (one connection per operation)."""

import sqlite3
from contextlib import closing
from typing import Any, Dict, List, Optional

Item = Dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
)
"""


class ItemStore:
    """CRUD on the ``items`` table of the SQLite file ``path`` (created on first use)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path)
        connection.row_factory = sqlite3.Row
        if not self._ready:
            connection.execute(_SCHEMA)
            connection.commit()
            self._ready = True
        return connection

    def list(self) -> List[Item]:
        with closing(self._connect()) as db:
            return [dict(row) for row in db.execute("SELECT id, title, body FROM items ORDER BY id")]

    def get(self, item_id: int) -> Optional[Item]:
        with closing(self._connect()) as db:
            row = db.execute("SELECT id, title, body FROM items WHERE id = ?", (item_id,)).fetchone()
            return dict(row) if row is not None else None

    def create(self, title: str, body: str = "") -> Item:
        with closing(self._connect()) as db, db:
            cursor = db.execute("INSERT INTO items (title, body) VALUES (?, ?)", (title, body))
            item_id = cursor.lastrowid
        return {"id": item_id, "title": title, "body": body}

    def update(self, item_id: int, **fields: str) -> Optional[Item]:
        changes = {k: v for k, v in fields.items() if k in ("title", "body") and v is not None}
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            with closing(self._connect()) as db, db:
                db.execute(f"UPDATE items SET {assignments} WHERE id = ?", (*changes.values(), item_id))
        return self.get(item_id)

    def delete(self, item_id: int) -> bool:
        with closing(self._connect()) as db, db:
            return db.execute("DELETE FROM items WHERE id = ?", (item_id,)).rowcount > 0
