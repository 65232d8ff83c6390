"""The diff store: remembers every item, turns snapshots into events, and queues them in one transaction.

Each source's view of an item is kept as an observation; the item's fields are the merge of its
observations, first observer first (a later source fills in fields, it does not overwrite them, so two
sources phrasing a title differently do not flap), unless an observation's `authority` field ranks it
higher (an official roll-call over a press report of the same vote). Events and their outbox rows are
written in the same transaction as the state change, so a crash can neither lose nor repeat an alert.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from state.model import Event, EventType, OutboxEntry
from watchers.base import QUIET_FIELDS, Item, Snapshot

_EMPTY = (None, "", [], {})
_MAX_BACKOFF = timedelta(hours=1)
_BASE_BACKOFF = timedelta(seconds=5)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class StoredItem:
    key: str
    kind: str
    fields: Mapping[str, Any]
    first_seen: datetime
    updated_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class SourceHealth:
    name: str
    baseline_done: bool
    paused: bool
    last_attempt: datetime | None
    last_success: datetime | None
    last_outcome: str | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    polls: int
    failures: int
    item_count: int


@dataclass(frozen=True)
class ApplyResult:
    events: tuple[Event, ...]
    baseline: bool
    outcome: str = "ok"
    message: str = ""


@dataclass(frozen=True)
class StoreRules:
    """The diff rules an operator tunes in [schedule]."""

    failure_alert_after: int = 3
    remove_after: int = 3


def merge_fields(observations: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """First non-empty value of each field wins, in observation order."""
    merged: dict[str, Any] = {}
    for fields in observations:
        for name, value in fields.items():
            if name not in merged or (value not in _EMPTY and merged[name] in _EMPTY):
                merged[name] = value
    return merged


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    names = sorted(set(before) | set(after))
    return {
        name: (before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
        and not (before.get(name) in _EMPTY and after.get(name) in _EMPTY)
    }


class Store:
    """One SQLite database; a connection per thread (pollers run in worker threads)."""

    def __init__(self, path: Path | str, channels: Sequence[str] = (), rules: StoreRules | None = None):
        self.path = Path(path)
        self.channels = tuple(channels)
        self.rules = rules or StoreRules()
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        schema = resources.files("state").joinpath("schema.sql").read_text(encoding="utf-8")
        self.connection().executescript(schema)

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: writers queue instead of failing half-way."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- snapshots ---------------------------------------------------------------------------------

    def apply(
        self, source: str, snapshot: Snapshot, now: datetime, announce_existing: bool = False
    ) -> ApplyResult:
        """Records a healthy snapshot and queues its events; a suddenly empty one is recorded as broken."""
        with self.transaction() as conn:
            self._ensure_source(conn, source)
            row = conn.execute("SELECT baseline_done FROM sources WHERE name = ?", (source,)).fetchone()
            baseline = not row["baseline_done"]
            if snapshot.not_modified:
                events = self._record_success(conn, source, now, "not_modified")
                return ApplyResult(
                    tuple(self._queue(conn, events, now)), baseline=False, outcome="not_modified"
                )
            previous = {
                r["key"]: r
                for r in conn.execute(
                    "SELECT key, kind, fields, missing FROM observations WHERE source = ?", (source,)
                )
            }
            if snapshot.complete and not snapshot.items and previous:
                message = f"no items where there were {len(previous)} (page broken or layout changed)"
                events = self._record_failure(conn, source, now, "broken", message)
                queued = tuple(self._queue(conn, events, now))
                return ApplyResult(queued, baseline=False, outcome="broken", message=message)
            events = self._apply_items(conn, source, snapshot, previous, now)
            if snapshot.complete:
                events += self._count_missing(conn, source, snapshot, previous, now)
            if baseline and not announce_existing:
                events = [e for e in events if e.type not in ("new", "changed")]
            conn.execute("UPDATE sources SET baseline_done = 1 WHERE name = ?", (source,))
            events += self._record_success(conn, source, now, "ok")
            return ApplyResult(tuple(self._queue(conn, events, now)), baseline=baseline)

    def record_failure(self, source: str, now: datetime, outcome: str, message: str) -> tuple[Event, ...]:
        """A poll that produced no trustworthy snapshot: health only, items untouched."""
        with self.transaction() as conn:
            self._ensure_source(conn, source)
            return tuple(self._queue(conn, self._record_failure(conn, source, now, outcome, message), now))

    def _apply_items(
        self,
        conn: sqlite3.Connection,
        source: str,
        snapshot: Snapshot,
        previous: Mapping[str, sqlite3.Row],
        now: datetime,
    ) -> list[_PendingEvent]:
        stamp = _iso(now)
        touched: list[Item] = []
        for item in snapshot.items:
            fields_json = _dumps(dict(item.fields))
            old = previous.get(item.key)
            if old is None:
                conn.execute(
                    "INSERT INTO observations (source, key, kind, fields, first_seen, last_seen, missing)"
                    " VALUES (?, ?, ?, ?, ?, ?, 0)",
                    (source, item.key, item.kind, fields_json, stamp, stamp),
                )
                touched.append(item)
            else:
                conn.execute(
                    "UPDATE observations SET fields = ?, last_seen = ?, missing = 0"
                    " WHERE source = ? AND key = ?",
                    (fields_json, stamp, source, item.key),
                )
                if old["fields"] != fields_json:
                    touched.append(item)
        return [e for item in touched if (e := self._remerge(conn, item.key, item.kind, source, now))]

    def _count_missing(
        self,
        conn: sqlite3.Connection,
        source: str,
        snapshot: Snapshot,
        previous: Mapping[str, sqlite3.Row],
        now: datetime,
    ) -> list[_PendingEvent]:
        seen = {item.key for item in snapshot.items}
        events: list[_PendingEvent] = []
        for key, row in previous.items():
            if key in seen:
                continue
            missing = row["missing"] + 1
            if missing < self.rules.remove_after:
                conn.execute(
                    "UPDATE observations SET missing = ? WHERE source = ? AND key = ?", (missing, source, key)
                )
                continue
            conn.execute("DELETE FROM observations WHERE source = ? AND key = ?", (source, key))
            event = self._remerge(conn, key, row["kind"], source, now)
            if event:
                events.append(event)
        return events

    def _remerge(
        self, conn: sqlite3.Connection, key: str, kind: str, source: str, now: datetime
    ) -> _PendingEvent | None:
        """Recomputes an item from its observations and says what a person should hear about it."""
        rows = conn.execute(
            "SELECT fields FROM observations WHERE key = ?"
            " ORDER BY coalesce(json_extract(fields, '$.authority'), 0) DESC, rowid",
            (key,),
        ).fetchall()
        item = conn.execute("SELECT fields, removed_at FROM items WHERE key = ?", (key,)).fetchone()
        stamp = _iso(now)
        if not rows:
            if item is None or item["removed_at"]:
                return None
            conn.execute("UPDATE items SET removed_at = ?, updated_at = ? WHERE key = ?", (stamp, stamp, key))
            return _PendingEvent("removed", key, kind, source, json.loads(item["fields"]), {})
        merged = merge_fields(json.loads(r["fields"]) for r in rows)
        merged_json = _dumps(merged)
        if item is None:
            conn.execute(
                "INSERT INTO items (key, kind, fields, first_seen, updated_at) VALUES (?, ?, ?, ?, ?)",
                (key, kind, merged_json, stamp, stamp),
            )
            return _PendingEvent("new", key, kind, source, merged, {})
        before = json.loads(item["fields"])
        conn.execute(
            "UPDATE items SET fields = ?, updated_at = ?, removed_at = NULL WHERE key = ?",
            (merged_json, stamp, key),
        )
        changes = _changes(before, merged)
        if set(changes) <= QUIET_FIELDS:
            return None
        return _PendingEvent("changed", key, kind, source, merged, changes)

    # -- health ------------------------------------------------------------------------------------

    def _ensure_source(self, conn: sqlite3.Connection, source: str) -> None:
        conn.execute("INSERT OR IGNORE INTO sources (name) VALUES (?)", (source,))

    def _record_success(
        self, conn: sqlite3.Connection, source: str, now: datetime, outcome: str
    ) -> list[_PendingEvent]:
        row = conn.execute(
            "SELECT failing_alerted, consecutive_failures, last_error FROM sources WHERE name = ?", (source,)
        ).fetchone()
        stamp = _iso(now)
        conn.execute(
            "UPDATE sources SET last_attempt = ?, last_success = ?, last_outcome = ?,"
            " consecutive_failures = 0, failing_alerted = 0, polls = polls + 1 WHERE name = ?",
            (stamp, stamp, outcome, source),
        )
        if not row["failing_alerted"]:
            return []
        fields = {"source": source, "failures": row["consecutive_failures"], "error": row["last_error"]}
        return [_PendingEvent("source_recovered", f"source:{source}", "source", source, fields, {})]

    def _record_failure(
        self, conn: sqlite3.Connection, source: str, now: datetime, outcome: str, message: str
    ) -> list[_PendingEvent]:
        stamp = _iso(now)
        conn.execute(
            "UPDATE sources SET last_attempt = ?, last_outcome = ?, last_error = ?, last_error_at = ?,"
            " consecutive_failures = consecutive_failures + 1, polls = polls + 1, failures = failures + 1"
            " WHERE name = ?",
            (stamp, outcome, message, stamp, source),
        )
        row = conn.execute(
            "SELECT consecutive_failures, failing_alerted, last_success FROM sources WHERE name = ?",
            (source,),
        ).fetchone()
        if row["failing_alerted"] or row["consecutive_failures"] < self.rules.failure_alert_after:
            return []
        conn.execute("UPDATE sources SET failing_alerted = 1 WHERE name = ?", (source,))
        fields = {
            "source": source,
            "failures": row["consecutive_failures"],
            "error": message,
            "outcome": outcome,
            "last_success": row["last_success"],
        }
        return [_PendingEvent("source_failing", f"source:{source}", "source", source, fields, {})]

    def set_paused(self, source: str, paused: bool) -> None:
        with self.transaction() as conn:
            self._ensure_source(conn, source)
            conn.execute("UPDATE sources SET paused = ? WHERE name = ?", (int(paused), source))

    def health(self) -> dict[str, SourceHealth]:
        counts = dict(
            self.connection().execute("SELECT source, count(*) FROM observations GROUP BY source").fetchall()
        )
        result = {}
        for r in self.connection().execute("SELECT * FROM sources ORDER BY name"):
            result[r["name"]] = SourceHealth(
                name=r["name"],
                baseline_done=bool(r["baseline_done"]),
                paused=bool(r["paused"]),
                last_attempt=_time(r["last_attempt"]),
                last_success=_time(r["last_success"]),
                last_outcome=r["last_outcome"],
                last_error=r["last_error"],
                last_error_at=_time(r["last_error_at"]),
                consecutive_failures=r["consecutive_failures"],
                polls=r["polls"],
                failures=r["failures"],
                item_count=counts.get(r["name"], 0),
            )
        return result

    # -- events and outbox -------------------------------------------------------------------------

    def _queue(
        self, conn: sqlite3.Connection, pending: Sequence[_PendingEvent], now: datetime
    ) -> list[Event]:
        """Writes the events and one outbox row per channel, due at once."""
        events: list[Event] = []
        for p in pending:
            created = now
            changes = {k: list(v) for k, v in p.changes.items()}
            cursor = conn.execute(
                "INSERT INTO events (type, key, item_kind, source, fields, changes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (p.type, p.key, p.item_kind, p.source, _dumps(p.fields), _dumps(changes), _iso(created)),
            )
            event_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO outbox (event_id, channel, next_attempt_at) VALUES (?, ?, ?)",
                [(event_id, channel, _iso(created)) for channel in self.channels],
            )
            events.append(Event(event_id, p.type, p.key, p.item_kind, p.source, p.fields, p.changes, created))
        return events

    def pending(self, channel: str, now: datetime, limit: int = 500) -> list[OutboxEntry]:
        """The channel's pending rows in order, or none while the oldest one waits for its retry."""
        rows = (
            self.connection()
            .execute(
                "SELECT o.id AS oid, o.attempts, o.next_attempt_at, e.* FROM outbox o"
                " JOIN events e ON e.id = o.event_id WHERE o.channel = ? AND o.state = 'pending'"
                " ORDER BY o.id LIMIT ?",
                (channel, limit),
            )
            .fetchall()
        )
        if not rows or rows[0]["next_attempt_at"] > _iso(now):
            return []
        return [OutboxEntry(r["oid"], channel, _event(r), r["attempts"]) for r in rows]

    def ack(self, entry_ids: Sequence[int], external_id: str | None, now: datetime) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET state = 'sent', sent_at = ?, external_id = ? WHERE id = ?",
                [(_iso(now), external_id, i) for i in entry_ids],
            )

    def fail(self, entry_ids: Sequence[int], error: str, now: datetime, retry_after: float | None) -> None:
        """Keeps the rows pending; the first waits retry_after, or an exponential back-off."""
        with self.transaction() as conn:
            for entry_id in entry_ids:
                row = conn.execute("SELECT attempts FROM outbox WHERE id = ?", (entry_id,)).fetchone()
                attempts = row["attempts"] + 1
                delay = (
                    timedelta(seconds=retry_after)
                    if retry_after is not None
                    else min(_BASE_BACKOFF * 2 ** (attempts - 1), _MAX_BACKOFF)
                )
                conn.execute(
                    "UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                    (attempts, error[:500], _iso(now + delay), entry_id),
                )

    def outbox_counts(self) -> dict[str, dict[str, int]]:
        """Per channel: pending, retrying (pending after a failed attempt) and sent."""
        result: dict[str, dict[str, int]] = {}
        for r in self.connection().execute(
            "SELECT channel, sum(state = 'pending') AS pending, sum(state = 'sent') AS sent,"
            " sum(state = 'pending' AND attempts > 0) AS failed FROM outbox GROUP BY channel"
        ):
            result[r["channel"]] = {"pending": r["pending"], "failed": r["failed"], "sent": r["sent"]}
        return result

    def oldest_pending(self) -> dict[str, datetime]:
        """Per channel, when its oldest pending event was queued."""
        rows = self.connection().execute(
            "SELECT o.channel, min(e.created_at) AS oldest FROM outbox o JOIN events e ON e.id = o.event_id"
            " WHERE o.state = 'pending' GROUP BY o.channel"
        )
        return {r["channel"]: datetime.fromisoformat(r["oldest"]) for r in rows}

    def events(self, *, limit: int = 20, key: str | None = None, types: Sequence[str] = ()) -> list[Event]:
        """Newest first."""
        sql, params = "SELECT * FROM events WHERE 1 = 1", []
        if key is not None:
            sql += " AND key = ?"
            params.append(key)
        if types:
            sql += f" AND type IN ({','.join('?' * len(types))})"
            params.extend(types)
        sql += " ORDER BY id DESC LIMIT ?"
        return [_event(r) for r in self.connection().execute(sql, [*params, limit])]

    # -- items -------------------------------------------------------------------------------------

    def item(self, key: str) -> StoredItem | None:
        row = self.connection().execute("SELECT * FROM items WHERE key = ?", (key,)).fetchone()
        return _item(row) if row else None

    def items(self, *, kind: str | None = None, key_prefix: str = "", limit: int = 1000) -> list[StoredItem]:
        sql, params = (
            "SELECT * FROM items WHERE removed_at IS NULL AND substr(key, 1, ?) = ?",
            [
                len(key_prefix),
                key_prefix,
            ],
        )
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY key LIMIT ?"
        return [_item(r) for r in self.connection().execute(sql, [*params, limit])]

    def observation(self, source: str, key: str) -> dict[str, Any] | None:
        """What `source` last reported about `key`, if it reported it."""
        row = (
            self.connection()
            .execute("SELECT fields FROM observations WHERE source = ? AND key = ?", (source, key))
            .fetchone()
        )
        return json.loads(row["fields"]) if row else None

    def known_keys(self, prefix: str) -> list[str]:
        return [i.key for i in self.items(key_prefix=prefix, limit=100_000)]

    # -- small state for the fetcher and notifiers -------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


@dataclass(frozen=True)
class _PendingEvent:
    type: EventType
    key: str
    item_kind: str
    source: str
    fields: Mapping[str, Any]
    changes: Mapping[str, tuple[Any, Any]]


def _event(row: sqlite3.Row) -> Event:
    changes = {k: (v[0], v[1]) for k, v in json.loads(row["changes"]).items()}
    return Event(
        id=row["id"],
        type=row["type"],
        key=row["key"],
        item_kind=row["item_kind"],
        source=row["source"],
        fields=json.loads(row["fields"]),
        changes=changes,
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _item(row: sqlite3.Row) -> StoredItem:
    return StoredItem(
        key=row["key"],
        kind=row["kind"],
        fields=json.loads(row["fields"]),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        removed_at=_time(row["removed_at"]),
    )
