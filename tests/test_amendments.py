"""Amendments: an amendment is an L-document of its own that names the draft it amends. It joins that
draft's story and thread; its tabling, action and roll-call are its own happenings, never the draft's.

The wordings are real: the OHCHR Search Library's notes ("Amendment A/HRC/61/L.43 to draft resolution
A/HRC/61/L.27/Rev.1 Not considered", "Amendment to A/HRC/39/L.20 A/HRC/39/L.26 Russian Federation Rejected
by a recorded vote …"), UN Geneva's sentence on amendments, and three real recorded votes with every
member's vote (tests/fixtures/watchers/searchlibrary_voting_amendments.xml says how it was built).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.happening_text import describe
from state.happenings import SourceInfo
from state.model import Notice
from state.store import Store
from watchers.base import Page, Snapshot, Watcher
from watchers.ohchr_session import OhchrSession
from watchers.pages import is_feed
from watchers.symbols import amendments_in
from watchers.symbols_page import SymbolsPage
from watchers.un_documents_feed import UnDocumentsFeed
from watchers.undl_records import UndlRecords

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
SEARCH = "https://searchlibrary.ohchr.org/search?cc=Voting&of=xm"
FEED = "https://docs.un.org/rss/hrc.xml"
T0 = datetime(2018, 9, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # OHCHR Search Library records 35392 and 35393 (993$a, the "draft" column of lszoszk/hrc-voting)
        (
            "Amendment A/HRC/61/L.43 to draft resolution A/HRC/61/L.27/Rev.1 Not considered",
            {"A/HRC/61/L.43": "A/HRC/61/L.27/Rev.1"},
        ),
        (
            "Amendment A/HRC/61/L.39 to Draft resolution A/HRC/61/L.28 Withdrawn by sponsors",
            {"A/HRC/61/L.39": "A/HRC/61/L.28"},
        ),
        # the catalogue's note on A/HRC/39/L.26 (tsujamin/unhrc-nominate votes.sqlite3)
        (
            "Amendment to A/HRC/39/L.20 A/HRC/39/L.26 Russian Federation Rejected by a recorded vote"
            " (9 to 24, with 14 abstentions), 40th meeting, 28 September 2018",
            {"A/HRC/39/L.26": "A/HRC/39/L.20"},
        ),
    ],
)
def test_the_catalogues_wordings_name_the_draft_an_amendment_amends(text: str, expected: dict) -> None:
    assert amendments_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # https://ungeneva.org/en/news-media/meeting-summary/2016/03/human-rights-council-adopts-six-resolutions-and-closes-its
        "In a resolution (A/HRC/31/L.28) adopted by a vote of 33 in favour, six against, and eight"
        " abstentions, the Council called upon States to combat impunity. Before adopting this resolution,"
        " the Council rejected a series of amendments to the text.",
        # data/votes/dw_unhrc_resolutions_action_taken.csv, resolution 20/22, with its draft's symbol
        "A/HRC/20/L.1 Adopted as orally revises by vote on 06.07.12[41 in favour, 3 against, 3 abstentions]"
        "Amendment proposed by Russia rejected by vote [8 in favour, 33 against, 6 abstentions]",
        # a revision names its draft, but is no amendment to it
        "A/HRC/61/L.20/Rev.1 Revised draft resolution, as amended, to replace A/HRC/61/L.20",
    ],
)
def test_texts_that_only_speak_of_amendments_name_none(text: str) -> None:
    assert amendments_in(text) == {}


def marc(without_notes: bool = False) -> bytes:
    body = (FIXTURES / "searchlibrary_voting_amendments.xml").read_text()
    if without_notes:  # the catalogue before it noted which draft L.26 amends
        body = body.replace("Amendment to A/HRC/39/L.20 A/HRC/39/L.26", "")
    return body.encode()


def feed(*entries: tuple[str, str, str]) -> bytes:
    """SYNTHETIC feed in the structure of tests/fixtures/watchers/un_documents_hrc_rss.xml (docs/SOURCES.md
    §2); the titles are the Search Library's, the amendment's description its note."""
    items = "".join(
        f"<item><title>{symbol} - {title}</title><description>{description}</description>"
        f"<link>https://docs.un.org/en/{symbol}</link><pubDate>Thu, 27 Sep 2018 09:00:00 GMT</pubDate></item>"
        for symbol, title, description in entries
    )
    channel = f"<channel><title>UN Documents</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


DRAFT = ("A/HRC/39/L.20", "The human rights situation in the Syrian Arab Republic : draft resolution", "")
AMENDMENT = (
    "A/HRC/39/L.26",
    "The human rights situation in the Syrian Arab Republic : amendment",
    "Amendment to A/HRC/39/L.20",
)


class Poller:
    """Each source's pages through its real watcher into one real store, as `python -m bot poll` does."""

    def __init__(self, path: Path) -> None:
        self.store = Store(path, channels=("console",))
        self.now = T0

    def poll(self, watcher: Watcher, body: bytes) -> list[Notice]:
        self.now += timedelta(minutes=10)
        kind = "application/rss+xml" if body.lstrip().startswith(b"<?xml") else "text/html"
        page = Page(watcher.url, 200, {"content-type": kind}, body, self.now)
        snapshot = Snapshot(items=tuple(watcher.parse(page)), complete=not is_feed(page))
        info = SourceInfo(watcher.name, watcher.told_as(), watcher.authority)
        notices = list(self.store.apply(info, snapshot, self.now, announce_existing=True).notices)
        for entry in self.store.pending("console", self.now):
            self.store.ack([entry.id], str(entry.id), self.now)
        return [n for n in notices if n.type in ("happening", "confirmed", "correction")]


