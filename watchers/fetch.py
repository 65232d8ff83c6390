"""The one HTTP client every watcher shares: polite, bounded, and explicit about how a fetch failed.

Manners (docs/SOURCES.md §7): a User-Agent naming the bot and a contact, conditional GET, one request at a
time per host with a minimum gap, timeouts, a size cap. A challenge (202 empty, 403 `cf-mitigated`,
`x-amzn-waf-action`) is "blocked", never a page.

Bounds: one wall-clock deadline per request (connect, headers, body, retries and redirects together:
`HttpConfig.deadline`), after which the request's sockets are shut down and the host's gate is free
again; a bounded retry of transient failures (watchers.http_deadline); redirects followed by us, hop by
hop, only where watchers.redirects allows. A body is complete or it is a failure: shorter than its
Content-Length, a chunked body cut before its last chunk, or a compressed stream that stops before its
end is `network_error`, never a page.
"""

from __future__ import annotations

import copy
import threading
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from urllib3 import BaseHTTPResponse, Timeout
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from watchers.base import Page, PageFetcher, SourceError
from watchers.http_deadline import Connections, Deadline, transient_retry
from watchers.redirects import MAX_REDIRECTS, UnresolvableHost, public, refusal

_CHUNK = 65536
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


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
        for name in ("connect_timeout", "read_timeout"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be more than 0s")

    @property
    def deadline(self) -> timedelta:
        """The whole of one request: connecting, then at most three read timeouts of answer."""
        return self.connect_timeout + 3 * self.read_timeout


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


def _blocked_reason(response: BaseHTTPResponse, body_empty: bool) -> str | None:
    headers = response.headers
    if "x-amzn-waf-action" in headers:
        return f"AWS WAF {headers['x-amzn-waf-action']} (HTTP {response.status})"
    if response.status == 403 and "cf-mitigated" in headers:
        return f"Cloudflare {headers['cf-mitigated']} (HTTP 403)"
    if response.status == 202 and body_empty:
        return "HTTP 202 with an empty body (a bot challenge)"
    return None


class _Decoder:
    """Decodes a gzip (multi-member too) or deflate body within a size cap, and knows whether the
    compressed stream reached its end: a cut one is a truncated body, not a shorter page."""

    def __init__(self, url: str, encoding: str, limit: int):
        self.url, self.encoding, self.limit, self.size = url, encoding, limit, 0
        self._raw_deflate = False
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise SourceError("network_error", f"{url}: unsupported Content-Encoding {_short(encoding)}")
        self._inflater = self._new_inflater()

    def _new_inflater(self) -> Any:
        if self.encoding in ("", "identity"):
            return None
        if self.encoding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self._inflater is None:
            return self._count(data)
        out: list[bytes] = []
        while data:
            out.append(self._count(self._inflate(data)))
            data = b""
            if self._inflater.eof and self._inflater.unused_data and self.encoding != "deflate":
                data = self._inflater.unused_data  # the next gzip member
                self._inflater = self._new_inflater()
        return b"".join(out)

    def _inflate(self, data: bytes) -> bytes:
        try:
            return bytes(self._inflater.decompress(data, self.limit - self.size + 1))
        except zlib.error as exc:
            if self.encoding == "deflate" and not self.size and not self._raw_deflate:
                self._raw_deflate = True  # "deflate" sent without its zlib header, as some servers do
                self._inflater = self._new_inflater()
                return self._inflate(data)
            raise SourceError("network_error", f"{self.url}: corrupt compressed body: {exc}") from None

    def _count(self, out: bytes) -> bytes:
        self.size += len(out)
        if self.size > self.limit:
            raise SourceError("too_large", f"{self.url}: more than {self.limit} bytes, the cap")
        return out

    def check_complete(self, received: int) -> None:
        if self._inflater is not None and not self._inflater.eof:
            raise SourceError(
                "network_error",
                f"{self.url}: truncated after {received} bytes: the compressed body stops before its end",
            )


class HttpFetcher(PageFetcher):
    """urllib3 directly (requests' session adds a millisecond of CPU to each request and tens to the
    start-up, docs/PERFORMANCE.md): its pools, its bounded `Retry`; we follow redirects ourselves."""

    def __init__(self, config: HttpConfig, cache: PageCache | None = None):
        self.config = config
        self.cache = cache
        contact = f" (contact: {config.contact})" if config.contact else ""
        self.headers = {
            "User-Agent": f"{config.user_agent}{contact}",
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
        }
        self.connections = Connections()
        self._retry = transient_retry()
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
        self,
        url: str,
        *,
        conditional: bool = True,
        headers: Mapping[str, str] | None = None,
        allow_redirects_to: Sequence[str] = (),
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
                with Deadline(self.config.deadline.total_seconds()) as deadline:
                    return self._get(url, request_headers, conditional, entry, allow_redirects_to, deadline)
            finally:
                gate.last = time.monotonic()

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        conditional: bool,
        entry: CachedPage | None,
        allowed: Sequence[str],
        deadline: Deadline,
    ) -> Page | None:
        try:
            response, final_url = self._follow(url, headers, allowed, deadline)
            try:
                body = b"" if response.status == 304 and entry is not None else self._read(url, response)
            except BaseException:
                response.close()
                raise
            response.release_conn()
            if response.status == 304 and entry is not None:
                return None
        except (Urllib3Error, OSError) as exc:
            raise _failure(url, exc, deadline) from None
        except SourceError:
            if deadline.expired:
                raise _late(url, deadline) from None
            raise
        if deadline.expired:  # a close-delimited body cut by the watchdog ends like a whole one
            raise _late(url, deadline)
        blocked = _blocked_reason(response, not body.strip())
        if blocked:
            raise SourceError("blocked", f"{url}: blocked: {blocked}")
        if response.status >= 300:
            retry = _retry_after(response.headers.get("Retry-After"))
            status = response.status
            raise SourceError("http_error", f"{url}: HTTP {status}", retry_after=retry, status=status)
        now = datetime.now(UTC)
        kept = {k.lower(): v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS}
        page = Page(final_url, response.status, kept, body, now)
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
        if conditional and self.cache and response.status == 200 and (etag or modified):
            self.cache.put(CachedPage(url, etag, modified, kept, body, now))
        return page

    def _follow(
        self, url: str, headers: dict[str, str], allowed: Sequence[str], deadline: Deadline
    ) -> tuple[BaseHTTPResponse, str]:
        """The first answer that is not a redirect we follow, and its URL; every hop is checked before it
        is taken."""
        current = url
        request_headers = {**self.headers, **headers}
        for _ in range(MAX_REDIRECTS + 1):
            timeout = Timeout(
                connect=min(self.config.connect_timeout.total_seconds(), deadline.left()),
                read=min(self.config.read_timeout.total_seconds(), deadline.left()),
            )
            parts = urlsplit(current)
            response = self.connections.for_url(parts.scheme, parts.hostname or "").urlopen(
                "GET",
                current,
                headers=request_headers,
                timeout=timeout,
                retries=self._retry,
                redirect=False,
                preload_content=False,
                decode_content=False,
            )
            location = response.headers.get("Location")
            if response.status not in _REDIRECT_STATUSES or not location:
                return response, current
            response.close()
            target = urljoin(current, location)
            try:
                reason = refusal(url, target, allowed)
            except UnresolvableHost as exc:
                raise SourceError("network_error", f"{url}: redirect to {_short(target)}: {exc}") from None
            if reason:
                message = f"{url}: redirect to {_short(target)} refused: {reason}"
                raise SourceError("redirect_refused", message)
            deadline.public_only = deadline.public_only or public(url)
            current = target
        raise SourceError("redirect_refused", f"{url}: more than {MAX_REDIRECTS} redirects")

    def _read(self, url: str, response: BaseHTTPResponse) -> bytes:
        """The whole body, decoded, at most max_bytes (a gzip bomb stops at the cap), or a failure."""
        limit = self.config.max_bytes
        declared = response.headers.get("Content-Length", "")
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if declared.isdigit() and int(declared) > limit and not encoding:
            raise SourceError("too_large", f"{url}: {int(declared)} bytes declared, the cap is {limit}")
        decoder = _Decoder(url, encoding, limit)
        chunks: list[bytes] = []
        received = 0
        try:
            for data in response.stream(_CHUNK, decode_content=False):
                received += len(data)
                chunks.append(decoder.feed(data))
        except ProtocolError:
            expected = f" of {declared}" if declared.isdigit() else ""
            cut = "" if expected else ": the chunked body ends before its last chunk"
            message = f"{url}: truncated after {received}{expected} bytes{cut}"
            raise SourceError("network_error", message) from None
        decoder.check_complete(received)
        return b"".join(chunks)


