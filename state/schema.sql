-- HRC Watch diff store. Times are ISO-8601 UTC strings; JSON columns hold objects.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS items (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    fields     TEXT NOT NULL,          -- merged fields of every source's observation
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    removed_at TEXT
);

-- What each source last said about each item; merged into items.fields, first observer first.
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
CREATE INDEX IF NOT EXISTS events_key ON events (key);

CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES events (id),
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',   -- pending | sent
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    external_id     TEXT
);
CREATE INDEX IF NOT EXISTS outbox_channel_state ON outbox (channel, state, id);

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
