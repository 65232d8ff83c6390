"""Notices and their outbox rows: written in the transaction that observed them, sent in order per
channel, marked sent only after the channel confirmed delivery.

A channel's rows go out in order; a failure puts back-off on the oldest row and nothing overtakes it.
The first post of a story on a channel is remembered (story_posts) when it is acked, so later notices of
that story can be threaded under it, across restarts. A confirmation or correction of a happening whose
own notice has not been attempted on any channel yet is folded into that notice instead: subscribers get
one post that already says it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from state.happenings import NoticeDraft
from state.json_text import dumps
from state.model import Notice, OutboxEntry

_MAX_BACKOFF = timedelta(hours=1)
_BASE_BACKOFF = timedelta(seconds=5)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def notice_of(row: sqlite3.Row) -> Notice:
    return Notice(
        id=row["nid"],
        type=row["type"],
        source=row["source"],
        payload=json.loads(row["payload"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        story_id=row["story_id"],
        happening_id=row["happening_id"],
    )


def _fold(conn: sqlite3.Connection, draft: NoticeDraft) -> bool:
    """Rewrites the happening's own notice with the news when no channel has tried it yet."""
    if draft.type not in ("confirmed", "correction") or draft.happening_id is None:
        return False
    row = conn.execute(
        "SELECT n.id, n.payload, (SELECT count(*) FROM outbox o WHERE o.notice_id = n.id"
        " AND (o.state = 'sent' OR o.attempts > 0)) AS tried FROM notices n"
        " WHERE n.happening_id = ? AND n.type = 'happening'",
        (draft.happening_id,),
    ).fetchone()
    if row is None or row["tried"]:
        return False
    body = json.loads(row["payload"])
    body["facts"] = draft.payload["facts"]
    body["official"] = draft.payload["official"]
    if draft.type == "correction":
        body["source_label"] = draft.payload["source_label"]
        body.pop("confirmed_by", None)
    else:
        body["confirmed_by"] = draft.payload["confirmed_by"]
    conn.execute("UPDATE notices SET payload = ? WHERE id = ?", (dumps(body), row["id"]))
    return True


def queue(
    conn: sqlite3.Connection, drafts: Sequence[NoticeDraft], channels: Sequence[str], now: datetime
) -> list[Notice]:
    """Writes the notices and one outbox row per channel, due at once."""
    stamp = iso(now)
    queued: list[Notice] = []
    for draft in drafts:
        if _fold(conn, draft):
            continue
        cursor = conn.execute(
            "INSERT INTO notices (type, story_id, happening_id, source, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (draft.type, draft.story_id, draft.happening_id, draft.source, dumps(draft.payload), stamp),
        )
        notice_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO outbox (notice_id, channel, next_attempt_at) VALUES (?, ?, ?)",
            [(notice_id, channel, stamp) for channel in channels],
        )
        queued.append(
            Notice(
                notice_id, draft.type, draft.source, draft.payload, now, draft.story_id, draft.happening_id
            )  # type: ignore[arg-type]
        )
    return queued


_PENDING = (
    "SELECT o.id AS oid, o.attempts, o.next_attempt_at, n.id AS nid, n.type, n.source, n.payload,"
    " n.created_at, n.story_id, n.happening_id FROM outbox o JOIN notices n ON n.id = o.notice_id"
    " WHERE o.channel = ? AND o.state = 'pending'"
)


def pending(
    conn: sqlite3.Connection, channel: str, now: datetime, limit: int, skip: Sequence[int] = ()
) -> list[OutboxEntry]:
    """The channel's pending rows in order, or none while the oldest one waits for its retry.

    `skip`: rows a channel confirmed but whose ack could not be written yet; they are never resent.
    """
    rows = conn.execute(f"{_PENDING} ORDER BY o.id LIMIT ?", (channel, limit + len(skip))).fetchall()
    rows = [r for r in rows if r["oid"] not in set(skip)][:limit]
    if not rows or rows[0]["next_attempt_at"] > iso(now):
        return []
    return [OutboxEntry(r["oid"], channel, notice_of(r), r["attempts"]) for r in rows]


def ack(conn: sqlite3.Connection, entry_ids: Sequence[int], external_id: str | None, now: datetime) -> None:
    """Marks rows sent; the first post of a story on a channel becomes the story's thread root."""
    conn.executemany(
        "UPDATE outbox SET state = 'sent', sent_at = ?, external_id = ? WHERE id = ?",
        [(iso(now), external_id, i) for i in entry_ids],
    )
    if external_id is None:
        return
    conn.executemany(
        "INSERT OR IGNORE INTO story_posts (story_id, channel, message_id)"
        " SELECT n.story_id, o.channel, ? FROM outbox o JOIN notices n ON n.id = o.notice_id"
        " WHERE o.id = ? AND n.story_id IS NOT NULL",
        [(external_id, i) for i in entry_ids],
    )


def fail(
    conn: sqlite3.Connection, entry_ids: Sequence[int], error: str, now: datetime, retry_after: float | None
) -> None:
    """Keeps the rows pending; the first waits retry_after, or an exponential back-off."""
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
            (attempts, error[:500], iso(now + delay), entry_id),
        )


def thread_root(conn: sqlite3.Connection, story_id: int, channel: str) -> str | None:
    row = conn.execute(
        "SELECT message_id FROM story_posts WHERE story_id = ? AND channel = ?", (story_id, channel)
    ).fetchone()
    return row["message_id"] if row else None


def post_of(conn: sqlite3.Connection, happening_id: int, channel: str) -> str | None:
    """The message that told a happening on a channel (what a confirmation edits)."""
    row = conn.execute(
        "SELECT o.external_id FROM outbox o JOIN notices n ON n.id = o.notice_id WHERE n.happening_id = ?"
        " AND n.type = 'happening' AND o.channel = ? AND o.state = 'sent' ORDER BY o.id LIMIT 1",
        (happening_id, channel),
    ).fetchone()
    return row["external_id"] if row else None


def counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Per channel: pending, retrying (pending after a failed attempt) and sent."""
    result: dict[str, dict[str, int]] = {}
    for r in conn.execute(
        "SELECT channel, sum(state = 'pending') AS pending, sum(state = 'sent') AS sent,"
        " sum(state = 'pending' AND attempts > 0) AS failed FROM outbox GROUP BY channel"
    ):
        result[r["channel"]] = {"pending": r["pending"], "failed": r["failed"], "sent": r["sent"]}
    return result


def oldest_pending(conn: sqlite3.Connection) -> dict[str, datetime]:
    """Per channel, when its oldest pending notice was queued."""
    rows = conn.execute(
        "SELECT o.channel, min(n.created_at) AS oldest FROM outbox o JOIN notices n ON n.id = o.notice_id"
        " WHERE o.state = 'pending' GROUP BY o.channel"
    )
    return {r["channel"]: datetime.fromisoformat(r["oldest"]) for r in rows}
