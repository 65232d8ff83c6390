"""`python -m bench.profile_poll --config C --out F.prof`: one `bot poll` under cProfile, imports included.

cProfile sees only the thread it runs in, and the daemon runs each source in a poll thread
(`Bot.in_thread`); here that call runs the same function inline, so the profile holds the whole
cycle: start-up, fetch, parse, store, delivery. Writes F.prof and the top functions to F.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


async def _inline(self: Any, function: Callable[..., T], /, *args: Any) -> T:
    return function(*args)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    from bot.daemon import Bot

    Bot.in_thread = _inline  # type: ignore[method-assign]
    profile = cProfile.Profile()
    profile.enable()
    from bot.cli import main as bot_main

    status = bot_main(["poll", "--config", args.config])
    profile.disable()
    profile.dump_stats(args.out)
    report = io.StringIO()
    stats = pstats.Stats(profile, stream=report)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    args.out.with_suffix(".txt").write_text(report.getvalue(), encoding="utf-8")
    raise SystemExit(status)


if __name__ == "__main__":
    main()
