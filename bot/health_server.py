"""The operator endpoint: GET /healthz (200, or 503 with one reason a line) and GET /metrics, served by
aiohttp.web so that whatever arrives (a malformed request, a slow client) gets a proper HTTP answer.

A failure while assessing health (the store unreadable, say) is itself unhealthy: 503 and one line
naming the cause, never no answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.health import HealthVerdict

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("hrcwatch.health")


class HealthServerError(Exception):
    """The endpoint cannot start; str() is the line shown to the operator."""


class HealthServer:
    def __init__(self, host: str, port: int, verdict: Callable[[], HealthVerdict]):
        self.host, self.port = host, port
        self.verdict = verdict
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        from aiohttp import web  # only when the endpoint is on: `poll` does without its import time

        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as exc:
            await runner.cleanup()
            raise HealthServerError(
                f"health endpoint: cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; "
                "stop what uses it or change [health] port"
            ) from None
        self._runner = runner
        log.info("health endpoint on http://%s:%d/healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        from aiohttp import web

        try:
            verdict = self.verdict()
        except Exception as exc:
            cause = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            log.warning("health could not be assessed: %s", cause)
            return web.Response(status=503, text=f"health could not be assessed: {cause}\n")
        text = "ok\n" if verdict.ok else "".join(f"{reason}\n" for reason in verdict.reasons)
        return web.Response(status=200 if verdict.ok else 503, text=text)

    async def _metrics(self, request: web.Request) -> web.Response:
        from aiohttp import web
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
