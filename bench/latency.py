"""Page change -> Telegram: the daemon (`python -m bot run`) against the fake Bot API, all on 127.0.0.1.

Latency of one alert = arrival of its sendMessage at the fake server minus the moment the listing server
answered 200 with the changed page (both clocks are time.monotonic() in this process).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.config import TELEGRAM_ENV_VAR, write_config
from bench.pages import FIRST_SESSION, ListingSite, SiteServer
from bench.procs import PYTHON, ROOT, checked, measure
from bench.store_bench import percentile
from tests.fake_telegram import TOKEN, FakeTelegram, running_fake

_SESSION = re.compile(r"A/HRC/(\d+)/L\.")


@contextmanager
def fake_telegram() -> Iterator[FakeTelegram]:
    """tests.fake_telegram served from its own event loop in a thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-telegram", daemon=True)
    thread.start()
    context = running_fake()
    fake = asyncio.run_coroutine_threadsafe(context.__aenter__(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(context.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.005)


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a running process (Linux), MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def measure_latency(
    site: ListingSite, urls: list[str], workdir: Path, batches: int, batch: int
) -> tuple[list[float], float]:
    """Baseline by `bot poll`, then the daemon; each batch revises one title on `batch` pages.

    Returns the latencies (s) and the daemon's peak RSS (MiB) after them.
    """
    workdir.mkdir(parents=True)
    env = {**os.environ, TELEGRAM_ENV_VAR: TOKEN}
    with fake_telegram() as fake:
        config = write_config(workdir, urls, every="10s", telegram_api=fake.base_url)
        checked(measure([PYTHON, "-m", "bot", "poll", "--config", str(config)], workdir, env), "bot poll")
        log = (workdir / "daemon.log").open("wb")
        daemon = subprocess.Popen(
            [PYTHON, "-m", "bot", "run", "--config", str(config)], cwd=ROOT, stdout=log, stderr=log, env=env
        )
        try:
            started = len(fake.requests)
            _wait(lambda: len(fake.requests) > started, 30, "the daemon's getMe")
            latencies: list[float] = []
            for number in range(batches):
                pages = [(number * batch + k) % len(site.pages) for k in range(batch)]
                latencies += _one_batch(site, fake, pages)
            return latencies, peak_rss_mb(daemon.pid)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(20)
            log.close()


def _one_batch(site: ListingSite, fake: FakeTelegram, pages: list[int]) -> list[float]:
    sent_before = len(fake.sent())
    changed_at = time.monotonic()
    for index in pages:
        site.change(index, titles=1)
    _wait(lambda: len(fake.sent()) >= sent_before + len(pages), 60, f"{len(pages)} alerts")
    arrivals: dict[int, float] = {}
    for request in fake.sent()[sent_before:]:
        found = _SESSION.search(request.text)
        if found:
            arrivals.setdefault(int(found.group(1)) - FIRST_SESSION, request.at)
    with site.lock:
        fetched = {}
        for entry in site.log:
            if entry.at > changed_at and entry.status == 200:
                fetched.setdefault(entry.page, entry.at)
    return [arrivals[i] - fetched[i] for i in pages]


def latency_table(workdir: Path, batches: int = 2, batch: int = 10) -> str:
    """20 changes on the small listings of bench/pages.py (40 drafts each: what is measured here is
    parse + store + outbox + Telegram, not page size), as a table."""
    site = ListingSite.build()
    with SiteServer(site) as server:
        latencies, daemon_rss = measure_latency(site, server.urls, workdir, batches, batch)
    rows = [
        ("change -> Telegram p50", f"{statistics.median(latencies) * 1000:.0f} ms"),
        ("change -> Telegram p95", f"{percentile(latencies, 95) * 1000:.0f} ms"),
        ("change -> Telegram max", f"{max(latencies) * 1000:.0f} ms"),
        ("peak RSS, daemon (`bot run`, Telegram on)", f"{daemon_rss:.0f} MiB"),
    ]
    lines = [f"| latency (n={len(latencies)}) | value |", "|---|---|"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])
