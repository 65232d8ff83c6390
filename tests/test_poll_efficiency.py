"""Issue 12 through the real poll path (fetcher, watcher, store) against local servers: a body
byte-identical to the last one read is not read again, and sources on different hosts are fetched at the
same time while the requests to one host stay one at a time."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from pathlib import Path

from prometheus_client import REGISTRY
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot import metrics
from bot.config import load_config
from bot.daemon import Bot
from bot.poller import make_watcher, poll_source
from bot.runtime import open_store
from tests.spine_support import Source, drafts, listing_html, write_sources
from watchers.fetch import HttpFetcher


def parses(source: str) -> float:
    metrics.enable()
    return REGISTRY.get_sample_value("hrcwatch_pages_parsed_total", {"source": source}) or 0.0


def test_a_byte_identical_body_is_not_read_again(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = listing_html(drafts(4))  # no ETag, no Last-Modified: every answer is a full 200
    httpserver.expect_request("/drafts").respond_with_data(body, content_type="text/html")
    config = load_config(
        write_sources(tmp_path, [Source("unchanged", "symbols", httpserver.url_for("/drafts"))])
    )
    store, source = open_store(config), config.source("unchanged")
    watcher, http = make_watcher(source), HttpFetcher(config.http)
    before = parses("unchanged")
    first = poll_source(source, watcher, http, store)
    second = poll_source(source, watcher, http, store)
    assert (first.outcome, second.outcome) == ("ok", "not_modified")
    assert second.items == 4, "it still lists what it listed"
    assert parses("unchanged") - before == 1, "read once: the second, identical body was not parsed"
    assert len(httpserver.log) == 2, "it was fetched both times: only the reading is saved"


class Timed:
    """Answers after `delay` seconds and records when each request was being answered."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.spans: list[tuple[float, float]] = []
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        start = time.monotonic()
        time.sleep(self.delay)
        with self.lock:
            self.spans.append((start, time.monotonic()))
        return Response(
            listing_html(drafts(2, int(request.path.rsplit("/", 1)[1]))), content_type="text/html"
        )


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_two_hosts_are_fetched_at_once_and_one_host_one_request_at_a_time(tmp_path: Path) -> None:
    one, other = HTTPServer(threaded=True), HTTPServer(threaded=True)
    one_host, other_host = Timed(0.4), Timed(0.4)
    one.expect_request("/drafts/61").respond_with_handler(one_host)
    one.expect_request("/drafts/62").respond_with_handler(one_host)
    other.expect_request("/drafts/63").respond_with_handler(other_host)
    one.start()
    other.start()
    try:
        sources = [
            Source("one-a", "symbols", one.url_for("/drafts/61")),
            Source("one-b", "symbols", one.url_for("/drafts/62")),
            Source("other", "symbols", other.url_for("/drafts/63")),
        ]
        config = load_config(write_sources(tmp_path, sources))
        assert config.http.min_host_gap == timedelta(0)
        bot = Bot(config, open_store(config))
        reports = asyncio.run(bot.poll_many([s.name for s in sources]))
    finally:
        one.stop()
        other.stop()
    assert [r.ok for r in reports] == [True, True, True]
    (first, second), (alone,) = sorted(one_host.spans), other_host.spans
    assert not overlap(first, second), "one host: one request at a time"
    assert overlap(alone, first) or overlap(alone, second), "another host: at the same time"
