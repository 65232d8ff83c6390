"""A tiny HTTP endpoint for operators: GET /healthz (200 or 503 with reasons) and GET /metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.health import HealthVerdict

log = logging.getLogger("hrcwatch.health")

_MAX_REQUEST = 8192


class HealthServer:
    def __init__(self, host: str, port: int, verdict: Callable[[], HealthVerdict]):
        self.host, self.port = host, port
        self.verdict = verdict
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        log.info("health endpoint on http://%s:%d/healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
            method, path, *_ = [*head[:_MAX_REQUEST].decode("latin-1").split(" ", 2), "", ""]
            status, content_type, body = self._route(method, path)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError):
            status, content_type, body = 400, "text/plain", b"bad request\n"
        try:
            writer.write(
                f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        finally:
            writer.close()

    def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method != "GET":
            return 405, "text/plain", b"GET only\n"
        if path.split("?")[0] == "/healthz":
            verdict = self.verdict()
            text = "ok\n" if verdict.ok else "".join(f"{r}\n" for r in verdict.reasons)
            return (200 if verdict.ok else 503), "text/plain; charset=utf-8", text.encode()
        if path.split("?")[0] == "/metrics":
            return 200, CONTENT_TYPE_LATEST, generate_latest()
        return 404, "text/plain", b"not found: try /healthz or /metrics\n"


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}
