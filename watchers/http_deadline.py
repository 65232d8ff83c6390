"""One wall-clock deadline per request, and urllib3's bounded retry kept within it.

A read timeout starts again with every byte, so a page trickled a byte a second would hold its poll, and
its host's gate, for hours. Here every connection a request opens (or reuses) registers its socket with
the request's `Deadline`; one watchdog thread shuts those sockets down when the deadline falls, so
whatever the request is doing then (TLS handshake, headers, body) fails at once. DNS resolution is the
one step a socket shutdown cannot end, so the name is looked up in a resolver thread and waited for at
most the connect timeout (within the deadline); the connect timeout bounds each connection attempt.

`DeadlineRetry` is urllib3's `Retry` for transient failures (a reset connection, 502/503/504), with the
deadline as its bound: no retry of a timeout, none the time left cannot cover, and a Retry-After longer
than `MAX_RETRY_WAIT` ends the retries so that the error (and its Retry-After) reaches the scheduler.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import itertools
import logging
import os
import socket
import threading
import time
from types import TracebackType
from typing import Any

import certifi
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ResponseError,
)
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.connection import allowed_gai_family
from urllib3.util.retry import Retry

from watchers.redirects import is_internal

log = logging.getLogger("hrcwatch.fetch")

MAX_RETRY_WAIT = 10.0  # seconds: a longer Retry-After is left to the scheduler
RETRY_STATUSES = frozenset({502, 503, 504})
_current = threading.local()


class Deadline:
    """The sockets of one request, shut down by the watchdog when its time is up."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self.finished = False
        # Set once a redirect from a public source is followed: every address connected to from then on
        # must be public too, as `watchers.redirects.refusal` checked it (a second lookup may answer
        # otherwise: DNS rebinding).
        self.public_only = False

    def left(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        """Keeps a plain duplicate of `sock`: shutting it down ends the connection even after TLS wrapping
        (which detaches the original socket object) and cannot touch a descriptor reused by someone else."""
        try:
            copy = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            self._sockets.append(copy)
            if self.expired:
                _cut(copy)

    def expire(self) -> None:
        with self._lock:
            if self.finished:
                return
            self.expired = True
            for sock in self._sockets:
                _cut(sock)

    def __enter__(self) -> Deadline:
        _current.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _current.deadline = None
        with self._lock:
            self.finished = True
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


class _Watchdog:
    """One daemon thread for every request's deadline: a timer thread per request would cost more CPU
    than a short request itself."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._due, (deadline.at, next(self._order), deadline))
            if self._thread is None or self._pid != os.getpid():  # none yet, or lost in a fork
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="fetch deadlines", daemon=True)
                self._thread.start()
            elif self._due[0][2] is deadline:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2].finished:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                deadline = heapq.heappop(self._due)[2]
            deadline.expire()


_WATCHDOG = _Watchdog()


def _cut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its side
        sock.shutdown(socket.SHUT_RDWR)


def current_deadline() -> Deadline | None:
    return getattr(_current, "deadline", None)


class _LookupTimeout(Exception):
    pass


def _resolve(host: str, port: int, within: float) -> list[tuple[Any, ...]]:
    """getaddrinfo, waited for at most `within` seconds: a socket shutdown cannot end a lookup, so a
    resolver that hangs would hold the request (and its host's gate) past any deadline. The lookup runs
    in a daemon thread, which finishes on its own if given up on and never holds up the process's exit."""
    done = threading.Event()
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:  # no such name; a name IDNA cannot spell
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"resolve {host[:50]}", daemon=True).start()
    if not done.wait(within):
        raise _LookupTimeout
    if isinstance(answer[0], Exception):
        raise answer[0]
    return list(answer[0])


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class _WatchedMixin:
    """Resolves the host within the running request's deadline (and connect timeout), then registers
    the connection's socket with that deadline, new or reused."""

    sock: socket.socket | None
    _dns_host: str
    host: str
    port: int
    timeout: Any

    def _new_conn(self) -> socket.socket:
        deadline = current_deadline()
        sock = self._connect_within(deadline) if deadline is not None else self._connect()
        if deadline is not None:
            deadline.watch(sock)
        return sock

    def _connect(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        return sock

    def _connect_within(self, deadline: Deadline) -> socket.socket:
        """Each resolved address in turn, as urllib3 would (the name stays the TLS server name)."""
        name = self._dns_host
        if _is_address(name):
            return self._connect()
        within = deadline.left()
        if isinstance(self.timeout, int | float):
            within = min(within, float(self.timeout))
        try:
            addresses = _resolve(name, self.port, within)
        except _LookupTimeout:
            raise ConnectTimeoutError(self, f"resolving {self.host} took more than {within:.1f} s") from None
        except (socket.gaierror, UnicodeError) as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        if deadline.public_only:
            addresses = [
                a for a in addresses if not is_internal(ipaddress.ip_address(str(a[4][0]).split("%")[0]))
            ]
            if not addresses:
                message = f"{self.host} now resolves to non-public addresses only; not connected"
                raise NewConnectionError(self, message)  # type: ignore[arg-type]
        failure: Exception | None = None
        for *_, address in addresses:
            self._dns_host = str(address[0])
            try:
                return self._connect()
            except ConnectTimeoutError as exc:  # a refused connection too (NewConnectionError)
                failure = exc
            finally:
                self._dns_host = name
        raise failure or NewConnectionError(self, f"{self.host} has no address")  # type: ignore[arg-type]

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = current_deadline()
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchedMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedMixin, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineRetry(Retry):
    """Retries transient failures only while the request's deadline leaves time for them."""

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: TracebackType | None = None,
    ) -> Retry:
        if isinstance(error, Urllib3Timeout) and not isinstance(error, NewConnectionError):
            raise MaxRetryError(_pool, url, error)
        following = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = following.planned_wait(response)
        deadline = current_deadline()
        late = deadline is not None and (deadline.expired or wait >= deadline.left())
        if late or wait > MAX_RETRY_WAIT:
            raise MaxRetryError(_pool, url, error or ResponseError("no time left to retry"))
        why = f"HTTP {response.status}" if response is not None else type(error).__name__
        host = f"{_pool.host}:{_pool.port}" if _pool is not None else "?"
        log.info("retrying %s%s in %.1f s after %s", host, url or "", wait, why)
        return following

    def planned_wait(self, response: Any) -> float:
        """What `sleep` will wait before the next attempt: Retry-After if sent, else the back-off."""
        after = self.get_retry_after(response) if response is not None else None
        return after if after is not None else self.get_backoff_time()

    def sleep(self, response: Any = None) -> None:
        deadline = current_deadline()
        wait = self.planned_wait(response)
        time.sleep(min(wait, deadline.left()) if deadline is not None else wait)


def transient_retry() -> DeadlineRetry:
    """Two more attempts of a GET after a connection reset or a 502/503/504 (a refused connection or an
    unknown host is not transient: no retry); the last answer is returned as it is."""
    return DeadlineRetry(
        total=2,
        connect=0,
        read=2,
        status=2,
        other=0,
        redirect=False,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        backoff_factor=0.25,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _manager(proxy: str | None = None) -> PoolManager:
    """urllib3's pool of kept-alive connections, watched and retried as above, verifying TLS against
    certifi's CA bundle (never turned off). The fetcher sends its headers with every request."""
    options: dict[str, Any] = {
        "num_pools": 32,
        "maxsize": 4,
        "retries": transient_retry(),
        "cert_reqs": "CERT_REQUIRED",
        "ca_certs": certifi.where(),
    }
    manager = ProxyManager(proxy, **options) if proxy else PoolManager(**options)
    manager.pool_classes_by_scheme = _POOLS
    return manager


class Connections:
    """The connection pools a fetcher sends through: direct, or through the proxy the environment names
    for the URL's scheme (HTTPS_PROXY, HTTP_PROXY; hosts in NO_PROXY are reached directly)."""

    def __init__(self) -> None:
        self._direct = _manager()
        self._proxies = _environment_proxies()
        self._proxied: dict[str, PoolManager] = {}
        self._lock = threading.Lock()

    def for_url(self, scheme: str, host: str) -> PoolManager:
        proxy = self._proxies.get(scheme)
        if not proxy or _bypassed(host):
            return self._direct
        with self._lock:
            if proxy not in self._proxied:
                self._proxied[proxy] = _manager(proxy)
            return self._proxied[proxy]


def _environment_proxies() -> dict[str, str]:
    """The proxies the environment sets, by scheme: none without a *_proxy variable (the usual case, which
    then costs no import)."""
    if not any(name.lower().endswith("_proxy") for name in os.environ):
        return {}
    from urllib.request import getproxies

    return {scheme: url for scheme, url in getproxies().items() if scheme in ("http", "https")}


def _bypassed(host: str) -> bool:
    from urllib.request import proxy_bypass

    return bool(proxy_bypass(host))
