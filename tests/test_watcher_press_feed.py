"""Kind `press_feed`: articles reporting Council action, their vote sentences, symbols and votes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.base import Page, ParseError
from watchers.press_feed import PressFeed
from watchers.registry import load_kinds

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
URL = "https://www.ungeneva.org/news-media/meeting-summaries-list/rss.xml"
BASE = "https://www.ungeneva.org/en/news-media/meeting-summary"


def parse(name: str) -> dict[str, dict]:
    page = Page(URL, 200, {}, (FIXTURES / name).read_bytes(), datetime(2026, 4, 1, tzinfo=UTC))
    return {i.key: dict(i.fields) for i in PressFeed("t", URL, PressFeed.Options()).parse(page)}


def test_registered() -> None:
    assert load_kinds()["press_feed"] is PressFeed


def test_only_articles_reporting_council_action() -> None:
    items = parse("ungeneva_meeting_summaries_rss.xml")
    assert list(items) == [
        f"article:{BASE}/2020/09/human-rights-council-adopts-resolution-belarus",
        "vote:A/HRC/45/L.1",
        f"article:{BASE}/2026/03/hrc61-closing",
        "vote:A/HRC/61/L.14",
        "vote:A/HRC/61/L.17",
    ]


def test_article_fields() -> None:
    article = parse("ungeneva_meeting_summaries_rss.xml")[f"article:{BASE}/2026/03/hrc61-closing"]
    assert article["symbols"] == ["A/HRC/61/L.14", "A/HRC/61/L.17", "A/HRC/61/L.6/Rev.1"]
    assert article["date"] == "2026-03-31T18:05:00+00:00"
    assert len(article["vote_sentences"]) == 3
    assert article["vote_sentences"][2] == (
        "A resolution on the Durban Declaration (A/HRC/61/L.6/Rev.1) was adopted without a vote."
    )
    assert article["url"] == f"{BASE}/2026/03/hrc61-closing"


def test_votes_from_real_press_release_sentence() -> None:
    vote = parse("ungeneva_meeting_summaries_rss.xml")["vote:A/HRC/45/L.1"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["outcome"]) == (23, 2, 22, "adopted")
    assert vote["draft_symbol"] == "A/HRC/45/L.1"
    assert vote["checks"]["source"] == f"{BASE}/2020/09/human-rights-council-adopts-resolution-belarus"
    assert vote["date"] == "2020-09-18"


@pytest.mark.parametrize("name", ["symbols_page_drafts.html", "garbage.bin", "plain_text.txt", "empty.html"])
def test_not_a_feed_raises(name: str) -> None:
    with pytest.raises(ParseError):
        parse(name)
