"""Must-show 3 of the spine: a failing, blocked or broken page changes nothing and shows in `status`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.spine_support import alerts, bot, drafts, listing_html, write_config


def serve(httpserver: HTTPServer, docs: list[tuple[str, str]]) -> None:
    httpserver.clear()
    httpserver.expect_request("/drafts").respond_with_data(listing_html(docs), content_type="text/html")


def _slow(request: Request) -> Response:
    time.sleep(2.5)
    return Response(listing_html(drafts(10)), content_type="text/html")


FAULTS = {
    "500": lambda s: s.expect_request("/drafts").respond_with_data("Internal error", status=500),
    "timeout": lambda s: s.expect_request("/drafts").respond_with_handler(_slow),
    "202-empty": lambda s: s.expect_request("/drafts").respond_with_data("", status=202),
    "waf-challenge": lambda s: s.expect_request("/drafts").respond_with_data(
        "", status=202, headers={"x-amzn-waf-action": "challenge"}
    ),
    "cloudflare-403": lambda s: s.expect_request("/drafts").respond_with_data(
        "<html>Just a moment...</html>", status=403, headers={"cf-mitigated": "challenge"}
    ),
    "no-symbols": lambda s: s.expect_request("/drafts").respond_with_data(
        "<html><body><h1>Draft resolutions</h1><p>The list is being updated.</p></body></html>",
        content_type="text/html",
    ),
}
OUTCOMES = {
    "500": "http_error",
    "timeout": "timeout",
    "202-empty": "blocked",
    "waf-challenge": "blocked",
    "cloudflare-403": "blocked",
    "no-symbols": "broken",
}


def status(config: Path) -> dict:
    (source,) = json.loads(bot("status", "--config", str(config), "--json").stdout)["sources"]
    return source


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_changes_nothing_and_the_next_healthy_poll_resumes(
    fault: str, httpserver: HTTPServer, tmp_path: Path
):
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    serve(httpserver, drafts(10))
    assert bot("poll", "--config", str(config)).returncode == 0

    httpserver.clear()
    FAULTS[fault](httpserver)
    failed = bot("poll", "--config", str(config))
    assert failed.returncode == 1
    assert f"source drafts failed: {OUTCOMES[fault]}" in failed.stderr
    assert alerts(tmp_path) == []
    health = status(config)
    assert health["consecutive_failures"] == 1
    assert health["last_outcome"] == OUTCOMES[fault]
    assert health["items"] == 10, "a failed poll removes nothing"
    assert "drafts" in bot("status", "--config", str(config)).stdout

    serve(httpserver, drafts(11))
    assert bot("poll", "--config", str(config)).returncode == 0
    resumed = alerts(tmp_path)
    assert [a.type for a in resumed] == ["tabled"] and "A/HRC/61/L.11" in resumed[0].text
    health = status(config)
    assert health["consecutive_failures"] == 0 and health["items"] == 11


def test_operators_hear_once_after_three_failures_and_once_on_recovery(
    httpserver: HTTPServer, tmp_path: Path
):
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    serve(httpserver, drafts(4))
    bot("poll", "--config", str(config))
    httpserver.clear()
    httpserver.expect_request("/drafts").respond_with_data("busy", status=503)
    for _ in range(5):
        assert bot("poll", "--config", str(config)).returncode == 1
    failing = alerts(tmp_path)
    assert [a.type for a in failing] == ["source_failing"]
    assert "drafts is failing (3 polls in a row)" in failing[0].text and "HTTP 503" in failing[0].text
    serve(httpserver, drafts(4))
    assert bot("poll", "--config", str(config)).returncode == 0
    assert [a.type for a in alerts(tmp_path)] == ["source_failing", "source_recovered"]


def test_a_draft_leaving_the_listing_is_an_operator_fact_never_an_alert(
    httpserver: HTTPServer, tmp_path: Path
):
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    serve(httpserver, drafts(5))
    bot("poll", "--config", str(config))
    serve(httpserver, drafts(4))
    for _ in range(2):
        assert "no longer listed" not in bot("poll", "--config", str(config)).stderr
    assert status(config)["items"] == 5, "absent from two polls: still counted"
    third = bot("poll", "--config", str(config))
    assert "A/HRC/61/L.5 is no longer listed by any source" in third.stderr, "said in the log"
    assert status(config)["items"] == 4
    serve(httpserver, drafts(5))
    bot("poll", "--config", str(config))
    assert alerts(tmp_path) == [], "neither leaving nor coming back is news"


def test_a_page_answering_304_is_not_modified(httpserver: HTTPServer, tmp_path: Path):
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    page = listing_html(drafts(3))
    seen: list[str | None] = []

    def conditional(request: Request) -> Response:
        seen.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(page, content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/drafts").respond_with_handler(conditional)
    assert bot("poll", "--config", str(config)).returncode == 0
    assert bot("poll", "--config", str(config)).returncode == 0
    assert seen == [None, '"v1"']
    assert status(config)["last_outcome"] == "not_modified"
    assert status(config)["items"] == 3