def headlines(notices: list[Notice]) -> list[str]:
    return [describe(n).headline for n in notices]


@pytest.fixture
def poller(tmp_path: Path) -> Poller:
    return Poller(tmp_path / "store.sqlite3")


def feed_watcher() -> UnDocumentsFeed:
    return UnDocumentsFeed("un-documents-hrc", FEED, UnDocumentsFeed.Options())


def votes_watcher() -> UndlRecords:
    return UndlRecords("ohchr-voting", SEARCH, UndlRecords.Options())


def test_an_amendment_and_its_vote_are_told_in_the_drafts_story_apart_from_the_drafts_own(
    poller: Poller,
) -> None:
    tabled = poller.poll(feed_watcher(), feed(DRAFT))
    amendment = poller.poll(feed_watcher(), feed(DRAFT, AMENDMENT))
    votes = poller.poll(votes_watcher(), marc())
    again = poller.poll(votes_watcher(), marc()) + poller.poll(feed_watcher(), feed(DRAFT, AMENDMENT))

    assert headlines(tabled) == ["New draft A/HRC/39/L.20"]
    assert headlines(amendment) == ["Amendment A/HRC/39/L.26 to A/HRC/39/L.20 tabled"]
    on_syria = [n for n in votes if n.story.get("anchor") == "A/HRC/39/L.20"]
    assert sorted(headlines(on_syria)) == [
        "A/HRC/39/L.20 adopted by a recorded vote: 27-4-16",
        "Amendment A/HRC/39/L.26 to A/HRC/39/L.20 rejected by a recorded vote: 9-25-13",
        "How each member voted on A/HRC/RES/39/15 (27-4-16)",
        "How each member voted on amendment A/HRC/39/L.26 to A/HRC/39/L.20 (9-25-13)",
    ], "the amendment's rejection is not the draft's: each action is told once, in the draft's thread"
    assert {n.story_id for n in tabled + amendment + on_syria} == {tabled[0].story_id}
    assert again == []


def test_an_amendment_adopted_by_a_recorded_vote_is_told_adopted(poller: Poller) -> None:
    notices = poller.poll(votes_watcher(), marc())
    assert "A/HRC/18/L.34 adopted by a recorded vote: 23-12-10" in headlines(notices), (
        "a recorded vote under an L-symbol with no resolution is not a rejection when the tallies carry it"
    )


