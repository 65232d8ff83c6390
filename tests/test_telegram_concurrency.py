"""Bot commands in a real `python -m bot run` against the fake Bot API (issue 11, item 13): a /poll held up
by a slow page does not keep anyone else waiting, and a command that fails gets an answer and one
logged traceback."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.telegram_commands import SORRY
from tests.fake_telegram import TOKEN, FakeTelegram, parse_html, running_fake
from tests.spine_support import drafts, listing_html, start_bot
from tests.telegram_fixtures import ADMIN, STRANGER, config_text


@dataclass
class Running:
    fake: FakeTelegram
    stderr: Path
    store: Path


@asynccontextmanager
async def running_bot(tmp_path: Path, page_url: str) -> AsyncIterator[Running]:
    """The daemon with Telegram commands on, polling one source at `page_url` every 15 minutes."""
    async with running_fake() as fake:
        store = tmp_path / "store.sqlite3"
        config = tmp_path / "config.toml"
        source = f'[[sources]]\nname = "drafts"\nkind = "symbols"\nurl = "{page_url}"\nevery = "15m"\n'
        http = '[http]\nmin_host_gap = "0s"\n'
        config.write_text(http + config_text(fake, store) + source, encoding="utf-8")
        stderr = tmp_path / "bot.stderr"
        env = {**os.environ, "HRCWATCH_TEST_TELEGRAM_TOKEN": TOKEN, "PTB_TIMEDELTA": "true"}
        with stderr.open("wb") as err:
            process = start_bot(config, stderr=err, env=env)
        try:
            await fake.wait_for(lambda f: any(r.method == "getUpdates" for r in f.requests), timeout=20)
            yield Running(fake, stderr, store)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)


async def until(check: Callable[[], bool], timeout: float = 20) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.05)


def replies(fake: FakeTelegram, user: int) -> list[str]:
    return [parse_html(r.text) for r in fake.sent(user)]


async def test_a_slow_poll_does_not_keep_others_waiting(httpserver: HTTPServer, tmp_path: Path) -> None:
    """The page answers the daemon's first poll at once, then holds the /poll's request until the
    stranger's /help has been answered: if /poll blocked the bot, /help would never be."""
    held, release = threading.Event(), threading.Event()
    seen: list[int] = []

    def slow_second_time(request: Request) -> Response:
        seen.append(1)
        if len(seen) > 1:
            held.set()
            release.wait(30)
        return Response(listing_html(drafts(2)), content_type="text/html")

    httpserver.expect_request("/drafts").respond_with_handler(slow_second_time)
    async with running_bot(tmp_path, httpserver.url_for("/drafts")) as bot:
        await until(lambda: len(seen) == 1)  # the daemon's own first poll
        bot.fake.command("/poll drafts", ADMIN)
        await asyncio.to_thread(held.wait, 20)
        assert held.is_set(), "the /poll never reached the page"
        bot.fake.command("/help", STRANGER)
        try:
            await bot.fake.wait_for(lambda f: bool(f.sent(STRANGER)), timeout=15)
            assert "/latest" in replies(bot.fake, STRANGER)[0]
            assert not release.is_set() and len(replies(bot.fake, ADMIN)) == 1  # still "Polling drafts…"
        finally:
            release.set()
        await bot.fake.wait_for(lambda f: len(f.sent(ADMIN)) == 2, timeout=15)
        assert replies(bot.fake, ADMIN)[1].startswith("drafts: unchanged since the last poll, 2 items")


async def test_a_failing_command_is_answered_and_logged_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/drafts").respond_with_data(listing_html(drafts(2)), content_type="text/html")
    async with running_bot(tmp_path, httpserver.url_for("/drafts")) as bot:
        with sqlite3.connect(bot.store) as conn:  # /following reads this table
            conn.execute("DROP TABLE telegram_follows")
        bot.fake.command("/following", STRANGER)
        await bot.fake.wait_for(lambda f: bool(f.sent(STRANGER)), timeout=15)
        assert replies(bot.fake, STRANGER) == [SORRY]
        bot.fake.command("/help", STRANGER)
        await bot.fake.wait_for(lambda f: len(f.sent(STRANGER)) == 2, timeout=15)
    log = bot.stderr.read_text(encoding="utf-8")
    assert log.count("ERROR hrcwatch.telegram: command /following failed") == 1, log[-3000:]
    assert log.count("Traceback") == 1 and "no such table: telegram_follows" in log
