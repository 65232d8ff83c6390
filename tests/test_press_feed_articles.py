"""Kind `press_feed` end to end: a local server plays a feed whose entries link to real articles.

The articles' words are real (a UN Geneva meeting summary of 6 July 2018, UN Watch's page on the 26th
session); their page shells are written from the known structure (see each fixture's header).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.spine_support import bot
from watchers.article import article_parts
from watchers.base import Item, Page, PollContext
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.press_feed import PressFeed
from watchers.votes.title_match import match_draft

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
HRC38 = "/meeting-summary/2018/07/human-rights-council-adopts-six-resolutions-including-syria"
HRC26 = "/resolutions-and-voting-results-of-26th-hrc-session/"
BELARUS_38 = "vote:title:38:special rapporteur on the situation of human rights in belarus"
SYRIA_38 = "vote:title:38:human rights situation in syria"
HRC26_VOTES = ["vote:A/HRC/26/L.4", "vote:A/HRC/26/L.14", "vote:A/HRC/26/L.15", "vote:A/HRC/26/L.8/Rev.1"]


def _serve(httpserver: HTTPServer, article_status: int = 200, broken: bytes = b"") -> None:
    feed = (FIXTURES / "press_feed_with_articles.xml").read_text(encoding="utf-8")
    feed = feed.replace("{base}", httpserver.url_for("").rstrip("/"))
    httpserver.expect_request("/rss.xml").respond_with_data(feed, content_type="application/rss+xml")
    for path, name in (
        (HRC38, "ungeneva_meeting_summary_2018-07-06_HRC38.html"),
        (HRC26, "unwatch_hrc26_results_article.html"),
    ):
        body = (FIXTURES / name).read_bytes() if article_status == 200 and not broken else broken
        httpserver.expect_request(path).respond_with_data(body, article_status, content_type="text/html")


def _poll(httpserver: HTTPServer, observed: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Item]:
    fetcher = HttpFetcher(HttpConfig(min_host_gap=timedelta(0), read_timeout=timedelta(seconds=5)))
    context = PollContext(now=datetime.now(UTC), observed=lambda key: (observed or {}).get(key))
    watcher = PressFeed("press", httpserver.url_for("/rss.xml"), PressFeed.Options())
    snapshot = watcher.poll(fetcher, context)
    assert snapshot.complete is False, "a feed is a window: what scrolls off is never removed"
    return {item.key: item for item in snapshot.items}


def _article_requests(httpserver: HTTPServer) -> int:
    return sum(1 for request, _ in httpserver.log if request.path in (HRC38, HRC26))


def test_every_vote_of_the_linked_articles(httpserver: HTTPServer) -> None:
    _serve(httpserver)
    items = _poll(httpserver)
    votes = {k: dict(v.fields) for k, v in items.items() if v.kind == "vote"}
    assert sorted(votes) == sorted([BELARUS_38, SYRIA_38, *HRC26_VOTES])
    assert (votes[BELARUS_38]["yes"], votes[BELARUS_38]["no"], votes[BELARUS_38]["abstain"]) == (19, 6, 21)
    assert (votes[SYRIA_38]["yes"], votes[SYRIA_38]["no"], votes[SYRIA_38]["abstain"]) == (26, 5, 15)
    assert votes[SYRIA_38]["date"] == "2018-07-06" and votes[SYRIA_38]["checks"]["session"] == "38"
    death_penalty = votes["vote:A/HRC/26/L.8/Rev.1"]
    assert (death_penalty["yes"], death_penalty["no"], death_penalty["abstain"]) == (29, 10, 8)
    assert death_penalty["roll_call"]["KOR"] == "abstain"
    assert all(v["checks"]["read_from"] == "article" for v in votes.values())
    articles = [dict(v.fields) for v in items.values() if v.kind == "article"]
    assert len(articles) == 2, "the Committee against Torture entry reports no Council action"
    assert all(a["read_from"] == "article" and a["title"] and a["url"] and a["date"] for a in articles)


@pytest.mark.parametrize(
    ("status", "body"),
    [(503, b"down for maintenance"), (200, (FIXTURES / "garbage.bin").read_bytes())],
    ids=["http-503", "garbage-200"],
)
def test_a_failed_article_falls_back_to_the_entry_and_is_read_next_time(
    httpserver: HTTPServer, status: int, body: bytes
) -> None:
    _serve(httpserver, article_status=status, broken=body)
    first = _poll(httpserver)
    hrc26 = dict(first[f"article:{httpserver.url_for(HRC26)}"].fields)
    assert hrc26["read_from"] == "entry"
    assert [k for k, v in first.items() if v.kind == "vote"] == ["vote:A/HRC/26/L.4"], "from the entry's text"
    httpserver.clear()
    _serve(httpserver)
    observed = {key: dict(item.fields) for key, item in first.items()}
    second = _poll(httpserver, observed)
    assert set(HRC26_VOTES) <= set(second)
    assert second[f"article:{httpserver.url_for(HRC26)}"].fields["read_from"] == "article"


def test_an_article_read_in_full_is_not_fetched_again(httpserver: HTTPServer) -> None:
    _serve(httpserver)
    first = _poll(httpserver)
    fetched = _article_requests(httpserver)
    observed = {key: dict(item.fields) for key, item in first.items()}
    again = _poll(httpserver, observed)
    assert _article_requests(httpserver) == fetched == 2
    assert not any(item.kind == "vote" for item in again.values())


def test_inspect_reads_the_articles(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve(httpserver)
    config = tmp_path / "config.toml"
    config.write_text('[http]\nmin_host_gap = "0s"\n', encoding="utf-8")
    result = bot("inspect", "press_feed", httpserver.url_for("/rss.xml"), "--config", str(config))
    assert result.returncode == 0, result.stderr
    keys = [json.loads(line)["key"] for line in result.stdout.splitlines()]
    assert {BELARUS_38, SYRIA_38, *HRC26_VOTES} <= set(keys)


def test_the_story_without_its_page() -> None:
    body = (FIXTURES / "ungeneva_meeting_summary_2018-07-06_HRC38.html").read_bytes()
    headline, text = article_parts(Page("https://ungeneva.org/x", 200, {}, body, datetime.now(UTC)))
    assert headline is not None and headline.startswith("HUMAN RIGHTS COUNCIL ADOPTS SIX RESOLUTIONS")
    for chrome in (
        "Перейти",
        "English",
        "Строка навигации",
        "Meeting Summaries",
        "Share on",
        "Related",
        "Palais des Nations",
        "dataLayer",
    ):
        assert chrome not in text, chrome
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    assert paragraphs[1].startswith("The Human Rights Council this morning adopted six resolutions")


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("Special rapporteur on the situation of human rights in belarus", "A/HRC/26/L.14"),
        ("Human rights situation in syria", None),
    ],
)
def test_the_lead_s_listing_joins_title_only_votes(reported: str, expected: str | None) -> None:
    """The drafts listing shipped for the lead (real symbols and titles of session 26): a reported title
    joins the draft of the same title; a shorter wording of a longer title ("the continuing grave
    deterioration in ... the Syrian Arab Republic") is too far to be sure, and joins nothing."""
    from watchers.symbols_page import html_items

    body = (FIXTURES / "hrc26_drafts_listing.html").read_bytes()
    page = Page("https://example.org/drafts", 200, {"content-type": "text/html"}, body, datetime.now(UTC))
    drafts = [(i.key, str(i.fields.get("title") or "")) for i in html_items(page) if i.kind == "document"]
    assert len(drafts) == 7
    assert match_draft(reported, drafts) == expected


def test_articles_on_another_site_are_not_fetched(httpserver: HTTPServer) -> None:
    feed = (FIXTURES / "press_feed_with_articles.xml").read_text(encoding="utf-8")
    httpserver.expect_request("/rss.xml").respond_with_data(
        feed.replace("{base}", "https://www.ungeneva.org"), content_type="application/rss+xml"
    )
    items = _poll(httpserver)
    articles = [dict(i.fields) for i in items.values() if i.kind == "article"]
    assert len(articles) == 2 and all(a["read_from"] == "entry" for a in articles)
    assert [k for k, v in items.items() if v.kind == "vote"] == ["vote:A/HRC/26/L.4"]


def test_vote_parse_prints_every_vote() -> None:
    text = Path(__file__).parent / "fixtures" / "votes" / "real" / "ungeneva_2018-07-06_HRC38_six_res.txt"
    result = bot("vote", "parse", str(text), "--json")
    assert result.returncode == 0, result.stderr
    votes = json.loads(result.stdout)
    assert [(v["yes"], v["no"], v["abstain"]) for v in votes] == [(19, 6, 21), (26, 5, 15)]
    assert votes[1]["title"] == "Human rights situation in Syria" and votes[1]["abstain"] == 15


def test_vote_parse_prints_every_vote_in_words() -> None:
    text = Path(__file__).parent / "fixtures" / "votes" / "real" / "ohchr_2016-03-24_HRC31_six_res.txt"
    plain = bot("vote", "parse", str(text))
    assert plain.returncode == 0, plain.stderr
    assert "adopted, 33-6-8 (yes-no-abstain), 2016-03-24" in plain.stdout
    assert "adopted, 31-5-10 (yes-no-abstain), 2016-03-24" in plain.stdout


def test_a_story_naming_its_text_no_other_way_is_told_by_its_headline() -> None:
    from watchers.press_feed import story_items

    real = (
        Path(__file__).parent
        / "fixtures"
        / "votes"
        / "real"
        / "defencepk_2022-10-06_HRC51_xinjiang_19-17.txt"
    )
    headline, _, story = real.read_text(encoding="utf-8").partition("\n")
    items = story_items("https://example.org/a", headline, "2022-10-06T19:12:00+00:00", story, "article", "f")
    (vote,) = [i for i in items if i.kind == "vote"]
    assert vote.key == "vote:title:51:top un rights body rejects xinjiang debate"
    assert (vote.fields["yes"], vote.fields["no"], vote.fields["abstain"]) == (17, 19, 11)
    assert vote.fields["outcome"] == "rejected"
    assert vote.fields["checks"]["title"].startswith("the article's headline")


def test_a_poll_reads_at_most_ten_articles(httpserver: HTTPServer) -> None:
    """SYNTHETIC feed: the real HRC38 entry repeated under 12 links, each serving the real article."""
    article = (FIXTURES / "ungeneva_meeting_summary_2018-07-06_HRC38.html").read_bytes()
    entries = []
    for n in range(12):
        httpserver.expect_request(f"/summary/{n}").respond_with_data(article, content_type="text/html")
        entries.append(
            f"<item><title>HUMAN RIGHTS COUNCIL ADOPTS SIX RESOLUTIONS {n}</title>"
            f"<link>{httpserver.url_for(f'/summary/{n}')}</link>"
            "<description>The Human Rights Council this morning adopted six resolutions.</description>"
            "<pubDate>Fri, 06 Jul 2018 13:05:00 GMT</pubDate></item>"
        )
    feed = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{"".join(entries)}</channel></rss>'
    )
    httpserver.expect_request("/rss.xml").respond_with_data(feed, content_type="application/rss+xml")
    items = _poll(httpserver)
    read = [i.fields["read_from"] for i in items.values() if i.kind == "article"]
    assert sorted(read) == ["article"] * 10 + ["entry"] * 2
    assert sum(1 for request, _ in httpserver.log if request.path.startswith("/summary/")) == 10


def test_through_the_store_an_article_is_read_once_and_its_votes_kept(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The real poller and store: the first poll reads both articles; the second, told by the store what
    this source last reported, fetches the feed only. The title-only votes are items of the store."""
    from bot.config import SourceConfig
    from bot.poller import make_watcher, poll_source
    from state.store import Store

    _serve(httpserver)
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    source = SourceConfig(
        "press",
        "press_feed",
        httpserver.url_for("/rss.xml"),
        timedelta(minutes=15),
        announce_existing=True,
        options=PressFeed.Options(),
    )
    fetcher = HttpFetcher(HttpConfig(min_host_gap=timedelta(0), read_timeout=timedelta(seconds=5)))
    watcher = make_watcher(source)
    first = poll_source(source, watcher, fetcher, store)
    assert first.ok and _article_requests(httpserver) == 2
    second = poll_source(source, watcher, fetcher, store)
    assert second.ok and _article_requests(httpserver) == 2, "articles read in full are not fetched again"
    keys = {item.key for item in store.items(key_prefix="vote:")}
    assert {BELARUS_38, SYRIA_38, *HRC26_VOTES} <= keys
