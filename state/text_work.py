"""The comparisons a draft's thread waits for, and the parsed texts they are made from.

A draft tabled, revised or given an addendum queues one comparison of its text with the text before it,
in the transaction that recorded the happening (so a crash can neither lose nor double it). The worker
(bot/text_work.py) fetches and compares outside any transaction and records the result as the story's
"text_changes" happening; a text not published yet is tried again later, with back-off.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from state.happenings import NoticeDraft
from state.outbox import iso

COMPARED_KINDS = ("tabled", "revised", "addendum")


@dataclass(frozen=True)
class TextWork:
    id: int
    story_id: int
    symbol: str
    against: str | None
    attempts: int
    created_at: datetime


def queue(conn: sqlite3.Connection, drafts: Sequence[NoticeDraft], now: datetime) -> None:
    """One comparison for each new text among the notices just queued."""
    stamp = iso(now)
    rows = [
        (d.story_id, d.payload["facts"]["symbol"], d.payload["facts"].get("to"), stamp, stamp)
        for d in drafts
        if d.type == "happening"
        and d.payload.get("kind") in COMPARED_KINDS
        and d.payload["facts"].get("symbol")
    ]
    conn.executemany(
        "INSERT OR IGNORE INTO text_work (story_id, symbol, against, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def due(conn: sqlite3.Connection, now: datetime, limit: int) -> list[TextWork]:
    rows = conn.execute(
        "SELECT * FROM text_work WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
        (iso(now), limit),
    )
    return [
        TextWork(
            r["id"],
            r["story_id"],
            r["symbol"],
            r["against"],
            r["attempts"],
            datetime.fromisoformat(r["created_at"]),
        )
        for r in rows
    ]


def finish(conn: sqlite3.Connection, work_id: int, state: str = "done", error: str = "") -> None:
    conn.execute(
        "UPDATE text_work SET state = ?, last_error = ? WHERE id = ?", (state, error[:500] or None, work_id)
    )


def later(conn: sqlite3.Connection, work_id: int, error: str, when: datetime) -> None:
    conn.execute(
        "UPDATE text_work SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
        (error[:500], iso(when), work_id),
    )


def kept(conn: sqlite3.Connection, symbol: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT parsed FROM texts WHERE symbol = ?", (symbol,)).fetchone()
    return json.loads(row["parsed"]) if row else None


def keep(conn: sqlite3.Connection, symbol: str, parsed: dict[str, Any], now: datetime) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO texts (symbol, parsed, fetched_at) VALUES (?, ?, ?)",
        (symbol, json.dumps(parsed, ensure_ascii=False), iso(now)),
    )


def backoff(attempts: int) -> timedelta:
    """10 minutes, doubling, at most 6 hours: a draft's text usually follows its listing within hours."""
    return min(timedelta(minutes=10) * 2**attempts, timedelta(hours=6))
