"""The diff store's merge rules, on a real SQLite store: what a second source adds, and what is news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from state.store import Store
from watchers.base import Item, Snapshot

T0 = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def doc(symbol: str, **fields: object) -> Item:
    return Item(symbol, "document", {"symbol": symbol, **fields})


def test_a_second_source_fills_gaps_without_overwriting_or_flapping(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    store.apply("feed", Snapshot(items=(doc("A/HRC/61/L.14", title="Situation in Belarus"),)), T0)
    catalogue = doc("A/HRC/61/L.14", title="Situation of human rights in Belarus", sponsors=["Cyprus"])
    store.apply("catalogue", Snapshot(items=(catalogue,)), T0, announce_existing=True)
    (event,) = store.events(key="A/HRC/61/L.14")
    assert event.type == "changed" and event.changes == {"sponsors": (None, ["Cyprus"])}
    assert store.item("A/HRC/61/L.14").fields["title"] == "Situation in Belarus", (
        "the first source's title stays"
    )
    for minute in range(1, 4):
        store.apply("feed", Snapshot(items=(doc("A/HRC/61/L.14", title="Situation in Belarus"),)), T0)
        store.apply("catalogue", Snapshot(items=(catalogue,)), T0 + timedelta(minutes=minute))
    assert len(store.events(key="A/HRC/61/L.14")) == 1, "two sources phrasing a title differently never flap"


def test_a_link_or_date_added_alone_is_not_news(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    store.apply("feed", Snapshot(items=(doc("A/HRC/61/L.3", title="Right to food"),)), T0)
    richer = doc(
        "A/HRC/61/L.3", title="Right to food", pdf_url="https://documents.un.org/x.pdf", date="2026-03-27"
    )
    result = store.apply("feed", Snapshot(items=(richer,)), T0 + timedelta(minutes=15))
    assert result.events == ()
    assert store.item("A/HRC/61/L.3").fields["pdf_url"] == "https://documents.un.org/x.pdf"
    status = doc(
        "A/HRC/61/L.3",
        title="Right to food",
        pdf_url="https://documents.un.org/x.pdf",
        status="adopted_without_vote",
        date="2026-04-01",
    )
    (event,) = store.apply("feed", Snapshot(items=(status,)), T0 + timedelta(minutes=30)).events
    assert event.changes == {"status": (None, "adopted_without_vote"), "date": ("2026-03-27", "2026-04-01")}


def test_outbox_keeps_order_behind_a_failed_head(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    items = tuple(doc(f"A/HRC/61/L.{n}", title=f"Draft {n}") for n in range(1, 4))
    store.apply("feed", Snapshot(items=items), T0, announce_existing=True)
    first, *rest = store.pending("console", T0 + timedelta(seconds=1))
    store.fail([first.id], "HTTP 500", T0 + timedelta(seconds=1), retry_after=30)
    assert store.pending("console", T0 + timedelta(seconds=20)) == [], "nothing overtakes the waiting head"
    due = store.pending("console", T0 + timedelta(seconds=32))
    assert [e.id for e in due] == [first.id, *(e.id for e in rest)]
    assert store.outbox_counts()["console"] == {"pending": 3, "failed": 1, "sent": 0}


def test_the_official_roll_call_outranks_the_press_report_that_came_first(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    press = Item(
        "vote:A/HRC/61/L.14",
        "vote",
        {"yes": 28, "no": 4, "abstain": 15, "roll_call": {}, "checks": {"source": "press"}, "authority": 0},
    )
    store.apply("press", Snapshot(items=(press,)), T0)
    record = Item(
        "vote:A/HRC/61/L.14",
        "vote",
        {
            "yes": 28,
            "no": 4,
            "abstain": 15,
            "roll_call": {"ALB": "yes", "CHN": "no", "IND": "abstain"},
            "checks": {"source": "searchlibrary"},
            "authority": 2,
        },
    )
    (event,) = store.apply("catalogue", Snapshot(items=(record,)), T0, announce_existing=True).events
    assert event.changes["roll_call"] == ({}, {"ALB": "yes", "CHN": "no", "IND": "abstain"})
    assert store.item("vote:A/HRC/61/L.14").fields["checks"] == {"source": "searchlibrary"}
    later = store.apply("press", Snapshot(items=(press,)), T0 + timedelta(minutes=15))
    assert later.events == (), "a press report does not undo the record"
