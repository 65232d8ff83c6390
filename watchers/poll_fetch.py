"""One poll's view of the shared HTTP client: validators from the store's page cache, fresh pages kept aside.

The pages a poll fetches anew are not cached here: they are handed to the store with the snapshot parsed
from them and written in that snapshot's transaction (state/page_cache.py). A 200 whose body is
byte-identical to the one the last applied snapshot was parsed from counts as unchanged, like a 304,
so an unchanged page is never parsed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from watchers.base import Page, PageFetcher
from watchers.fetch import CachedPage, HttpFetcher

CacheReader = Callable[[str], tuple[CachedPage, str] | None]
ValidatorReader = Callable[[str], Any]  # -> an object with etag, last_modified, body_hash, or None


class _Validators:
    """The PageCache the shared client reads conditional-GET validators from; it never writes, and
    never reads a body (a cycle of 304s costs no body read)."""

    def __init__(self, read: ValidatorReader) -> None:
        self.read = read

    def get(self, url: str) -> CachedPage | None:
        found = self.read(url)
        if found is None:
            return None
        return CachedPage(url, found.etag, found.last_modified, {}, b"", datetime.now(UTC))

    def put(self, page: CachedPage) -> None:
        """Writes happen with the snapshot, in the store."""


class PollFetcher(PageFetcher):
    def __init__(self, http: HttpFetcher, validators: ValidatorReader, read: CacheReader) -> None:
        self.validators = validators
        self.read = read
        self.http = http.with_cache(_Validators(validators))
        self.writes: dict[str, CachedPage] = {}

    def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        headers: Mapping[str, str] | None = None,
        allow_redirects_to: Sequence[str] = (),
    ) -> Page | None:
        page = self.http.get(
            url, conditional=conditional, headers=headers, allow_redirects_to=allow_redirects_to
        )
        if page is None:
            return None
        known = self.validators(url) if conditional else None
        if known is not None and known.body_hash == hashlib.sha256(page.body).hexdigest():
            return None
        h = page.headers
        self.writes[url] = CachedPage(
            url, h.get("etag"), h.get("last-modified"), dict(h), page.body, page.fetched_at
        )
        return page

    def cached(self, url: str) -> Page | None:
        if url in self.writes:
            entry = self.writes[url]
        else:
            found = self.read(url)
            if found is None:
                return None
            entry = found[0]
        return Page(url, 200, entry.headers, entry.body, entry.fetched_at)