def test_an_amendment_voted_before_it_is_known_as_one_is_not_told_again_when_it_is(
    poller: Poller,
) -> None:
    first = poller.poll(votes_watcher(), marc(without_notes=True))
    assert "A/HRC/39/L.26 rejected by a recorded vote: 9-25-13" in headlines(first)
    joined = poller.poll(feed_watcher(), feed(DRAFT, AMENDMENT))
    assert headlines(joined) == [], "the draft was acted on; its tabling and the amendment's are old news"
    noted = poller.poll(votes_watcher(), marc())
    assert headlines(noted) == [], "the catalogue's note moves nothing that was told"
    story = poller.store.story_of("A/HRC/39/L.26")
    assert story is not None and story == poller.store.story_of("A/HRC/39/L.20")


def test_a_listing_row_names_the_draft_its_amendment_amends() -> None:
    """SYNTHETIC listing in the structure of tests/fixtures/watchers/hrc26_drafts_listing.html."""
    body = (
        b"<html><body><table><tbody>"
        b"<tr><td><a href='/d/A/HRC/39/L.20'>A/HRC/39/L.20</a></td>"
        b"<td>The human rights situation in the Syrian Arab Republic</td></tr>"
        b"<tr><td><a href='/d/A/HRC/39/L.26'>A/HRC/39/L.26</a></td>"
        b"<td>Amendment to A/HRC/39/L.20 (Russian Federation)</td></tr>"
        b"</tbody></table></body></html>"
    )
    url = "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session39/list-reports"
    page = Page(url, 200, {"content-type": "text/html"}, body, T0)
    items = {i.key: i.fields for i in SymbolsPage("drafts", url, SymbolsPage.Options()).parse(page)}
    assert items["A/HRC/39/L.26"]["amendment_to"] == "A/HRC/39/L.20"
    assert "amendment_to" not in items["A/HRC/39/L.20"]


def test_a_session_page_row_on_an_amendment_is_not_read_as_the_drafts_action() -> None:
    """SYNTHETIC res-dec-stat page in the layout of ohchr_res_dec_stat_session51.html (tests/fixtures/
    watchers); the rows' titles, tallies and the action text of L.26 are the catalogue's. The amendment's
    draft cell is empty: its action text names both drafts, the amended one first."""
    body = (
        b"<html><body><table summary='List of Resolutions'>"
        b"<tr><td><a href='/en/documents/resolutions/ahrcres3915'>39/15</a></td>"
        b"<td>The human rights situation in the Syrian Arab Republic</td><td>A/HRC/39/L.20</td>"
        b"<td>28 September 2018</td><td>Adopted by a recorded vote | 27 to 4, with 16 abstentions</td></tr>"
        b"<tr><td>-</td><td>The human rights situation in the Syrian Arab Republic : amendment</td>"
        b"<td></td><td>28 September 2018</td><td>Amendment to A/HRC/39/L.20 A/HRC/39/L.26"
        b" Russian Federation Rejected by a recorded vote (9 to 24, with 14 abstentions), 40th meeting,"
        b" 28 September 2018</td></tr>"
        b"</table></body></html>"
    )
    url = "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session39/res-dec-stat"
    page = Page(url, 200, {"content-type": "text/html"}, body, T0)
    items = {i.key: i.fields for i in OhchrSession("ohchr", url, OhchrSession.Options()).parse(page)}
    assert items["A/HRC/39/L.20"]["status"] == "adopted_by_vote"
    assert items["A/HRC/39/L.26"]["status"] == "rejected_by_vote"
    assert items["A/HRC/39/L.26"]["amendment_to"] == "A/HRC/39/L.20"
    vote = items["vote:A/HRC/39/L.26"]
    assert (vote["draft_symbol"], vote["outcome"], vote["yes"], vote["no"]) == (
        "A/HRC/39/L.26",
        "rejected",
        9,
        24,
    )
