"""A threaded local HTTP server that serves the current step of a timeline and injects faults.

Faults come from a seeded RNG, one draw per request: 500 or 503, 429 with Retry-After, an answer slower
than the bot's read timeout, a connection dropped half-way through the body, or a WAF block (202, empty
body, `x-amzn-waf-action: challenge`). `served_since(source)` is when that source's page last changed, so
a harness can wait until the bot has committed a poll of it before moving on.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.scenario.timeline import SOURCES, Source, Step

FAULT_KINDS = ("500", "503", "429", "slow", "drop", "blocked")


@dataclass
class FaultPlan:
    """Probability of each fault per request (the rest are answered normally), and the slow delay."""

    rates: Mapping[str, float] = field(default_factory=dict)
    slow_seconds: float = 3.0

    def draw(self, rng: random.Random) -> str | None:
        roll = rng.random()
        for kind in FAULT_KINDS:
            roll -= self.rates.get(kind, 0.0)
            if roll < 0:
                return kind
        return None


class ScenarioServer:
    """Serves `steps[index]` on 127.0.0.1; `advance()` moves to the next step."""

    def __init__(self, steps: list[Step], seed: int = 0, faults: FaultPlan | None = None) -> None:
        self.steps = steps
        self.index = 0
        self.faults = faults or FaultPlan()
        self.injected: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()
        self.faults_on = True
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._changed_at = {s.name: time.time() for s in SOURCES}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="scenario-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url_for(self, source: Source) -> str:
        return self.base_url + source.path

    def start(self) -> ScenarioServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def advance(self) -> list[str]:
        """Moves to the next step; returns the sources whose page changed."""
        with self._lock:
            previous = self.step
            self.index += 1
            changed = self.step.changed(previous)
            now = time.time()
            for name in changed:
                self._changed_at[name] = now
            return changed

    def changed_at(self, source: str) -> float:
        """When the page of `source` last changed (epoch seconds)."""
        return self._changed_at[source]

    def _route(self, path: str) -> Source | None:
        for source in SOURCES:
            prefix = source.path.split("{", 1)[0].split("?", 1)[0]
            if path == prefix or (source.path.endswith("{date}") and path.startswith(prefix)):
                return source
        return None

    def _fault(self) -> str | None:
        with self._lock:
            kind = self.faults.draw(self._rng) if self.faults_on else None
            if kind:
                self.injected[kind] += 1
            return kind

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        source = self._route(handler.path.split("?", 1)[0])
        if source is None:
            _send(handler, 404, b"not found", "text/plain")
            return
        with self._lock:
            body = self.step.pages[source.name].encode("utf-8")
        fault = self._fault()
        if fault in ("500", "503"):
            _send(handler, int(fault), b"<html><body>Service Unavailable</body></html>", "text/html")
        elif fault == "429":
            _send(handler, 429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
        elif fault == "blocked":
            _send(handler, 202, b"", "text/html", {"x-amzn-waf-action": "challenge"})
        elif fault == "slow":
            time.sleep(self.faults.slow_seconds)
            _send(handler, 200, body, source.content_type)
        elif fault == "drop":
            handler.send_response(200)
            handler.send_header("Content-Type", source.content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
        else:
            _send(handler, 200, body, source.content_type)
            with self._lock:
                self.answered[source.name] += 1


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def _handler(server: ScenarioServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            try:
                server.answer(self)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the bot was killed while we answered

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the harness counts what matters."""

    return Handler
