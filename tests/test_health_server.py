"""The operator endpoint always answers (issue 11, item 10): a store error while assessing health is 503
with one line naming it, a malformed request gets a 400, and a port in use stops `run` with one line."""

from __future__ import annotations

import signal
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.spine_support import bot, drafts, listing_html, start_bot, write_config
from tests.test_health import free_port, get, wait_until


@pytest.fixture
def daemon(httpserver: HTTPServer, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A running `python -m bot run` with its endpoint, once its first poll is in the store."""
    httpserver.expect_request("/drafts").respond_with_data(listing_html(drafts(2)), content_type="text/html")
    port = free_port()
    config = write_config(tmp_path, httpserver.url_for("/drafts"), extra=f"[health]\nport = {port}\n")
    process = start_bot(config)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: 'outcome="ok"' in get(f"{base}/metrics")[1])
        yield base, tmp_path / "store.sqlite3"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def test_a_store_error_while_assessing_health_is_503_naming_it(daemon: tuple[str, Path]) -> None:
    base, store = daemon
    assert get(f"{base}/healthz") == (200, "ok\n")
    with sqlite3.connect(store) as conn:  # the store damaged under the running bot
        conn.execute("DROP TABLE sources")
    status, body = get(f"{base}/healthz")
    assert status == 503
    assert body == f"{store.resolve()}: store error (no such table: sources)\n"
    assert get(f"{base}/metrics")[0] == 200


def test_a_malformed_request_gets_an_http_answer(daemon: tuple[str, Path]) -> None:
    base, _ = daemon
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"\x16\x03\x01 NOT HTTP AT ALL\r\n\r\n")
        assert conn.recv(64).startswith(b"HTTP/1.")
    assert get(f"{base}/healthz")[0] == 200


def test_a_port_in_use_is_one_line_and_status_1(httpserver: HTTPServer, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path, httpserver.url_for("/drafts"), extra=f"[health]\nport = {port}\n")
        answer = bot("run", "--config", str(config), timeout=30)
    assert answer.returncode == 1
    (line,) = answer.stderr.splitlines()
    assert line.startswith(f"error: health endpoint: cannot listen on 127.0.0.1:{port}: ")
    assert "change [health] port" in line
