"""Observations and items: what each source last said about each item, and the one merge of them.

The item's fields are the merge of its observations, first observer first (a later source fills in
fields, it does not overwrite them, so two sources phrasing a title differently do not flap), unless an
observation's `authority` field ranks it higher (an official roll-call over a press report of the same
vote). Items are state for lookups and the watchers; what subscribers hear comes from happenings.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from state.json_text import dumps
from watchers.base import Item

_EMPTY = (None, "", [], {})
_CHUNK = 500


def merge_fields(observations: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """First non-empty value of each field wins, in observation order."""
    merged: dict[str, Any] = {}
    for fields in observations:
        for name, value in fields.items():
            if name not in merged or (value not in _EMPTY and merged[name] in _EMPTY):
                merged[name] = value
    return merged


@dataclass(frozen=True)
class Previous:
    """What a source said before this snapshot about one key."""

    fields_json: str
    missing: int


class Observations:
    """The observations and items tables, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def absent(self, source: str) -> tuple[dict[str, Previous], int]:
        """The keys a source's last snapshot lacked (with their counts), and how many it listed."""
        rows = self.conn.execute(
            "SELECT key, missing FROM observations WHERE source = ? AND missing > 0", (source,)
        ).fetchall()
        (listed,) = self.conn.execute(
            "SELECT count(*) FROM observations WHERE source = ? AND missing = 0", (source,)
        ).fetchone()
        return {r["key"]: Previous("", r["missing"]) for r in rows}, int(listed)

    def previous(self, source: str) -> dict[str, Previous]:
        rows = self.conn.execute("SELECT key, fields, missing FROM observations WHERE source = ?", (source,))
        return {r["key"]: Previous(r["fields"], r["missing"]) for r in rows}

    def record(
        self, source: str, items: Sequence[Item], previous: Mapping[str, Previous], stamp: str
    ) -> list[Item]:
        """Writes this source's observations; returns the items it reports anew or differently."""
        inserts, updates, seen = [], [], []
        touched: list[Item] = []
        for item in items:
            fields_json = dumps(dict(item.fields))
            old = previous.get(item.key)
            if old is None:
                inserts.append((source, item.key, item.kind, fields_json, stamp, stamp))
                touched.append(item)
            elif old.fields_json != fields_json:
                updates.append((fields_json, stamp, source, item.key))
                touched.append(item)
            elif old.missing:
                seen.append((stamp, source, item.key))
        self.conn.executemany(
            "INSERT INTO observations (source, key, kind, fields, first_seen, last_seen, missing)"
            " VALUES (?, ?, ?, ?, ?, ?, 0)",
            inserts,
        )
        self.conn.executemany(
            "UPDATE observations SET fields = ?, last_seen = ?, missing = 0 WHERE source = ? AND key = ?",
            updates,
        )
        self.conn.executemany(
            "UPDATE observations SET last_seen = ?, missing = 0 WHERE source = ? AND key = ?", seen
        )
        return touched

    def count_missing(
        self, source: str, seen: set[str], previous: Mapping[str, Previous], remove_after: int, stamp: str
    ) -> list[str]:
        """A complete snapshot's absentees: counted, and forgotten by this source after `remove_after`
        healthy snapshots in a row. Returns the keys no source lists any more."""
        counted, forgotten = [], []
        for key, old in previous.items():
            if key in seen:
                continue
            if old.missing + 1 < remove_after:
                counted.append((old.missing + 1, source, key))
            else:
                forgotten.append(key)
        self.conn.executemany("UPDATE observations SET missing = ? WHERE source = ? AND key = ?", counted)
        self.conn.executemany(
            "DELETE FROM observations WHERE source = ? AND key = ?", [(source, k) for k in forgotten]
        )
        gone = []
        for key in forgotten:
            if self.conn.execute("SELECT 1 FROM observations WHERE key = ?", (key,)).fetchone() is None:
                self.conn.execute(
                    "UPDATE items SET removed_at = ?, updated_at = ? WHERE key = ?", (stamp, stamp, key)
                )
                gone.append(key)
        return gone

    def remerge(self, items: Sequence[Item], stamp: str) -> dict[str, dict[str, Any]]:
        """Recomputes the merged fields of `items` from every source's observation; returns them."""
        kinds = {item.key: item.kind for item in items}
        keys = list(kinds)
        by_key: dict[str, list[str]] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT key, fields FROM observations WHERE key IN ({marks})"  # noqa: S608 (only ?s)
                " ORDER BY key, coalesce(json_extract(fields, '$.authority'), 0) DESC, rowid",
                chunk,
            )
            for r in rows:
                by_key.setdefault(r["key"], []).append(r["fields"])
        merged: dict[str, dict[str, Any]] = {}
        rows_out = []
        for key in keys:
            texts = by_key.get(key, [])
            if len(texts) == 1:  # one observation: the merge is that observation, already spelled
                merged[key], text = json.loads(texts[0]), texts[0]
            else:
                merged[key] = merge_fields(json.loads(t) for t in texts)
                text = dumps(merged[key])
            rows_out.append((key, kinds[key], text, stamp, stamp))
        self.conn.executemany(
            "INSERT INTO items (key, kind, fields, first_seen, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at,"
            " removed_at = NULL",
            rows_out,
        )
        return merged

    def fields(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT fields FROM items WHERE key = ?", (key,)).fetchone()
        return json.loads(row["fields"]) if row else None


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
