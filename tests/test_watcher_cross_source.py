"""Through the diff store: one document seen by two sources is one item, a revision is announced as a
revision of its draft, and a session page turns into the action taken on the draft."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from state.store import Store
from watchers.base import Page, Snapshot
from watchers.ohchr_session import OhchrSession
from watchers.symbols_page import SymbolsPage
from watchers.un_documents_feed import UnDocumentsFeed

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
NOW = datetime(2026, 4, 1, tzinfo=UTC)


def page(url: str, body: bytes) -> Page:
    return Page(url, 200, {}, body, NOW)


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://docs.un.org/en/{t.split()[0]}</link></item>" for t in titles
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>{items}</channel></rss>".encode()
    )


def test_two_sources_one_item_and_a_revision_announced_as_such(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    feed = UnDocumentsFeed("feed", "https://docs.un.org/rss/hrc.xml", UnDocumentsFeed.Options())
    listing = SymbolsPage("listing", "https://www.ohchr.org/x", SymbolsPage.Options())

    first = feed.parse(page(feed.url, rss("A/HRC/61/L.14 - Situation of human rights in Belarus")))
    store.apply("feed", Snapshot(items=tuple(first)), NOW)
    store.apply("listing", Snapshot(items=()), NOW)  # the listing's own baseline: nothing listed yet
    html = (
        b"<html><body><p><a href='/d'>A/HRC.61/L.14</a> Situation of human rights in Belarus</p>"
        b"</body></html>"
    )
    seen_again = store.apply("listing", Snapshot(items=tuple(listing.parse(page(listing.url, html)))), NOW)
    assert seen_again.notices == (), "a misspelt symbol on another page is the same draft"

    revised = feed.parse(
        page(
            feed.url,
            rss(
                "A/HRC/61/L.14 - Situation of human rights in Belarus",
                "A/HRC/61/L.14 Rev 1 - Situation of human rights in Belarus",
            ),
        )
    )
    (notice,) = store.apply("feed", Snapshot(items=tuple(revised)), NOW).notices
    assert (notice.kind, notice.facts["symbol"], notice.facts["to"]) == (
        "revised",
        "A/HRC/61/L.14/Rev.1",
        "A/HRC/61/L.14",
    )
    assert notice.story["anchor"] == "A/HRC/61/L.14", "told in the draft's story"


def test_session_page_changes_the_status_of_a_known_draft(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    feed = UnDocumentsFeed("feed", "https://docs.un.org/rss/hrc.xml", UnDocumentsFeed.Options())
    store.apply("feed", Snapshot(items=tuple(feed.parse(page(feed.url, rss("A/HRC/51/L.9 - Right"))))), NOW)
    session = OhchrSession("session", "https://www.ohchr.org/s51", OhchrSession.Options())
    body = (FIXTURES / "ohchr_res_dec_stat_session51.html").read_bytes()
    store.apply("session", Snapshot(items=()), NOW)  # the session source's own baseline: nothing yet
    result = store.apply("session", Snapshot(items=tuple(session.parse(page(session.url, body)))), NOW)
    (action,) = [n for n in result.notices if n.story["anchor"] == "A/HRC/51/L.9"]
    assert action.kind == "action" and action.facts["outcome"] == "adopted_by_vote"
    assert action.facts["adopted_as"] == "A/HRC/RES/51/7"
