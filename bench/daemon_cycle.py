"""What one poll cycle costs inside a running daemon: `python -m bench.daemon_cycle --config C --cycles N`.

`bot run` starts once, then polls every source each interval; what a server pays every 15 minutes is a
cycle's CPU, not a start-up. Here the daemon's own `Bot` polls every source and drains the outbox, N
times in one process, after one cycle that fills the state (a cold cycle instead starts each time from
an empty store and page cache, with the modules loaded). Prints one JSON line: each cycle's CPU in
seconds (user + system of every thread: the polls run in the daemon's poll threads).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from bot.config import AppConfig, load_config
from bot.daemon import Bot
from bot.runtime import open_store


def _empty_store(config: AppConfig) -> None:
    for path in config.store_path.parent.glob(config.store_path.name + "*"):
        path.unlink()


async def _started(config: AppConfig) -> Bot:
    bot = Bot(config, open_store(config))
    for notifier in bot.notifiers.values():
        await notifier.start(interactive=False)
    return bot


async def _timed_cycle(bot: Bot) -> float:
    start = time.process_time()
    await bot.poll_many(list(bot.watchers))
    await bot.deliver()
    return time.process_time() - start


async def _cycles(config: AppConfig, count: int, cold: bool) -> list[float]:
    """One `Bot` for every cycle (the daemon's case); a cold cycle gets a new one on an empty store."""
    if not cold:
        bot = await _started(config)
        return [await _timed_cycle(bot) for _ in range(count + 1)][1:]
    spent = []
    for _ in range(count):
        _empty_store(config)
        spent.append(await _timed_cycle(await _started(config)))
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    spent = asyncio.run(_cycles(load_config(args.config), args.cycles, args.cold))
    print(json.dumps(spent))


if __name__ == "__main__":
    main()
