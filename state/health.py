"""Source health: how each source's polls went, and the operators' failing / recovered notices.

A poll that produced no trustworthy snapshot (HTTP error, timeout, challenge, garbage, a listing that
suddenly lost most of its items) changes no item: it counts as a failure here. After
`failure_alert_after` failures in a row the operators get one "source_failing" notice, and one
"source_recovered" when a poll succeeds again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from state.happenings import NoticeDraft
from state.observations import parse_time
from state.outbox import iso


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
    retry_not_before: datetime | None = None


def _health(row: sqlite3.Row, item_count: int) -> SourceHealth:
    return SourceHealth(
        name=row["name"],
        baseline_done=bool(row["baseline_done"]),
        paused=bool(row["paused"]),
        last_attempt=parse_time(row["last_attempt"]),
        last_success=parse_time(row["last_success"]),
        last_outcome=row["last_outcome"],
        last_error=row["last_error"],
        last_error_at=parse_time(row["last_error_at"]),
        consecutive_failures=row["consecutive_failures"],
        polls=row["polls"],
        failures=row["failures"],
        item_count=item_count,
        retry_not_before=parse_time(row["retry_not_before"]),
    )


def ensure(conn: sqlite3.Connection, source: str) -> None:
    conn.execute("INSERT OR IGNORE INTO sources (name) VALUES (?)", (source,))


def baseline_pending(conn: sqlite3.Connection, source: str) -> bool:
    row = conn.execute("SELECT baseline_done FROM sources WHERE name = ?", (source,)).fetchone()
    return not row["baseline_done"]


def record_success(conn: sqlite3.Connection, source: str, now: datetime, outcome: str) -> list[NoticeDraft]:
    row = conn.execute(
        "SELECT failing_alerted, consecutive_failures, last_error FROM sources WHERE name = ?", (source,)
    ).fetchone()
    stamp = iso(now)
    conn.execute(
        "UPDATE sources SET last_attempt = ?, last_success = ?, last_outcome = ?, baseline_done = 1,"
        " consecutive_failures = 0, failing_alerted = 0, polls = polls + 1, retry_not_before = NULL"
        " WHERE name = ?",
        (stamp, stamp, outcome, source),
    )
    if not row["failing_alerted"]:
        return []
    payload = {"source": source, "failures": row["consecutive_failures"], "error": row["last_error"]}
    return [NoticeDraft("source_recovered", source, payload)]


def record_failure(
    conn: sqlite3.Connection,
    source: str,
    now: datetime,
    outcome: str,
    message: str,
    alert_after: int,
    retry_after: float | None = None,
) -> list[NoticeDraft]:
    stamp = iso(now)
    not_before = iso(now + timedelta(seconds=retry_after)) if retry_after else None
    conn.execute(
        "UPDATE sources SET last_attempt = ?, last_outcome = ?, last_error = ?, last_error_at = ?,"
        " consecutive_failures = consecutive_failures + 1, polls = polls + 1, failures = failures + 1,"
        " retry_not_before = ? WHERE name = ?",
        (stamp, outcome, message[:2000], stamp, not_before, source),
    )
    row = conn.execute(
        "SELECT consecutive_failures, failing_alerted, last_success FROM sources WHERE name = ?", (source,)
    ).fetchone()
    if row["failing_alerted"] or row["consecutive_failures"] < alert_after:
        return []
    conn.execute("UPDATE sources SET failing_alerted = 1 WHERE name = ?", (source,))
    payload = {
        "source": source,
        "failures": row["consecutive_failures"],
        "error": message[:2000],
        "outcome": outcome,
        "last_success": row["last_success"],
    }
    return [NoticeDraft("source_failing", source, payload)]


def set_paused(conn: sqlite3.Connection, source: str, paused: bool) -> None:
    ensure(conn, source)
    conn.execute("UPDATE sources SET paused = ? WHERE name = ?", (int(paused), source))


def one(conn: sqlite3.Connection, source: str) -> SourceHealth | None:
    """One source's health without counting every source's items (what a poll job needs)."""
    row = conn.execute("SELECT * FROM sources WHERE name = ?", (source,)).fetchone()
    return _health(row, 0) if row else None


def every(conn: sqlite3.Connection, with_counts: bool = True) -> dict[str, SourceHealth]:
    counts = (
        dict(conn.execute("SELECT source, count(*) FROM observations GROUP BY source").fetchall())
        if with_counts
        else {}
    )
    return {r["name"]: _health(r, counts.get(r["name"], 0)) for r in conn.execute("SELECT * FROM sources")}
