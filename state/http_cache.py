"""Validators and last good bodies of conditionally fetched pages, so a 304 can be re-read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from state.store import Store
from watchers.fetch import CachedPage


class HttpCache:
    def __init__(self, store: Store):
        self.store = store

    def get(self, url: str) -> CachedPage | None:
        row = self.store.connection().execute("SELECT * FROM http_cache WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return CachedPage(
            url=url,
            etag=row["etag"],
            last_modified=row["last_modified"],
            headers=json.loads(row["headers"]),
            body=bytes(row["body"]),
            fetched_at=datetime.fromisoformat(row["fetched_at"]),
        )

    def put(self, page: CachedPage) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, headers, body, fetched_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    page.url,
                    page.etag,
                    page.last_modified,
                    json.dumps(page.headers),
                    page.body,
                    page.fetched_at.astimezone(UTC).isoformat(),
                ),
            )
