"""Operators: /healthz says 200 only while sources succeed and alerts drain; /metrics counts polls."""

from __future__ import annotations

import signal
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from bot.config import load_config
from bot.health import assess
from bot.runtime import open_store
from tests.spine_support import drafts, listing_html, start_bot, write_config
from watchers.base import Item, Snapshot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_until(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_healthz_and_metrics_of_a_running_daemon(httpserver: HTTPServer, tmp_path: Path):
    httpserver.expect_request("/drafts").respond_with_data(listing_html(drafts(4)), content_type="text/html")
    port = free_port()
    config = write_config(
        tmp_path,
        httpserver.url_for("/drafts"),
        extra=f'[health]\nport = {port}\noutbox_max_age = "1s"\n',
        announce_existing=True,
    )
    # The console channel points at a directory: every alert stays pending, so the outbox does not drain.
    config.write_text(config.read_text().replace(str(tmp_path / "alerts.txt"), str(tmp_path)))
    daemon = start_bot(config)
    base = f"http://127.0.0.1:{port}"
    try:
        metrics = wait_until(lambda: (m := get(f"{base}/metrics")[1]) and 'outcome="ok"' in m and m)
        assert 'hrcwatch_polls_total{outcome="ok",source="drafts"} 1.0' in metrics
        assert 'hrcwatch_items{source="drafts"} 4.0' in metrics
        assert 'hrcwatch_notices_total{kind="tabled",source="drafts"} 4.0' in metrics
        _, body = wait_until(lambda: (r := get(f"{base}/healthz"))[0] == 503 and r)
        assert "channel console: oldest pending alert waiting" in body
        assert get(f"{base}/nope")[0] == 404
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(20)
    assert daemon.returncode == 0


def test_healthz_rule_on_a_real_store(tmp_path: Path):
    config = load_config(write_config(tmp_path, "http://127.0.0.1:9/drafts"))
    store = open_store(config)
    start = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert assess(config, store, start + timedelta(minutes=30), start).ok, "not yet due after start"
    late = assess(config, store, start + timedelta(minutes=46), start)
    assert not late.ok and late.reasons == ("source drafts: no success since start (46m00s)",)

    item = Item("A/HRC/61/L.1", "document", {"symbol": "A/HRC/61/L.1", "title": "Right to food"})
    store.apply("drafts", Snapshot(items=(item,)), start + timedelta(minutes=1))
    assert assess(config, store, start + timedelta(minutes=40), start).ok
    store.record_failure("drafts", start + timedelta(minutes=16), "http_error", "HTTP 500")
    stale = assess(config, store, start + timedelta(minutes=47), start)
    assert not stale.ok
    assert stale.reasons == ("source drafts: last success 46m00s ago; last error: HTTP 500",)
