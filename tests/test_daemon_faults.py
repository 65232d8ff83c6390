"""Issue 11 against a real `python -m bot run`: a Telegram 429 with a long retry_after delays Telegram
alone; a store that cannot write pauses delivery (no flood of repeats) and says so; SIGTERM finishes within
10 s while a page trickles; a Retry-After sets the source's next poll; a listing that loses most of its
items at once is broken, not a mass removal."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.config import load_config
from bot.daemon import Bot
from state.store import Store, StoreRules
from tests.fake_telegram import TOKEN, parse_html
from tests.raw_http import Trickle, raw_server
from tests.scenario.peers import TelegramThread
from tests.spine_support import Source, alerts, bot, drafts, listing_html, start_bot, write_sources
from watchers.base import Item, Snapshot

CHANNEL = "-1001234567890"


def wait_until(check: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@contextmanager
def daemon(config: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "HRCWATCH_TEST_TELEGRAM_TOKEN": TOKEN, "PTB_TIMEDELTA": "true"}
    log = (config.parent / "daemon.log").open("wb")
    process = start_bot(config, stderr=log, env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def telegram(base_url: str) -> str:
    return (
        f'[telegram]\nenabled = true\ntoken_env = "HRCWATCH_TEST_TELEGRAM_TOKEN"\nchannel = "{CHANNEL}"\n'
        f'api_base = "{base_url}"\ncommands = false\nburst_threshold = 0\ntimeout = "5s"\n'
    )


class Listing:
    def __init__(self, httpserver: HTTPServer, path: str, count: int, session: int = 61) -> None:
        self.count, self.hits, self.session = count, 0, session
        httpserver.expect_request(path).respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        self.hits += 1
        return Response(listing_html(drafts(self.count, self.session)), content_type="text/html")


def test_a_telegram_429_delays_telegram_alone(httpserver: HTTPServer, tmp_path: Path) -> None:
    a = Listing(httpserver, "/a", 2)
    b = Listing(httpserver, "/b", 2, session=62)
    with TelegramThread() as fake:
        fake.call(lambda: fake.fake.fail("429", retry_after=100))  # the first post is answered 429
        sources = [
            Source("a", "symbols", httpserver.url_for("/a")),
            Source("b", "symbols", httpserver.url_for("/b")),
        ]
        config = write_sources(
            tmp_path,
            sources,
            every="10s",
            extra=telegram(fake.fake.base_url),
            schedule='jitter = "0s"\ndeliver_every = "1s"',
            announce_existing=True,
        )
        with daemon(config) as process:
            wait_until(lambda: a.hits == 1 and len(alerts(tmp_path)) == 2)  # a's drafts, on the console
            wait_until(lambda: b.hits == 1)  # b's first poll, five seconds later: polling goes on
            wait_until(lambda: len(alerts(tmp_path)) == 4)  # and the console delivers b's drafts
            sends = [r for r in fake.fake.requests if r.method == "sendMessage"]
            assert [r.status for r in sends] == [429], "one attempt, then Telegram alone waits its 100 s"
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert process.wait(15) == 0
            assert time.monotonic() - started < 10, "a channel waiting out a 429 does not hold up a stop"
    assert fake.fake.sent(CHANNEL) == [], "nothing was sent to Telegram before its retry_after"


def test_a_store_that_cannot_write_pauses_delivery_without_repeating(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    Listing(httpserver, "/drafts", 1)
    with TelegramThread() as fake:
        fake.call(lambda: fake.fake.fail("500"))  # the first send fails: its row waits 5 s for a retry
        port = free_port()
        config = write_sources(
            tmp_path,
            [Source("drafts", "symbols", httpserver.url_for("/drafts"))],
            every="10s",
            extra=telegram(fake.fake.base_url) + f"[health]\nport = {port}\n",
            schedule='jitter = "0s"\ndeliver_every = "1s"',
            console=False,
            announce_existing=True,
        )
        with daemon(config) as process:
            wait_until(lambda: any(r.status == 500 for r in fake.fake.requests))
            limits = resource.prlimit(process.pid, resource.RLIMIT_FSIZE)
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (1, limits[1]))  # no file may grow now
            try:
                wait_until(
                    lambda: len(fake.sent(CHANNEL)) == 1, timeout=20
                )  # sent; its ack cannot be written
                wait_until(lambda: "paused" in healthz(port)[1], timeout=10)
                status, body = healthz(port)
                assert status == 503 and "channel telegram: paused:" in body and "store" in body, body
                time.sleep(4)  # four delivery cycles while the store refuses the ack
                assert len(fake.sent(CHANNEL)) == 1, "a sent alert is never sent again"
            finally:
                resource.prlimit(process.pid, resource.RLIMIT_FSIZE, limits)
            wait_until(lambda: "paused" not in healthz(port)[1], timeout=15)
            time.sleep(2)
            assert [parse_html(r.text).split("\n")[0] for r in fake.sent(CHANNEL)] == [
                "New draft A/HRC/61/L.1"
            ]
    store = Store(tmp_path / "store.sqlite3")
    assert store.outbox_counts()["telegram"]["pending"] == 0, (
        "the remembered ack was written once it could be"
    )


def test_sigterm_finishes_within_10_s_while_a_page_trickles(tmp_path: Path) -> None:
    trickle = Trickle(b"<html><body>" + b"x" * 100_000 + b"</body></html>", every=0.5)
    with raw_server() as raw:
        raw.serve("/slow", trickle)
        sources = [Source("slow", "symbols", raw.url("/slow"))]
        config = write_sources(tmp_path, sources, every="10s", read_timeout="30s")
        with daemon(config) as process:
            wait_until(lambda: trickle.sent > 2, timeout=30)  # the poll is inside the fetch
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            assert process.wait(15) == 0
            assert time.monotonic() - started < 10
    assert "abandoned" in (tmp_path / "daemon.log").read_text(encoding="utf-8")


def test_a_retry_after_sets_the_sources_next_poll(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/drafts").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    config = write_sources(
        tmp_path,
        [Source("drafts", "symbols", httpserver.url_for("/drafts"))],
        every="10s",
        schedule='max_backoff = "20s"',
    )
    assert bot("poll", "--config", str(config)).returncode == 1
    loaded = load_config(config)
    store = Store(loaded.store_path)
    health = store.source_health("drafts")
    assert health is not None and health.retry_not_before is not None
    wait = (health.retry_not_before - datetime.now(UTC)).total_seconds()
    assert 3500 < wait <= 3600, "the server's hour is kept with the source's health"
    until = Bot(loaded, store)._backoff_until(loaded.source("drafts"), health)
    assert until == health.retry_not_before, "the daemon's next poll waits for it, past the back-off cap"


def test_a_listing_that_loses_most_of_its_items_at_once_is_broken(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite3", channels=("console",), rules=StoreRules(shrink_guard=0.5))
    items = tuple(Item(f"A/HRC/61/L.{n}", "document", {"symbol": f"A/HRC/61/L.{n}"}) for n in range(1, 256))
    now = datetime.now(UTC)
    store.apply("listing", Snapshot(items=items), now)
    result = store.apply("listing", Snapshot(items=items[:3]), now)
    assert result.outcome == "broken" and "252 of its 255 items vanished at once" in result.message
    health = store.source_health("listing")
    assert health is not None and health.consecutive_failures == 1
    assert len(store.items(key_prefix="A/HRC/61/L.")) == 255, "nothing counted as leaving"
    assert store.apply("listing", Snapshot(items=items[:200]), now).outcome == "ok", "a fifth is not half"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz(port: int) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""