def _late(url: str, deadline: Deadline) -> SourceError:
    return SourceError("timeout", f"{url}: no complete answer within {deadline.seconds:g} s (the deadline)")


def _failure(url: str, exc: Exception, deadline: Deadline) -> SourceError:
    """A urllib3 or socket exception as the outcome an operator reads: timeout or network_error."""
    if deadline.expired:
        return _late(url, deadline)
    reason = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    timed_out = isinstance(reason, Urllib3Timeout | TimeoutError)
    if timed_out and not isinstance(reason, NewConnectionError):
        return SourceError("timeout", f"{url}: timed out ({type(reason).__name__})")
    return SourceError("network_error", f"{url}: connection failed: {_root_cause(reason)}")


def _root_cause(exc: BaseException) -> str:
    """The socket's own words ("Connection refused") when there are some, not urllib3's wrapping."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, NameResolutionError):
            return f"cannot resolve host {_short(seen.conn.host)}"
        nested = next((arg for arg in seen.args if isinstance(arg, BaseException)), None)
        if isinstance(seen, OSError) and (seen.strerror or nested is None):
            return _short(seen.strerror or seen)
        seen = nested or seen.__cause__ or seen.__context__
    return _short(exc)


_KEPT_HEADERS = frozenset({"content-type", "etag", "last-modified", "content-range", "content-length"})


def _short(value: object) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) < 200 else text[:197] + "..."
