"""The diff store's merge rules, on a real SQLite store: what a second source adds, and what is news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from state.happenings import SourceInfo
from state.store import Store
from watchers.base import Item, Snapshot
from watchers.symbols import document_fields, parse_symbol

T0 = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
FEED = SourceInfo("feed", "the UN documents feed", 1)
CATALOGUE = SourceInfo("catalogue", "the UN Digital Library", 1)


def doc(symbol: str, **fields: object) -> Item:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    return Item(symbol, "document", {**document_fields(parsed), **fields})


def test_a_second_source_fills_gaps_without_overwriting_or_flapping(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    store.apply(FEED, Snapshot(items=(doc("A/HRC/61/L.14", title="Situation in Belarus"),)), T0)
    catalogue = doc("A/HRC/61/L.14", title="Situation of human rights in Belarus", sponsors=["Cyprus"])
    result = store.apply(CATALOGUE, Snapshot(items=(catalogue,)), T0, announce_existing=True)
    assert result.notices == (), "a second source naming the sponsors of a known draft is not news"
    item = store.item("A/HRC/61/L.14")
    assert item is not None and item.fields["title"] == "Situation in Belarus", (
        "the first source's title stays"
    )
    assert item.fields["sponsors"] == ["Cyprus"], "the second source fills the gap"
    for minute in range(1, 4):
        store.apply(FEED, Snapshot(items=(doc("A/HRC/61/L.14", title="Situation in Belarus"),)), T0)
        later = store.apply(CATALOGUE, Snapshot(items=(catalogue,)), T0 + timedelta(minutes=minute))
        assert later.notices == (), "two sources phrasing a title differently never flap"


def test_a_link_or_date_added_alone_is_not_news_a_status_is(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    store.apply(FEED, Snapshot(items=(doc("A/HRC/61/L.3", title="Right to food"),)), T0)
    richer = doc(
        "A/HRC/61/L.3", title="Right to food", pdf_url="https://documents.un.org/x.pdf", date="2026-03-27"
    )
    result = store.apply(FEED, Snapshot(items=(richer,)), T0 + timedelta(minutes=15))
    assert result.notices == ()
    item = store.item("A/HRC/61/L.3")
    assert item is not None and item.fields["pdf_url"] == "https://documents.un.org/x.pdf"
    status = doc(
        "A/HRC/61/L.3", title="Right to food", status="adopted_without_vote", action_date="2026-04-01"
    )
    (notice,) = store.apply(FEED, Snapshot(items=(status,)), T0 + timedelta(minutes=30)).notices
    assert (notice.type, notice.kind) == ("happening", "action")
    assert notice.facts["outcome"] == "adopted_without_vote" and notice.facts["date"] == "2026-04-01"


def test_outbox_keeps_order_behind_a_failed_head(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    items = tuple(doc(f"A/HRC/61/L.{n}", title=f"Draft {n}") for n in range(1, 4))
    store.apply(FEED, Snapshot(items=items), T0, announce_existing=True)
    first, *rest = store.pending("console", T0 + timedelta(seconds=1))
    store.fail([first.id], "HTTP 500", T0 + timedelta(seconds=1), retry_after=30)
    assert store.pending("console", T0 + timedelta(seconds=20)) == [], "nothing overtakes the waiting head"
    due = store.pending("console", T0 + timedelta(seconds=32))
    assert [e.id for e in due] == [first.id, *(e.id for e in rest)]
    assert store.outbox_counts()["console"] == {"pending": 3, "failed": 1, "sent": 0}


def test_the_official_roll_call_outranks_the_press_report_that_came_first(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    vote = {"draft_symbol": "A/HRC/61/L.14", "outcome": "adopted", "yes": 28, "no": 4, "abstain": 15}
    press = Item(
        "vote:A/HRC/61/L.14", "vote", {**vote, "roll_call": {}, "checks": {"source": "press"}, "authority": 0}
    )
    store.apply(SourceInfo("press", "the UN Geneva meeting summary", 0), Snapshot(items=(press,)), T0)
    roll_call = {"ALB": "yes", "CHN": "no", "IND": "abstain"}
    record = Item(
        "vote:A/HRC/61/L.14",
        "vote",
        {**vote, "roll_call": roll_call, "checks": {"source": "searchlibrary"}, "authority": 2},
    )
    notices = store.apply(CATALOGUE, Snapshot(items=(record,)), T0, announce_existing=True).notices
    assert [(n.type, n.kind) for n in notices] == [("happening", "roll_call")]
    item = store.item("vote:A/HRC/61/L.14")
    assert item is not None and item.fields["checks"] == {"source": "searchlibrary"}
    later = store.apply(
        SourceInfo("press", "the UN Geneva meeting summary", 0),
        Snapshot(items=(press,)),
        T0 + timedelta(minutes=15),
    )
    assert later.notices == (), "a press report does not undo the record"
    assert store.item("vote:A/HRC/61/L.14").fields["roll_call"] == roll_call  # type: ignore[union-attr]
