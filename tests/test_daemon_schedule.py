"""The daemon's schedule: first polls spread over an interval, and an overdue source polled at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import load_config
from bot.daemon import Bot
from bot.runtime import open_store
from tests.spine_support import Source, write_sources


def jobs_after(tmp_path: Path, polled_ago: dict[str, timedelta]) -> dict[str, timedelta]:
    sources = [Source(name, "symbols", f"http://127.0.0.1:9/{name}") for name in ("a", "b", "c", "d")]
    config = load_config(write_sources(tmp_path, sources, every="1h"))
    store = open_store(config)
    now = datetime.now(UTC)
    for name, ago in polled_ago.items():
        store.record_failure(name, now - ago, "timeout", "read timed out")
    scheduler = AsyncIOScheduler(timezone=config.schedule.tz)
    Bot(config, store).schedule(scheduler)
    return {
        job.id.removeprefix("poll:"): job.next_run_time - now
        for job in scheduler.get_jobs()
        if job.id.startswith("poll:")
    }


async def test_a_fresh_bot_spreads_its_first_polls_over_the_interval(tmp_path: Path):
    first = jobs_after(tmp_path, {})
    minutes = sorted(round(delay.total_seconds() / 60) for delay in first.values())
    assert minutes == [0, 15, 30, 45]


async def test_after_a_restart_overdue_sources_are_polled_at_once_and_others_when_due(tmp_path: Path):
    first = jobs_after(
        tmp_path, {"a": timedelta(minutes=10), "c": timedelta(hours=3), "d": timedelta(hours=1)}
    )
    assert timedelta(minutes=49) < first["a"] <= timedelta(minutes=50), "a is due in 50 minutes"
    assert first["c"] < timedelta(seconds=5) and first["d"] < timedelta(seconds=5), "overdue: now"
    assert timedelta(minutes=14) < first["b"] < timedelta(minutes=16), "never polled: spread"
