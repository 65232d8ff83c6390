"""Schema 2's one-off translation of a schema-1 store: item events become stories and happenings.

Every observation is replayed silently into stories and happenings (as a baseline would be). Then each
old event is read for the happenings it told: a happening an old event was sent for on a channel is
marked announced; one whose old event was still pending on a channel is queued again, as the happening,
for exactly those channels. Old "removed" and field-change events are not happenings and are dropped.
The first channel post of each story (the old outbox's message ids) becomes the story's thread root.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from state.happenings import Happenings, SourceInfo, payload
from state.observations import merge_fields
from state.page_cache import body_hash
from state.reports import combined, reports_of
from state.stories import Stories, placement

_OPERATOR = ("source_failing", "source_recovered")
_ACTION_CHANGES = frozenset({"status", "outcome", "yes", "no", "abstain"})


def _told(event: sqlite3.Row) -> set[tuple[str, str]]:
    """The (kind, ordinal) of the happenings an old event told."""
    fields = json.loads(event["fields"])
    found = {(r.kind, r.ordinal) for r in reports_of(event["key"], event["item_kind"], fields)}
    if event["type"] == "new":
        return found
    if event["type"] != "changed":
        return set()
    changes = set(json.loads(event["changes"]))
    wanted = set()
    if changes & _ACTION_CHANGES:
        wanted.add("action")
    if "roll_call" in changes:
        wanted.add("roll_call")
    if "live" in changes:
        wanted.add("live")
    return {(kind, ordinal) for kind, ordinal in found if kind in wanted}


def _replay(conn: sqlite3.Connection, stamp: str) -> None:
    stories, happenings = Stories(conn), Happenings(conn)
    rows = conn.execute("SELECT source, key, kind, fields FROM observations ORDER BY rowid").fetchall()
    merged: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        merged[row["key"]].append(json.loads(row["fields"]))
    for row in sorted(rows, key=lambda r: r["kind"] != "document"):
        fields = json.loads(row["fields"])
        where = placement(row["key"], row["kind"], merge_fields(merged[row["key"]]))
        if where is None:
            continue
        title = fields.get("title")
        story_id = stories.place(row["key"], where, stamp, title if isinstance(title, str) else None)
        reports = reports_of(row["key"], row["kind"], fields)
        if reports:
            authority = fields.get("authority") if isinstance(fields.get("authority"), int) else 0
            source = SourceInfo(row["source"], row["source"], authority)
            happenings.observe(stories.info(story_id), source, combined(reports), announce=False, stamp=stamp)


def _requeue(conn: sqlite3.Connection, stamp: str) -> None:
    stories = Stories(conn)
    states: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for event in conn.execute("SELECT * FROM events ORDER BY id").fetchall():
        channels = conn.execute("SELECT channel, state FROM outbox WHERE event_id = ?", (event["id"],))
        by_state = defaultdict(set)
        for row in channels:
            by_state[row["state"]].add(row["channel"])
        if event["type"] in _OPERATOR:
            if by_state["pending"]:
                _queue(conn, event["type"], event["source"], json.loads(event["fields"]), None, None,
                       by_state["pending"], event["created_at"])  # fmt: skip
            continue
        story_id = stories.of_key(event["key"])
        if story_id is None:
            continue
        for kind, ordinal in _told(event):
            row = conn.execute(
                "SELECT id FROM happenings WHERE story_id = ? AND kind = ? AND ordinal = ?",
                (story_id, kind, ordinal),
            ).fetchone()
            if row is not None:
                for state, names in by_state.items():
                    states[row["id"]][state] |= names
    for happening_id, by_state in states.items():
        wait = by_state["pending"] - by_state["sent"]
        conn.execute("UPDATE happenings SET announced = 1 WHERE id = ?", (happening_id,))
        if wait:
            h = conn.execute("SELECT * FROM happenings WHERE id = ?", (happening_id,)).fetchone()
            source = SourceInfo(h["source"], h["source"], h["authority"])
            body = payload(
                stories.info(h["story_id"]), h["kind"], h["ordinal"], json.loads(h["facts"]), source
            )
            _queue(conn, "happening", h["source"], body, h["story_id"], happening_id, wait, stamp)


def _queue(
    conn: sqlite3.Connection,
    kind: str,
    source: str,
    body: dict[str, Any],
    story_id: int | None,
    happening_id: int | None,
    channels: set[str],
    stamp: str,
) -> None:
    cursor = conn.execute(
        "INSERT INTO notices (type, story_id, happening_id, source, payload, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (kind, story_id, happening_id, source, json.dumps(body, ensure_ascii=False), stamp),
    )
    conn.executemany(
        "INSERT INTO outbox_v2 (notice_id, channel, next_attempt_at) VALUES (?, ?, ?)",
        [(cursor.lastrowid, channel, stamp) for channel in sorted(channels)],
    )


def _thread_roots(conn: sqlite3.Connection) -> None:
    stories = Stories(conn)
    rows = conn.execute(
        "SELECT e.key, o.channel, o.external_id FROM outbox o JOIN events e ON e.id = o.event_id"
        " WHERE o.state = 'sent' AND o.external_id IS NOT NULL AND e.type NOT IN (?, ?) ORDER BY o.id",
        _OPERATOR,
    )
    for row in rows:
        story_id = stories.of_key(row["key"])
        if story_id is not None:
            conn.execute(
                "INSERT OR IGNORE INTO story_posts VALUES (?, ?, ?)",
                (story_id, row["channel"], row["external_id"]),
            )


def _pages(conn: sqlite3.Connection) -> None:
    for row in conn.execute("SELECT * FROM http_cache").fetchall():
        conn.execute(
            "INSERT INTO page_cache VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row["url"], row["etag"], row["last_modified"], row["headers"], row["body"],
             body_hash(bytes(row["body"])), row["fetched_at"]),
        )  # fmt: skip


def carry_over_events(conn: sqlite3.Connection) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    _replay(conn, stamp)
    _requeue(conn, stamp)
    _thread_roots(conn)
    _pages(conn)
