"""The long-running bot: one scheduled job per source, one delivery task per channel, the notifiers'
lifecycles and the health endpoint.

Polling and delivery never wait for each other: a poll that queued notices only wakes the channels, and
each channel drains in its own task, so a Telegram 429 with a long retry_after delays Telegram alone.
Polls run in a thread pool; sources on different hosts are fetched at the same time, and the shared
fetcher keeps one request at a time per host, with its gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from bot import metrics
from bot.config import AppConfig, SourceConfig
from bot.delivery import Drainer, DrainReport, drainers
from bot.health import HealthVerdict, assess
from bot.health_server import HealthServer
from bot.notifiers.base import Notifier
from bot.notifiers.registry import load_kind as load_notifier_kind
from bot.poller import POLL_THREADS, disabled, make_watcher, poll_source
from bot.runtime import PollReport, Runtime
from state.health import SourceHealth
from state.store import Store
from watchers.base import Watcher
from watchers.fetch import HttpFetcher

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.text_compare import TextComparer

log = logging.getLogger("hrcwatch.daemon")

T = TypeVar("T")
LIVE_FRESH = timedelta(minutes=30)  # a Web TV "Live" badge older than this says nothing any more
TEXTS_EVERY = 60.0  # seconds between runs of the text comparisons


def make_notifiers(runtime: Runtime) -> dict[str, Notifier]:
    return {
        name: load_notifier_kind(name)(runtime.config.notifiers[name], runtime)
        for name in runtime.config.channels
    }


class Bot:
    """Everything the daemon runs (`serve`); `finish_once` ends a `python -m bot poll` that left work."""

    def __init__(self, config: AppConfig, store: Store):
        self.config = config
        self.store = store
        self.fetcher = HttpFetcher(config.http)
        self.runtime = Runtime(config, store, controls=self, fetcher=self.fetcher)
        self.watchers: dict[str, Watcher] = {s.name: make_watcher(s) for s in config.sources if s.enabled}
        self.notifiers = make_notifiers(self.runtime)
        self.drainers: dict[str, Drainer] = drainers(store, self.notifiers)
        self.store_problem = ""  # the last store failure a poll met, until a poll is recorded again
        self._executor = ThreadPoolExecutor(POLL_THREADS, thread_name_prefix="poll")
        self._poll_locks = {name: asyncio.Lock() for name in self.watchers}
        self._wake = {name: asyncio.Event() for name in self.drainers}
        self._stopping = asyncio.Event()
        self._comparer: TextComparer | None = None

    # -- controls offered to bot commands ----------------------------------------------------------

    def pause(self, source: str) -> None:
        self.config.source(source)
        self.store.set_paused(source, True)

    def resume(self, source: str) -> None:
        self.config.source(source)
        self.store.set_paused(source, False)

    async def poll_now(self, source: str | None = None) -> list[PollReport]:
        return await self.poll_many([source] if source else list(self.watchers))

    # -- the work ----------------------------------------------------------------------------------

    async def poll(self, name: str) -> PollReport:
        source = self.config.source(name)
        if name not in self.watchers:
            return disabled(self.config, name)
        async with self._poll_locks[name]:
            report = await self.in_thread(poll_source, source, self.watchers[name], self.fetcher, self.store)
        self.store_problem = report.message if report.outcome == "store_error" else ""
        if report.events:
            self.wake()
        return report

    async def poll_many(self, names: Sequence[str]) -> list[PollReport]:
        """Polls at the same time; the fetcher serialises requests to one host."""
        return list(await asyncio.gather(*(self.poll(name) for name in names)))

    async def in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """Blocking work (fetching, the store) in the poll threads, which a stop does not wait for."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def wake(self) -> None:
        for event in self._wake.values():
            event.set()

    async def deliver(self) -> list[DrainReport]:
        """One pass over every channel (what `poll` does once its sources are polled)."""
        return list(await asyncio.gather(*(drainer.drain() for drainer in self.drainers.values())))

    async def compare_texts(self) -> int:
        """The comparisons due (a few): fetching blocks, so in the poll threads. The text readers are
        imported only when a comparison is due."""
        now = datetime.now(UTC)
        if not self.config.texts.compare or not self.store.due_text_work(now, 1):
            return 0
        if self._comparer is None:
            from bot.text_compare import text_comparer  # the text readers, only when there are texts
            from state.vote_history import VoteHistory

            self._comparer = text_comparer(self.runtime, VoteHistory(self.store.connection))
        from bot.text_work import run_text_work

        told = await self.in_thread(run_text_work, self.store, self._comparer, now, self.config.texts.budget)
        if told:
            self.wake()
        return told

    async def finish_once(self) -> None:
        """What `python -m bot poll` does once its sources are polled: the text comparisons due, then one
        pass over the outbox."""
        await self._start_notifiers(interactive=False)
        try:
            await self.compare_texts()
            await self.deliver()
        finally:
            await self._stop_notifiers()
            self._executor.shutdown(wait=False)

    def _backoff_until(self, source: SourceConfig, health: SourceHealth | None) -> datetime | None:
        """A failing source waits 1, 2, 4... intervals (at most max_backoff), or what its server asked."""
        if health is None or health.consecutive_failures == 0 or health.last_attempt is None:
            return None
        factor = 2 ** (health.consecutive_failures - 1)
        delay = min(source.every * factor, self.config.schedule.max_backoff) - source.every / 2
        until = health.last_attempt + delay
        if health.retry_not_before and health.retry_not_before > until:
            return health.retry_not_before
        return until

    def council_acting(self, now: datetime) -> bool:
        """An action day, one of a session's last working days, or a Council meeting live on Web TV."""
        schedule = self.config.schedule
        live = self.store.meeting_live(now - LIVE_FRESH)
        return schedule.calendar.acting(now, schedule.tz, live)

    def due(self, source: SourceConfig, health: SourceHealth | None, now: datetime) -> bool:
        """A `fast` source's job runs every fast_every; it polls that often only while the Council is
        acting, else when `every` has passed since its last poll (less the jitter's spread)."""
        if not source.fast or health is None or health.last_attempt is None:
            return True
        if now - health.last_attempt >= source.every - self._jitter(source):
            return True
        return self.council_acting(now)

    def _jitter(self, source: SourceConfig) -> timedelta:
        interval = self.config.schedule.fast_every if source.fast else source.every
        return min(self.config.schedule.jitter, interval / 4)

    async def _poll_job(self, name: str) -> None:
        source = self.config.source(name)
        health = self.store.source_health(name)
        if health and health.paused:
            log.info("source %s: paused, skipped", name)
            return
        now = datetime.now(UTC)
        until = self._backoff_until(source, health)
        if until and now < until:
            log.info("source %s: backing off until %s", name, until.isoformat(timespec="seconds"))
            return
        if not self.due(source, health, now):
            return
        try:
            await self.poll(name)
        except asyncio.CancelledError:
            if not self._stopping.is_set():
                raise
            log.info("source %s: poll abandoned by the stop; it runs again at the next start", name)

    async def _texts_loop(self) -> None:
        """The text comparisons, every minute."""
        while not self._stopping.is_set():
            try:
                await self.compare_texts()
            except Exception:
                log.exception("texts: comparison failed unexpectedly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=TEXTS_EVERY)

    async def _channel_loop(self, name: str) -> None:
        """Drains one channel whenever a poll queued something, and every deliver_every."""
        drainer, wake = self.drainers[name], self._wake[name]
        every = self.config.schedule.deliver_every.total_seconds()
        while not self._stopping.is_set():
            wake.clear()
            try:
                await drainer.drain()
            except Exception:
                log.exception("channel %s: delivery failed unexpectedly", name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=every)

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
            every = (self.config.schedule.fast_every if source.fast else source.every).total_seconds()
            last = health[source.name].last_attempt if source.name in health else None
            if last is None:
                first = now + timedelta(seconds=every * index / max(len(enabled), 1))
            else:
                first = max(now + timedelta(seconds=index), last + timedelta(seconds=every))
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

    def verdict(self, started_at: datetime) -> HealthVerdict:
        problems = [f"store: {self.store_problem}"] if self.store_problem else []
        problems += [f"channel {d.channel}: paused: {d.paused}" for d in self.drainers.values() if d.paused]
        return assess(self.config, self.store, datetime.now(UTC), started_at, problems)

    async def serve(self, stop_signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)) -> None:
        metrics.enable()
        loop = asyncio.get_running_loop()
        for sig in stop_signals:
            loop.add_signal_handler(sig, self.stop)
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=self.config.schedule.tz)
        started_at = datetime.now(UTC)
        health = HealthServer(
            self.config.health.host, self.config.health.port, lambda: self.verdict(started_at)
        )
        if self.config.health.port:
            await health.start()
        await self._start_notifiers(interactive=True)
        self.schedule(scheduler)
        scheduler.start()
        channels = [
            asyncio.create_task(self._channel_loop(name), name=f"deliver {name}") for name in self.drainers
        ]
        channels.append(asyncio.create_task(self._texts_loop(), name="texts"))
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
            for task in channels:
                task.cancel()
            await asyncio.gather(*channels, return_exceptions=True)
            await self._stop_notifiers()
            await health.stop()
            self._executor.shutdown(wait=False, cancel_futures=True)
            log.info("stopped")
