"""`python -m bench.profile_poll --config C --out F.prof`: one `bot poll` under cProfile, imports included.

cProfile sees only the thread it runs in, and a poll runs its sources in a pool of threads
(`bot.poller.poll_all`, and `Bot.in_thread` for what is left to deliver); here both run their work
inline, so the profile holds the whole cycle: start-up, fetch, parse, store, delivery. Writes F.prof and
the top functions to F.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


async def _inline(self: Any, function: Callable[..., T], /, *args: Any) -> T:
    return function(*args)


class _InlinePool:
    """A thread pool that runs its work in the calling thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, function: Callable[..., T], items: Iterable[Any]) -> list[T]:
        return [function(item) for item in items]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    import bot.poller
    from bot.daemon import Bot

    Bot.in_thread = _inline  # type: ignore[method-assign]
    bot.poller.ThreadPoolExecutor = _InlinePool  # type: ignore[misc,assignment]
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
