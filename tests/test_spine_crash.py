"""Must-show 2 of the spine: a process killed between commit and send delivers the alert after restart, once.

The console channel writes to a FIFO that nobody reads, so the poll blocks right after the snapshot and
its outbox rows are committed; the test then SIGKILLs it, as a crash or an OOM kill would.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.spine_support import ROOT, alerts, bot, drafts, listing_html, start_bot, write_config


def serve(httpserver: HTTPServer, docs: list[tuple[str, str]]) -> None:
    httpserver.clear()
    httpserver.expect_request("/drafts").respond_with_data(listing_html(docs), content_type="text/html")


def pending_rows(store: Path) -> int:
    if not store.exists():
        return 0
    with sqlite3.connect(store) as conn:
        try:
            return conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def wait_for(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_alert_committed_but_not_sent_is_delivered_once_after_sigkill(httpserver: HTTPServer, tmp_path: Path):
    fifo = tmp_path / "alerts.fifo"
    os.mkfifo(fifo)
    url = httpserver.url_for("/drafts")
    blocked_config = write_config(tmp_path, url)
    blocked_config.write_text(blocked_config.read_text().replace(str(tmp_path / "alerts.txt"), str(fifo)))
    serve(httpserver, drafts(3))
    assert bot("poll", "--config", str(blocked_config)).returncode == 0  # baseline: nothing to write

    serve(httpserver, drafts(5))
    victim = subprocess.Popen(
        [sys.executable, "-m", "bot", "poll", "--config", str(blocked_config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    store = tmp_path / "store.sqlite3"
    wait_for(lambda: pending_rows(store) == 2)
    time.sleep(0.3)
    assert victim.poll() is None, "the poll should be stuck delivering to the FIFO"
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    assert pending_rows(store) == 2, "both alerts survived the crash in the outbox"

    config = write_config(tmp_path, url)  # console back to a regular file
    daemon = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(alerts(tmp_path)) >= 2)
        time.sleep(1.5)  # time for a duplicate to appear, if there were one
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=20)
    assert daemon.returncode == 0, stderr
    delivered = alerts(tmp_path)
    assert [a.type for a in delivered] == ["tabled", "tabled"]
    assert "A/HRC/61/L.4" in delivered[0].text and "A/HRC/61/L.5" in delivered[1].text
    assert pending_rows(store) == 0

    assert bot("poll", "--config", str(config)).returncode == 0
    assert len(alerts(tmp_path)) == 2, "nothing is sent twice"


def test_a_second_process_on_the_same_store_refuses(httpserver: HTTPServer, tmp_path: Path):
    serve(httpserver, drafts(2))
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    daemon = start_bot(config)
    pid_file = tmp_path / "store.sqlite3.pid"
    try:
        wait_for(lambda: pid_file.exists() and pid_file.read_text().strip() == str(daemon.pid))
        second = bot("run", "--config", str(config))
        assert second.returncode == 1
        assert f"in use by another HRC Watch process (pid {daemon.pid})" in second.stderr
        assert bot("poll", "--config", str(config)).returncode == 1
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(20)
    assert daemon.returncode == 0
    assert bot("poll", "--config", str(config)).returncode == 0, "the lock is released on exit"
