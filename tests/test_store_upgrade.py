"""A store written before stories (tests/fixtures/stores/v1-ccdb39f.sqlite3, see its README) upgrades in
place: nothing it announced is announced again, what it still had pending is told once, in the new words,
threads continue under the posts it made, and the follows it kept are kept."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.happening_text import describe
from state.follows import Follows
from state.schema import VERSION
from state.store import Store
from tests.scenario.replay import apply_page
from tests.scenario.timeline import timeline

FIXTURE = Path(__file__).parent / "fixtures" / "stores" / "v1-ccdb39f.sqlite3"
STEPS = timeline(1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    path = tmp_path / "store.sqlite3"
    shutil.copy(FIXTURE, path)
    return Store(path, channels=("console", "telegram"))


def test_the_old_store_upgrades_in_place(store: Store) -> None:
    (version,) = store.connection().execute("PRAGMA user_version").fetchone()
    assert version == VERSION
    assert store.item("A/HRC/61/L.20/Rev.1") is not None, "items are kept"
    story = store.story_of("A/HRC/61/L.20/Rev.1")
    assert story is not None and story.anchor == "A/HRC/61/L.20"
    assert [h.kind for h in store.happenings(story.id)] == ["tabled", "revised"]
    assert [f.label for f in Follows(store).of(4242)] == ["A/HRC/61/L.2"]


def test_what_was_pending_is_told_once_and_what_was_sent_never_again(store: Store) -> None:
    later = datetime.now(UTC) + timedelta(days=1)  # the upgrade queued what was pending when it ran
    for channel in ("console", "telegram"):
        (entry,) = store.pending(channel, later)
        text = describe(entry.notice)
        assert text.headline == "A/HRC/61/L.2 adopted by a recorded vote: 28-17-1", (
            "the vote that was pending; the removed meeting and the press article are no happenings"
        )
        store.ack([entry.id], "900" if channel == "telegram" else None, later)
    for step in STEPS[:4]:  # every page the old store had already seen, polled again
        for name, body in step.pages.items():
            assert apply_page(store, name, body, later) == [], f"{name} repeats nothing"
    notices = apply_page(store, "ohchr-res-dec-stat", STEPS[4].pages["ohchr-res-dec-stat"], later)
    assert [describe(n).headline for n in notices] == [
        "A/HRC/61/L.20/Rev.1 adopted without a vote",
        "Confirmed by the OHCHR session page: A/HRC/61/L.2 adopted by a recorded vote: 28-17-1",
        "A/HRC/61/L.21 withdrawn",
    ]


def test_threads_continue_under_the_posts_the_old_store_made(store: Store) -> None:
    story = store.story_of("A/HRC/61/L.20")
    assert story is not None
    old_post = (
        store.connection()
        .execute(
            "SELECT message_id FROM story_posts WHERE story_id = ? AND channel = 'telegram'", (story.id,)
        )
        .fetchone()
    )
    assert old_post is not None and store.thread_root(story.id, "telegram") == old_post["message_id"]
    assert store.thread_root(story.id, "console") is None, "the console keeps no message ids"
