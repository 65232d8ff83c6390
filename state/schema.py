"""The store's one schema, as numbered migrations (PRAGMA user_version), so an old store upgrades in place.

Every table of the database is created here and nowhere else. Migration 1 is the schema of the first
releases (items, observations, source health, events and their outbox, the HTTP cache, vote history,
follows); a store from then has user_version 0 and all of it already, so its statements are written to be
idempotent. Migration 2 turns events into stories, happenings and notices (see state/happenings.py):
what an old store had announced is recorded as already announced, and what it still had pending is
queued again as the happenings it stood for, so an upgrade neither repeats nor loses an alert.
Migration 3 keeps parsed texts and the comparisons of a draft with the text before it (bot/text_work.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

_V1 = """
CREATE TABLE IF NOT EXISTS items (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    fields     TEXT NOT NULL,          -- merged fields of every source's observation
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE TABLE IF NOT EXISTS observations (
    source     TEXT NOT NULL,
    key        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    fields     TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    missing    INTEGER NOT NULL DEFAULT 0,   -- consecutive healthy complete snapshots without it
    PRIMARY KEY (source, key)
);
CREATE INDEX IF NOT EXISTS observations_key ON observations (key);
CREATE TABLE IF NOT EXISTS sources (
    name                 TEXT PRIMARY KEY,
    baseline_done        INTEGER NOT NULL DEFAULT 0,
    paused               INTEGER NOT NULL DEFAULT 0,
    last_attempt         TEXT,
    last_success         TEXT,
    last_outcome         TEXT,
    last_error           TEXT,
    last_error_at        TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_alerted      INTEGER NOT NULL DEFAULT 0,
    polls                INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT NOT NULL,
    key        TEXT NOT NULL,
    item_kind  TEXT NOT NULL,
    source     TEXT NOT NULL,
    fields     TEXT NOT NULL,
    changes    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES events (id),
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    external_id     TEXT
);
CREATE TABLE IF NOT EXISTS http_cache (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    headers       TEXT NOT NULL,
    body          BLOB NOT NULL,
    fetched_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vote_history_seen (
    key TEXT PRIMARY KEY,
    vote_date TEXT,
    title TEXT,
    vote_json TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS telegram_follows (
    user_id    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    value      TEXT NOT NULL,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, value)
);
"""

# Stories, happenings and notices replace item events; page_cache replaces http_cache (validators, body
# and body hash of the last page a snapshot was applied from, written in that snapshot's transaction).
_V2 = """
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    anchor     TEXT NOT NULL UNIQUE,     -- the draft's family root, or the key of a story of its own
    title      TEXT NOT NULL DEFAULT '',
    session    TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE story_members (
    key      TEXT PRIMARY KEY,           -- an item key: a symbol, vote:..., meeting:...
    story_id INTEGER NOT NULL REFERENCES stories (id)
);
CREATE INDEX story_members_story ON story_members (story_id);
CREATE TABLE happenings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id   INTEGER NOT NULL REFERENCES stories (id),
    kind       TEXT NOT NULL,            -- tabled, revised, addendum, corrigendum, amendment, published,
                                         -- action, roll_call, live, text_changes
    ordinal    TEXT NOT NULL DEFAULT '', -- which one of its kind: the Rev./Add. symbol, the meeting, ...
    facts      TEXT NOT NULL,            -- what it says, as told
    authority  INTEGER NOT NULL DEFAULT 0,
    source     TEXT NOT NULL,            -- the source whose report is told
    reports    TEXT NOT NULL,            -- {source: {"label", "authority", "facts"}}: who reported it
    announced  INTEGER NOT NULL,         -- 0: recorded in a baseline, never told
    created_at TEXT NOT NULL,
    UNIQUE (story_id, kind, ordinal)
);
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT NOT NULL,          -- happening | confirmed | correction | source_failing | ...
    story_id     INTEGER REFERENCES stories (id),
    happening_id INTEGER REFERENCES happenings (id),
    source       TEXT NOT NULL,
    payload      TEXT NOT NULL,          -- everything a channel needs to tell it, frozen when queued
    created_at   TEXT NOT NULL
);
CREATE INDEX notices_happening ON notices (happening_id);
CREATE TABLE outbox_v2 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notice_id       INTEGER NOT NULL REFERENCES notices (id),
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',   -- pending | sent
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    external_id     TEXT
);
CREATE TABLE story_posts (
    story_id   INTEGER NOT NULL REFERENCES stories (id),
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,            -- the story's first post: later happenings reply to it
    PRIMARY KEY (story_id, channel)
);
CREATE TABLE page_cache (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    headers       TEXT NOT NULL,
    body          BLOB NOT NULL,
    body_hash     TEXT NOT NULL,
    fetched_at    TEXT NOT NULL
);
DROP TABLE IF EXISTS telegram_parts;       -- parts of v1 outbox rows, which are queued anew
CREATE TABLE telegram_parts (
    entry_id   INTEGER NOT NULL,
    chat       TEXT NOT NULL,
    part       INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (entry_id, chat, part)
);
ALTER TABLE sources ADD COLUMN retry_not_before TEXT;
"""

_V2_FINISH = """
DELETE FROM meta WHERE key = 'email.open_digest';   -- it pinned v1 outbox ids
DROP TABLE outbox;
DROP TABLE events;
DROP TABLE http_cache;
ALTER TABLE outbox_v2 RENAME TO outbox;
CREATE INDEX outbox_channel_state ON outbox (channel, state, id);
CREATE INDEX outbox_notice ON outbox (notice_id, channel);
"""


# Texts of documents, parsed, by symbol (fetched once), and the comparisons a draft's thread waits for.
_V3 = """
CREATE TABLE texts (
    symbol     TEXT PRIMARY KEY,
    parsed     TEXT NOT NULL,            -- watchers.texts ParsedText.to_json()
    fetched_at TEXT NOT NULL
);
CREATE TABLE text_work (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id        INTEGER NOT NULL REFERENCES stories (id),
    symbol          TEXT NOT NULL,       -- the new text
    against         TEXT,                -- the text to compare it with; NULL: the one before it
    state           TEXT NOT NULL DEFAULT 'pending',   -- pending | done | given_up
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (story_id, symbol)
);
CREATE INDEX text_work_due ON text_work (state, next_attempt_at);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    describe: str
    run: Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _statements(_V1):
        conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    from state.upgrade import carry_over_events  # the one-off translation of a v1 store's events

    for statement in _statements(_V2):
        conn.execute(statement)
    carry_over_events(conn)
    for statement in _statements(_V2_FINISH):
        conn.execute(statement)


def _v3(conn: sqlite3.Connection) -> None:
    for statement in _statements(_V3):
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "items, observations, source health, events, outbox, HTTP cache", _v1),
    Migration(2, "stories, happenings and notices instead of item events; page cache with body hashes", _v2),
    Migration(3, "parsed texts by symbol and the text comparisons drafts wait for", _v3),
)
VERSION = MIGRATIONS[-1].version


def _statements(script: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class NewerStore(Exception):
    """The file was written by a newer HRC Watch than this one."""


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Brings the database to VERSION, one migration per transaction; returns the versions applied."""
    conn.execute("PRAGMA journal_mode = WAL")
    (current,) = conn.execute("PRAGMA user_version").fetchone()
    if current > VERSION:
        raise NewerStore(f"the store has schema version {current}; this HRC Watch knows up to {VERSION}")
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration.run(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration.version)
    return applied
