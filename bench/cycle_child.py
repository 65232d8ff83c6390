"""One cycle in a child process, timed around `Bot.poll_once` (imports and set-up excluded).

`python -m bench.cycle_child --config C [--charts N]` prints one JSON object: the CPU and wall time of
the set-up (config, store, Bot) and of the cycle, and with --charts of rendering N real vote charts.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import resource
import time
from collections.abc import Callable
from typing import Any

from bot.config import load_config
from bot.daemon import Bot, open_store
from bot.logging_setup import setup_logging
from bot.vote_chart import render_vote_chart
from state.lock import StoreLock
from state.vote_history import VoteHistory


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _render_charts(count: int) -> int:
    """The last `count` shipped votes with a roll-call, drawn by the real chart function."""
    votes = [v for v in VoteHistory().shipped() if v.roll_call][-count:]
    for vote in votes:
        render_vote_chart(vote, io.BytesIO())
    return len(votes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--charts", type=int, default=0)
    args = parser.parse_args()

    config = load_config(args.config)
    setup_logging(config, logging.WARNING)
    with StoreLock(config.store_path):
        bot, setup_wall, setup_cpu = _timed(lambda: Bot(config, open_store(config)))
        reports, cycle_wall, cycle_cpu = _timed(lambda: asyncio.run(bot.poll_once()))
    failed = [r.source for r in reports if not r.ok]
    if failed:
        raise SystemExit(f"sources failed: {failed}")
    out: dict[str, Any] = {
        "setup_wall": setup_wall,
        "setup_cpu": setup_cpu,
        "cycle_wall": cycle_wall,
        "cycle_cpu": cycle_cpu,
        "events": sum(r.events for r in reports),
        "items": sum(r.items for r in reports),
    }
    if args.charts:
        drawn, out["charts_wall"], out["charts_cpu"] = _timed(lambda: _render_charts(args.charts))
        out["charts"] = drawn
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
