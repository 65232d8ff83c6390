"""Kind `webtv_schedule`: HRC meetings on UN Web TV's daily schedule, with the live flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from watchers.base import Page, ParseError, PollContext
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.registry import load_kinds
from watchers.webtv_schedule import WebTvOptions, WebTvSchedule

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
TEMPLATE = "https://webtv.un.org/en/schedule/{date}"
NOW = datetime(2026, 3, 30, 23, 30, tzinfo=UTC)


def watcher(**options: object) -> WebTvSchedule:
    return WebTvSchedule("webtv", TEMPLATE, WebTvOptions(**options))  # type: ignore[arg-type]


def page(name: str, url: str = "https://webtv.un.org/en/schedule/2026-03-30") -> Page:
    return Page(url, 200, {}, (FIXTURES / name).read_bytes(), NOW)


def test_registered() -> None:
    assert load_kinds()["webtv_schedule"] is WebTvSchedule


def test_urls_are_today_and_tomorrow() -> None:
    assert watcher().urls(PollContext(now=NOW)) == [
        "https://webtv.un.org/en/schedule/2026-03-30",
        "https://webtv.un.org/en/schedule/2026-03-31",
    ]
    assert len(watcher(days=3).urls(PollContext(now=NOW))) == 3


def test_hrc_meetings_only_with_fields() -> None:
    items = {i.key: dict(i.fields) for i in watcher().parse(page("webtv_schedule_2026-03-30.html"))}
    assert list(items) == [
        "meeting:k1abcdefgh",
        "meeting:k1bcdefghi",
        "meeting:k1defghijk",
        "meeting:k1efghijkl",
    ]
    live = items["meeting:k1abcdefgh"]
    assert live == {
        "title": "29th Meeting - 61st Session of Human Rights Council",
        "category": "Human Rights Council",
        "session": "61",
        "meeting_number": 29,
        "start_utc": "2026-03-30T09:00:00+00:00",
        "live": True,
        "duration": None,
        "url": "https://webtv.un.org/en/asset/k1a/k1abcdefgh",
        "summary_record": "A/HRC/61/SR.29",
    }
    later = items["meeting:k1bcdefghi"]
    assert later["live"] is False and later["duration"] == "03:00:00"
    assert items["meeting:k1defghijk"]["summary_record"] == "A/HRC/29/SR.36"
    assert items["meeting:k1efghijkl"]["summary_record"] == "A/HRC/S-39/SR.2"


def test_day_without_council_meetings_is_empty() -> None:
    assert watcher().parse(page("webtv_schedule_no_hrc.html")) == []


@pytest.mark.parametrize(
    "name", ["symbols_page_drafts.html", "un_documents_hrc_rss.xml", "garbage.bin", "empty.html"]
)
def test_not_a_schedule_raises(name: str) -> None:
    with pytest.raises(ParseError):
        watcher().parse(page(name))


def test_poll_is_additive(httpserver: HTTPServer) -> None:
    """Both days fetched from a local server: a schedule is a window, so the snapshot is not complete."""
    for day, name in (
        ("2026-03-30", "webtv_schedule_2026-03-30.html"),
        ("2026-03-31", "webtv_schedule_no_hrc.html"),
    ):
        body = (FIXTURES / name).read_bytes()
        httpserver.expect_request(f"/en/schedule/{day}").respond_with_data(body, content_type="text/html")
    schedule = WebTvSchedule("webtv", httpserver.url_for("/en/schedule/{date}"), WebTvOptions())
    fetcher = HttpFetcher(HttpConfig(min_host_gap=timedelta(0)))
    snapshot = schedule.poll(fetcher, PollContext(now=NOW))
    assert snapshot.complete is False and len(snapshot.items) == 4
