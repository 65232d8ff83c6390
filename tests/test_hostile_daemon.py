"""Hostile sources under the daemon (issue #6): `python -m bot run` keeps running and keeps the others fresh.

Three hostile sources (a gzip bomb, a billion-laughs MARCXML answer, a page of 10 KB symbols) and a healthy
listing are polled every 10 s by a real daemon for about 15 s. The daemon must stay up, report each
hostile source by its named outcome, keep polling and announcing the healthy one, and stop on SIGTERM
with status 0.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.spine_support import Source, alerts, drafts, listing_html, start_bot, status_json
from tests.test_hostile_pages import FIXTURES, announced, gzip_bomb, write_sources

RUN_FOR_S = 15.0
DEADLINE_S = 40.0


def test_the_daemon_outlives_hostile_sources_and_keeps_the_healthy_one_fresh(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """About 15 s of polling: hostile sources fail by name, the healthy one announces its new draft."""
    healthy_hits: list[float] = []

    def healthy(request: Request) -> Response:
        healthy_hits.append(time.monotonic())
        listing = drafts(3) if len(healthy_hits) == 1 else drafts(4)
        return Response(listing_html(listing), content_type="text/html")

    def bomb(request: Request) -> Response:
        return Response(
            iter(gzip_bomb(64)),
            content_type="text/html",
            headers={"Content-Encoding": "gzip"},
            direct_passthrough=True,
        )

    long_symbols = f"<html><body><p>A/HRC/61/L.{'1' * 10_000} and A/HRC/{'1/' * 5000}</p></body></html>"
    httpserver.expect_request("/healthy").respond_with_handler(healthy)
    httpserver.expect_request("/bomb").respond_with_handler(bomb)
    httpserver.expect_request("/marc").respond_with_data(
        (FIXTURES / "billion_laughs.xml").read_bytes(), content_type="application/xml"
    )
    httpserver.expect_request("/symbols").respond_with_data(long_symbols, content_type="text/html")
    sources = [
        Source("healthy", "symbols", httpserver.url_for("/healthy")),
        Source("bomb", "symbols", httpserver.url_for("/bomb")),
        Source("laughs", "undl_records", httpserver.url_for("/marc")),
        Source("long", "symbols", httpserver.url_for("/symbols")),
    ]
    config = write_sources(tmp_path, sources, every="10s")
    errors = tmp_path / "daemon.stderr"
    with errors.open("wb") as err:
        daemon = start_bot(config, stderr=err, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            start = time.monotonic()
            while time.monotonic() - start < DEADLINE_S:
                time.sleep(0.5)
                assert daemon.poll() is None, errors.read_text(encoding="utf-8")[-3000:]
                fourth = "A/HRC/61/L.4" in announced(alerts(tmp_path), "healthy")
                if time.monotonic() - start >= RUN_FOR_S and fourth:
                    break
            health = status_json(config)
            assert daemon.poll() is None, "the daemon died"
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(timeout=20) == 0
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
    log = errors.read_text(encoding="utf-8")
    assert "Traceback" not in log and "watcher crashed" not in log, log[-3000:]
    assert len(healthy_hits) >= 2, f"the healthy source was polled {len(healthy_hits)} times"
    assert health["healthy"]["last_outcome"] in ("ok", "not_modified"), "an unchanged page is not read again"
    assert health["healthy"]["consecutive_failures"] == 0
    assert health["healthy"]["items"] == 4
    assert announced(alerts(tmp_path), "healthy") == [s for s, _ in drafts(4)]
    assert health["bomb"]["last_outcome"] == "too_large" and health["bomb"]["consecutive_failures"] >= 1
    assert health["laughs"]["last_outcome"] == "parse_error"
    assert "amplification" in health["laughs"]["last_error"]
    assert health["long"]["items"] <= 1 and health["long"]["consecutive_failures"] == 0
    assert "stopped" in log.splitlines()[-1]
