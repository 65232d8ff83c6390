"""The long-running bot: one scheduled job per source, an outbox job, and the notifiers' lifecycles."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.config import AppConfig, SourceConfig
from bot.delivery import drain
from bot.health import HealthVerdict, assess
from bot.health_server import HealthServer
from bot.notifiers.base import Notifier
from bot.notifiers.registry import load_kind as load_notifier_kind
from bot.poller import make_watcher, poll_source
from bot.runtime import PollReport, Runtime
from state.http_cache import HttpCache
from state.store import SourceHealth, Store, StoreRules
from watchers.base import Watcher
from watchers.fetch import HttpFetcher

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger("hrcwatch.daemon")


def open_store(config: AppConfig) -> Store:
    rules = StoreRules(config.schedule.failure_alert_after, config.schedule.remove_after)
    return Store(config.store_path, channels=config.channels, rules=rules)


def make_notifiers(runtime: Runtime) -> dict[str, Notifier]:
    return {
        name: load_notifier_kind(name)(runtime.config.notifiers[name], runtime)
        for name in runtime.config.channels
    }


class Bot:
    """Everything one process runs; `poll_once` serves `python -m bot poll`, `serve` the daemon."""

    def __init__(self, config: AppConfig, store: Store):
        self.config = config
        self.store = store
        self.runtime = Runtime(config, store, controls=self)
        self.fetcher = HttpFetcher(config.http, HttpCache(store))
        self.watchers: dict[str, Watcher] = {s.name: make_watcher(s) for s in config.sources if s.enabled}
        self.notifiers = make_notifiers(self.runtime)
        self._drain_lock = asyncio.Lock()
        self._poll_locks = {name: asyncio.Lock() for name in self.watchers}
        self._stopping = asyncio.Event()

    # -- controls offered to bot commands ----------------------------------------------------------

    def pause(self, source: str) -> None:
        self.config.source(source)
        self.store.set_paused(source, True)

    def resume(self, source: str) -> None:
        self.config.source(source)
        self.store.set_paused(source, False)

    async def poll_now(self, source: str | None = None) -> list[PollReport]:
        names = [source] if source else list(self.watchers)
        reports = [await self.poll(name) for name in names]
        await self.deliver()
        return reports

    # -- the work ----------------------------------------------------------------------------------

    async def poll(self, name: str) -> PollReport:
        source = self.config.source(name)
        if name not in self.watchers:
            return PollReport(name, False, "disabled", f"source {name} is disabled in {self.config.path}")
        async with self._poll_locks[name]:
            return await asyncio.to_thread(poll_source, source, self.watchers[name], self.fetcher, self.store)

    async def deliver(self) -> None:
        async with self._drain_lock:
            await drain(self.store, self.notifiers)

    async def poll_once(self, only: str | None = None) -> list[PollReport]:
        """Every enabled source (or one), then the outbox: what `python -m bot poll` does."""
        await self._start_notifiers(interactive=False)
        try:
            names = [only] if only else list(self.watchers)
            reports = [await self.poll(name) for name in names]
            await self.deliver()
            return reports
        finally:
            await self._stop_notifiers()

    def _backoff_until(self, source: SourceConfig, health: SourceHealth | None) -> datetime | None:
        if health is None or health.consecutive_failures == 0 or health.last_attempt is None:
            return None
        factor = 2 ** (health.consecutive_failures - 1)
        delay = min(source.every * factor, self.config.schedule.max_backoff) - source.every / 2
        return health.last_attempt + delay

    async def _poll_job(self, name: str) -> None:
        source = self.config.source(name)
        health = self.store.health().get(name)
        if health and health.paused:
            log.info("source %s: paused, skipped", name)
            return
        until = self._backoff_until(source, health)
        if until and datetime.now(UTC) < until:
            log.info("source %s: backing off until %s", name, until.isoformat(timespec="seconds"))
            return
        report = await self.poll(name)
        if report.events:
            await self.deliver()

    async def _deliver_job(self) -> None:
        await self.deliver()

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """First runs spread over the first interval; late runs coalesce instead of being dropped.

        A source polled before (the daemon restarted) is next polled when it falls due, or at once if it is
        overdue, so a bot that restarts often does not starve the sources listed last.
        """
        from apscheduler.triggers.interval import IntervalTrigger  # the daemon's alone, not `poll`'s

        now = datetime.now(UTC)
        jitter = self.config.schedule.jitter.total_seconds()
        health = self.store.health()
        enabled = [s for s in self.config.sources if s.enabled]
        for index, source in enumerate(enabled):
            every = source.every.total_seconds()
            last = health[source.name].last_attempt if source.name in health else None
            if last is None:
                first = now + timedelta(seconds=every * index / max(len(enabled), 1))
            else:
                first = max(now + timedelta(seconds=index), last + source.every)
            scheduler.add_job(
                self._poll_job,
                IntervalTrigger(seconds=every, start_date=first, jitter=min(jitter, every / 4)),
                args=[source.name],
                id=f"poll:{source.name}",
                name=f"poll {source.name}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(every / 2)),
                next_run_time=first,
            )
        scheduler.add_job(
            self._deliver_job,
            IntervalTrigger(seconds=self.config.schedule.deliver_every.total_seconds()),
            id="deliver",
            name="deliver outbox",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=now,
        )

    async def _start_notifiers(self, interactive: bool) -> None:
        for notifier in self.notifiers.values():
            await notifier.start(interactive=interactive)

    async def _stop_notifiers(self) -> None:
        for notifier in self.notifiers.values():
            try:
                await notifier.stop()
            except Exception:
                log.exception("channel %s: error while stopping", notifier.kind)

    def stop(self) -> None:
        self._stopping.set()

    async def serve(self, stop_signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)) -> None:
        loop = asyncio.get_running_loop()
        for sig in stop_signals:
            loop.add_signal_handler(sig, self.stop)
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=self.config.schedule.tz)
        started_at = datetime.now(UTC)

        def verdict() -> HealthVerdict:
            return assess(self.config, self.store, datetime.now(UTC), started_at)

        health = HealthServer(self.config.health.host, self.config.health.port, verdict)
        if self.config.health.port:
            await health.start()
        await self._start_notifiers(interactive=True)
        self.schedule(scheduler)
        scheduler.start()
        log.info(
            "running: %d sources, channels %s, store %s",
            len(self.watchers),
            ", ".join(self.config.channels) or "none",
            self.config.store_path,
        )
        try:
            await self._stopping.wait()
        finally:
            scheduler.shutdown(wait=False)
            await self._stop_notifiers()
            await health.stop()
            log.info("stopped")
