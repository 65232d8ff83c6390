"""The one HTTP client every watcher shares: polite, bounded, and explicit about how a fetch failed.

Manners (SOURCES.md §7): a User-Agent naming the bot and a contact, conditional GET, one request at a
time per host with a minimum gap, timeouts, a size cap. A challenge (202 empty, 403 `cf-mitigated`,
`x-amzn-waf-action`) is "blocked", never a page.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urlsplit

import requests

from watchers.base import Page, PageFetcher, SourceError

_CHUNK = 65536


@dataclass(frozen=True)
class HttpConfig:
    user_agent: str = "HRCWatch/0.1"
    contact: str = ""
    connect_timeout: timedelta = timedelta(seconds=10)
    read_timeout: timedelta = timedelta(seconds=30)
    max_bytes: int = 10_000_000
    min_host_gap: timedelta = timedelta(seconds=2)

    def validate(self) -> None:
        if self.max_bytes < 1024:
            raise ValueError(f"max_bytes must be at least 1024, got {self.max_bytes}")


@dataclass(frozen=True)
class CachedPage:
    url: str
    etag: str | None
    last_modified: str | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime


class PageCache(Protocol):
    def get(self, url: str) -> CachedPage | None: ...

    def put(self, page: CachedPage) -> None: ...


class _HostGate:
    """Serialises requests to one host and spaces them by the minimum gap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = 0.0


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def _blocked_reason(response: requests.Response, body_empty: bool) -> str | None:
    headers = response.headers
    if "x-amzn-waf-action" in headers:
        return f"AWS WAF {headers['x-amzn-waf-action']} (HTTP {response.status_code})"
    if response.status_code == 403 and "cf-mitigated" in headers:
        return f"Cloudflare {headers['cf-mitigated']} (HTTP 403)"
    if response.status_code == 202 and body_empty:
        return "HTTP 202 with an empty body (a bot challenge)"
    return None


class HttpFetcher(PageFetcher):
    def __init__(self, config: HttpConfig, cache: PageCache | None = None):
        self.config = config
        self.cache = cache
        self.session = requests.Session()
        contact = f" (contact: {config.contact})" if config.contact else ""
        self.session.headers["User-Agent"] = f"{config.user_agent}{contact}"
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def with_cache(self, cache: PageCache) -> HttpFetcher:
        """The same client (session, host gates) reading validators from another cache: one per poll."""
        clone = copy.copy(self)
        clone.cache = cache
        return clone

    def _gate(self, url: str) -> _HostGate:
        host = urlsplit(url).netloc.lower()
        with self._gates_lock:
            return self._gates.setdefault(host, _HostGate())

    def cached(self, url: str) -> Page | None:
        entry = self.cache.get(url) if self.cache else None
        if entry is None:
            return None
        return Page(url, 200, entry.headers, entry.body, entry.fetched_at)

    def get(
        self, url: str, *, conditional: bool = True, headers: Mapping[str, str] | None = None
    ) -> Page | None:
        request_headers = dict(headers or {})
        entry = self.cache.get(url) if (conditional and self.cache) else None
        if entry is not None:
            if entry.etag:
                request_headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                request_headers["If-Modified-Since"] = entry.last_modified
        gate = self._gate(url)
        with gate.lock:
            wait = gate.last + self.config.min_host_gap.total_seconds() - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return self._get(url, request_headers, conditional, entry)
            finally:
                gate.last = time.monotonic()

    def _get(
        self, url: str, headers: dict[str, str], conditional: bool, entry: CachedPage | None
    ) -> Page | None:
        timeouts = (self.config.connect_timeout.total_seconds(), self.config.read_timeout.total_seconds())
        try:
            with self.session.get(url, headers=headers, timeout=timeouts, stream=True) as response:
                if response.status_code == 304 and entry is not None:
                    return None
                body = self._read(url, response)
        except requests.Timeout as exc:
            raise SourceError("timeout", f"{url}: timed out ({type(exc).__name__})") from None
        except requests.ConnectionError as exc:
            raise SourceError("network_error", f"{url}: connection failed: {_short(exc)}") from None
        except requests.RequestException as exc:
            raise SourceError("network_error", f"{url}: {type(exc).__name__}: {_short(exc)}") from None
        blocked = _blocked_reason(response, not body.strip())
        if blocked:
            raise SourceError("blocked", f"{url}: blocked: {blocked}")
        if response.status_code == 429 or response.status_code >= 300:
            retry = _retry_after(response.headers.get("Retry-After"))
            raise SourceError("http_error", f"{url}: HTTP {response.status_code}", retry_after=retry)
        now = datetime.now(UTC)
        kept = {k.lower(): v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
        page = Page(response.url or url, response.status_code, kept, body, now)
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if conditional and self.cache and response.status_code == 200 and (etag or modified):
            self.cache.put(CachedPage(url, etag, modified, kept, body, now))
        return page

    def _read(self, url: str, response: requests.Response) -> bytes:
        """Reads at most max_bytes of decoded body (a gzip bomb stops at the cap) within a deadline."""
        limit = self.config.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit and "Content-Encoding" not in response.headers:
            raise SourceError("too_large", f"{url}: {int(declared)} bytes declared, the cap is {limit}")
        deadline = time.monotonic() + 3 * self.config.read_timeout.total_seconds()
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise SourceError("too_large", f"{url}: more than {limit} bytes, the cap")
            if time.monotonic() > deadline:
                raise SourceError("timeout", f"{url}: body still arriving after the deadline")
            chunks.append(chunk)
        return b"".join(chunks)


_KEPT_HEADERS = frozenset({"content-type", "etag", "last-modified", "content-range", "content-length"})


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:197] + "..."
