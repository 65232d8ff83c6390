"""Issue 12's fast schedule: a `fast` source is polled every `fast_every` while the Council is acting (an
action day, a session's last three working days, a meeting live on Web TV), and every `every` otherwise.
The clock is replayed: each minute the daemon's job would run, its decision is asked of the real daemon
over a real store, and a poll it decides on is recorded there as a real poll records it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.council_calendar import last_working_days
from bot.daemon import Bot
from bot.runtime import open_store
from state.happenings import SourceInfo
from tests.spine_support import Source, write_sources
from watchers.base import Item, Snapshot

MONDAY = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # 11:00 in Geneva


def bot_for(tmp_path: Path, schedule: str) -> Bot:
    sources = [Source("drafts", "symbols", "https://www.ohchr.org/drafts", "fast = true")]
    config = load_config(write_sources(tmp_path, sources, every="15m", schedule=schedule))
    return Bot(config, open_store(config))


def polls_in_an_hour(bot: Bot, start: datetime) -> int:
    """Runs the fast job's decision every minute for an hour; a poll it makes is recorded as done."""
    source = bot.config.source("drafts")
    polls = 0
    for minute in range(60):
        now = start + timedelta(minutes=minute)
        if bot.due(source, bot.store.source_health("drafts"), now):
            bot.store.apply("drafts", Snapshot(items=()), now)
            polls += 1
    return polls


def test_on_an_action_day_a_fast_source_is_polled_every_fast_every(tmp_path: Path) -> None:
    bot = bot_for(tmp_path, f'action_days = ["{MONDAY.date()}"]\nfast_every = "1m"')
    assert polls_in_an_hour(bot, MONDAY) == 60


def test_on_an_ordinary_day_it_keeps_to_every(tmp_path: Path) -> None:
    bot = bot_for(tmp_path, f'action_days = ["{MONDAY.date() + timedelta(days=1)}"]\njitter = "0s"')
    assert polls_in_an_hour(bot, MONDAY) == 4, "every 15 minutes"


def test_a_live_meeting_makes_the_council_act(tmp_path: Path) -> None:
    bot = bot_for(tmp_path, 'jitter = "0s"')
    meeting = Item("meeting:k1a", "meeting", {"title": "29th Meeting - 61st Session", "live": True})
    webtv = SourceInfo("webtv", "UN Web TV", 1)
    bot.store.apply(webtv, Snapshot(items=(meeting,), complete=False), MONDAY)
    assert bot.council_acting(MONDAY + timedelta(minutes=5))
    assert not bot.council_acting(MONDAY + timedelta(hours=2)), "a badge read two hours ago says nothing"


@pytest.mark.parametrize(
    ("end", "acting"),
    [
        (date(2026, 3, 30), [date(2026, 3, 26), date(2026, 3, 27), date(2026, 3, 30)]),  # ends on a Monday
        (date(2026, 4, 2), [date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2)]),
    ],
)
def test_a_sessions_last_three_working_days(end: date, acting: list[date]) -> None:
    assert sorted(last_working_days(end)) == acting


def test_the_fast_job_runs_every_fast_every(tmp_path: Path) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    bot = bot_for(tmp_path, 'fast_every = "2m"')
    scheduler = AsyncIOScheduler(timezone="UTC")
    bot.schedule(scheduler)
    (job,) = scheduler.get_jobs()
    assert job.trigger.interval == timedelta(minutes=2)
