"""Alerts for what happened, once: a draft tabled or revised is news, a title reworded is not; the first
poll is a baseline."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.spine_support import alerts, bot, drafts, listing_html, write_config


def serve(httpserver: HTTPServer, docs: list[tuple[str, str]]) -> None:
    httpserver.clear()
    httpserver.expect_request("/drafts").respond_with_data(listing_html(docs), content_type="text/html")


def test_two_new_drafts_give_two_alerts_then_none_and_a_reworded_title_none(
    httpserver: HTTPServer, tmp_path: Path
):
    config = write_config(tmp_path, httpserver.url_for("/drafts"))
    docs = drafts(3)
    serve(httpserver, docs)
    first = bot("poll", "--config", str(config))
    assert first.returncode == 0, first.stderr
    assert alerts(tmp_path) == [], "the first poll is a baseline and announces nothing"

    docs = drafts(5)
    serve(httpserver, docs)
    assert bot("poll", "--config", str(config)).returncode == 0
    new = alerts(tmp_path)
    assert [a.type for a in new] == ["tabled", "tabled"]
    assert new[0].text.startswith("New draft A/HRC/61/L.4\nFreedom of opinion and expression")
    assert new[1].text.startswith("New draft A/HRC/61/L.5")

    assert bot("poll", "--config", str(config)).returncode == 0
    assert len(alerts(tmp_path)) == 2, "an unchanged page gives no alert"

    docs[1] = (
        docs[1][0],
        "Promoting mutually beneficial cooperation in the field of human rights (revised title)",
    )
    serve(httpserver, docs)
    assert bot("poll", "--config", str(config)).returncode == 0
    assert len(alerts(tmp_path)) == 2, "a title reworded by the page is not something that happened"

    serve(httpserver, [*docs, ("A/HRC/61/L.2/Rev.1", docs[1][1])])
    assert bot("poll", "--config", str(config)).returncode == 0
    (revised,) = alerts(tmp_path)[2:]
    assert revised.type == "revised"
    assert revised.text.splitlines()[:3] == [
        "A/HRC/61/L.2 revised: Rev.1",
        "Promoting mutually beneficial cooperation in the field of human rights (revised title)",
        "A/HRC/61/L.2/Rev.1 replaces A/HRC/61/L.2",
    ]


def test_announce_existing_announces_the_first_poll(httpserver: HTTPServer, tmp_path: Path):
    config = write_config(tmp_path, httpserver.url_for("/drafts"), announce_existing=True)
    serve(httpserver, drafts(4))
    assert bot("poll", "--config", str(config)).returncode == 0
    assert [a.type for a in alerts(tmp_path)] == ["tabled"] * 4


def test_status_reports_items_and_channels(httpserver: HTTPServer, tmp_path: Path):
    config = write_config(tmp_path, httpserver.url_for("/drafts"), announce_existing=True)
    serve(httpserver, drafts(3))
    bot("poll", "--config", str(config))
    import json

    status = json.loads(bot("status", "--config", str(config), "--json").stdout)
    (source,) = status["sources"]
    assert source["name"] == "drafts" and source["items"] == 3 and source["consecutive_failures"] == 0
    assert source["last_success"] is not None
    assert status["channels"] == [{"channel": "console", "pending": 0, "failed": 0, "sent": 3}]
    text = bot("status", "--config", str(config)).stdout
    assert "drafts (symbols): ok; 3 items" in text
    assert "console: 0 pending (0 retrying), 3 sent" in text
