"""The last page each URL was parsed from: its validators, body and body hash.

Rows are written only in the transaction that applies the snapshot parsed from them (Store.apply), so
the cache never runs ahead of the items: a crash after a fetch and before its snapshot is applied
leaves the old validators, and the next poll fetches the page again. A page whose snapshot was refused
(a parse error, a broken listing) is never cached, so a 304 or an unchanged body always stands for a
page that was read successfully.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from watchers.fetch import CachedPage


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Validators:
    """What a conditional request needs, and the hash of the body they stand for (no body)."""

    etag: str | None
    last_modified: str | None
    body_hash: str


def validators(conn: sqlite3.Connection, url: str) -> Validators | None:
    row = conn.execute(
        "SELECT etag, last_modified, body_hash FROM page_cache WHERE url = ?", (url,)
    ).fetchone()
    return Validators(row["etag"], row["last_modified"], row["body_hash"]) if row else None


def read(conn: sqlite3.Connection, url: str) -> tuple[CachedPage, str] | None:
    """The cached page of `url` and its body's hash."""
    row = conn.execute("SELECT * FROM page_cache WHERE url = ?", (url,)).fetchone()
    if row is None:
        return None
    page = CachedPage(
        url=url,
        etag=row["etag"],
        last_modified=row["last_modified"],
        headers=json.loads(row["headers"]),
        body=bytes(row["body"]),
        fetched_at=datetime.fromisoformat(row["fetched_at"]),
    )
    return page, row["body_hash"]


def write(conn: sqlite3.Connection, pages: Sequence[CachedPage]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO page_cache (url, etag, last_modified, headers, body, body_hash, fetched_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                p.url,
                p.etag,
                p.last_modified,
                json.dumps(p.headers),
                p.body,
                body_hash(p.body),
                p.fetched_at.astimezone(UTC).isoformat(),
            )
            for p in pages
        ],
    )
