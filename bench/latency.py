"""Change -> Telegram post, on a replayed clock: a working day of listing changes against the daemon's
own schedule, with every poll and delivery run for real.

Time is simulated: the fast source's job fires every `fast_every` (plus APScheduler's jitter, 0 to a
quarter of the interval, at most [schedule] jitter), and at each firing the real daemon decides
(`Bot.due`: every `fast_every` while the Council acts, else every `every`). A poll it decides on runs for
real against a local listing server (fetcher, watcher, store), then delivery runs for real through the
Telegram notifier to the fake Bot API; the post is stamped with the simulated time of the poll plus the
real time the poll and the delivery took. A change's latency is its post's time less the moment the
listing changed. Two days are replayed: an action day, and an ordinary day.
`.venv/bin/python -m bench.latency` prints the table (`bench/run.py --latency` adds it to the bench's).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.pages import ListingSite, SiteServer
from bench.store_bench import percentile
from bot.config import load_config
from bot.daemon import Bot
from bot.poller import poll_source
from bot.runtime import open_store
from tests.fake_telegram import TOKEN
from tests.scenario.peers import TelegramThread

TOKEN_ENV = "HRCWATCH_BENCH_TELEGRAM_TOKEN"  # noqa: S105 (the variable's name)
CHANNEL = "-1001234567890"
DAY = datetime(2026, 3, 31, tzinfo=UTC)  # the last days of session 61
_SYMBOL = re.compile(r"New draft (A/HRC/\d+/L\.\d+)")


@dataclass(frozen=True)
class Replay:
    label: str
    action_day: bool
    every: str = "15m"
    fast_every: str = "1m"

    @property
    def target(self) -> timedelta:
        """The bound the issue sets for p95: the interval that applies, plus 15 s."""
        return _duration(self.fast_every if self.action_day else self.every) + timedelta(seconds=15)


def _duration(text: str) -> timedelta:
    from bot.typed_config import parse_duration

    return parse_duration(text)


def _config(workdir: Path, url: str, telegram: str, replay: Replay) -> Path:
    action_days = f'["{DAY.date()}"]' if replay.action_day else "[]"
    config = workdir / "config.toml"
    config.write_text(
        f"""
[store]
path = "{workdir / "store.sqlite3"}"

[http]
min_host_gap = "0s"

[schedule]
timezone = "Europe/Zurich"
fast_every = "{replay.fast_every}"
action_days = {action_days}

[console]
enabled = false

[telegram]
enabled = true
token_env = "{TOKEN_ENV}"
channel = "{CHANNEL}"
api_base = "{telegram}"
commands = false
burst_threshold = 0
messages_per_second = 1000
channel_messages_per_minute = 100000

[[sources]]
name = "drafts"
kind = "symbols"
url = "{url}"
every = "{replay.every}"
fast = true
""",
        encoding="utf-8",
    )
    return config


def replay_day(workdir: Path, replay: Replay, changes: int, seed: int) -> list[float]:
    """The latencies (s) of `changes` new drafts tabled at random moments of 08:00-18:00."""
    rng = random.Random(seed)  # noqa: S311 (a replayed day, not a secret)
    workdir.mkdir(parents=True)
    os.environ[TOKEN_ENV] = TOKEN
    site = ListingSite.build(count=1, per_page=20)
    start = DAY + timedelta(hours=7, minutes=55)
    moments = sorted(DAY + timedelta(hours=8, seconds=rng.uniform(0, 10 * 3600)) for _ in range(changes))
    with SiteServer(site) as server, TelegramThread() as telegram:
        config = load_config(_config(workdir, server.urls[0], telegram.fake.base_url, replay))
        bot = Bot(config, open_store(config))
        return asyncio.run(_run(bot, site, telegram, start, moments, rng))


async def _run(
    bot: Bot,
    site: ListingSite,
    telegram: TelegramThread,
    start: datetime,
    moments: list[datetime],
    rng: random.Random,
) -> list[float]:
    source = bot.config.source("drafts")
    interval = bot.config.schedule.fast_every
    jitter = min(bot.config.schedule.jitter, interval / 4).total_seconds()
    await bot._start_notifiers(interactive=False)
    changed_at: dict[str, datetime] = {}
    posted: dict[str, datetime] = {}
    try:
        pending = list(moments)
        tick = 0
        end = moments[-1] + source.every * 2
        while True:
            now = start + interval * tick + timedelta(seconds=rng.uniform(0, jitter))
            tick += 1
            if now > end:
                break
            while pending and pending[0] <= now:
                changed = pending.pop(0)
                site.change(0, titles=0, added=1)
                changed_at[site.pages[0].docs[-1][0]] = changed
            if not bot.due(source, bot.store.source_health("drafts"), now):
                continue
            began = time.perf_counter()
            await asyncio.to_thread(poll_source, source, bot.watchers["drafts"], bot.fetcher, bot.store, now)
            await bot.drainers["telegram"].drain(now=now)
            took = timedelta(seconds=time.perf_counter() - began)
            for request in telegram.sent(CHANNEL):
                found = _SYMBOL.search(request.text)
                if found and found.group(1) not in posted:
                    posted[found.group(1)] = now + took
    finally:
        await bot._stop_notifiers()
    return [(posted[s] - changed_at[s]).total_seconds() for s in changed_at]


def latency_table(workdir: Path, changes: int = 40, seed: int = 12) -> str:
    """Both days as a table: how long after a listing changed its post came, against the target."""
    rows = []
    for index, replay in enumerate(
        (Replay("action day (fast source, fast_every 1m)", True), Replay("ordinary day (every 15m)", False))
    ):
        found = replay_day(workdir / f"day{index}", replay, changes, seed + index)
        p95 = percentile(found, 95)
        target = replay.target.total_seconds()
        rows.append(
            f"| {replay.label} | {len(found)} | {percentile(found, 50):.0f} s | {p95:.0f} s"
            f" | {max(found):.0f} s | {target:.0f} s | {'yes' if p95 <= target else 'NO'} |"
        )
    head = (
        "| change -> Telegram post, replayed clock | changes | p50 | p95 | max | p95 target | met |\n"
        "|---|---|---|---|---|---|---|"
    )
    return "\n".join([head, *rows])


if __name__ == "__main__":  # .venv/bin/python -m bench.latency
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(latency_table(Path(tmp)))
