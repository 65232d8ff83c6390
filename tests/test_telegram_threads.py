"""A story in the channel (issue 9, must-show 2): one post per happening, later ones threaded under the
story's first post, a confirmation as an edit, a contradiction as a correction; against the fake Bot
API, with the scenario's pages read by the real watchers, and a restart between every step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.delivery import Drainer
from bot.notifiers.telegram import TelegramNotifier
from bot.runtime import Runtime
from state.store import Store
from tests.fake_telegram import TOKEN, FakeTelegram, parse_html, running_fake
from tests.scenario.replay import T0, apply_page
from tests.scenario.timeline import timeline
from tests.telegram_fixtures import CHANNEL, config_text

STEPS = timeline(1)
PRESS, OHCHR, LIBRARY, FEED = (
    "ungeneva-summaries",
    "ohchr-res-dec-stat",
    "searchlibrary-votes",
    "un-documents",
)


class Channel:
    """The bot's side of one fake channel: each `restart` is a new process on the same store file."""

    def __init__(self, fake: FakeTelegram, config_path: Path) -> None:
        self.fake = fake
        self.config_path = config_path
        self.minute = 0

    @asynccontextmanager
    async def process(self) -> AsyncIterator[Store]:
        config = load_config(self.config_path)
        store = Store(config.store_path, channels=("telegram",))
        notifier = TelegramNotifier(config.notifiers["telegram"], Runtime(config, store))
        await notifier.start(interactive=False)
        self.drainer = Drainer(store, notifier)
        try:
            yield store
        finally:
            await notifier.stop()
            store.close()

    async def poll(self, source: str, body: str) -> None:
        """One poll of `source` and a delivery cycle, in a process of its own."""
        self.minute += 10
        async with self.process() as store:
            apply_page(store, source, body, T0 + timedelta(minutes=self.minute))
            await self.drainer.drain(now=T0 + timedelta(minutes=self.minute + 1))

    async def baseline(self, upto: int) -> None:
        """Steps 0 to `upto` in one process, a delivery cycle after each."""
        async with self.process() as store:
            for step in STEPS[: upto + 1]:
                self.minute += 10
                for name, body in step.pages.items():
                    apply_page(store, name, body, T0 + timedelta(minutes=self.minute))
                await self.drainer.drain(now=T0 + timedelta(minutes=self.minute + 1))


@pytest.fixture
async def channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Channel]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monkeypatch.setenv("HRCWATCH_TEST_TELEGRAM_TOKEN", TOKEN)
    async with running_fake() as fake:
        path = tmp_path / "config.toml"
        path.write_text(config_text(fake, tmp_path / "store.sqlite3"), encoding="utf-8")
        yield Channel(fake, path)


def texts(fake: FakeTelegram) -> list[str]:
    return [parse_html(r.text).split("\n")[0] for r in fake.sent(CHANNEL)]


async def test_a_vote_told_by_the_press_then_confirmed_then_its_roll_call(channel: Channel) -> None:
    await channel.baseline(2)
    fake = channel.fake
    (tabled,) = [
        r for r in fake.sent(CHANNEL) if parse_html(r.text).split("\n")[0] == "New draft A/HRC/61/L.2"
    ]
    before = len(fake.sent(CHANNEL))

    await channel.poll(PRESS, STEPS[3].pages[PRESS])
    (vote,) = fake.sent(CHANNEL)[before:]
    assert vote.method == "sendPhoto", "a vote is one photo post"
    assert parse_html(vote.text).startswith("A/HRC/61/L.2 adopted by a recorded vote: 28-17-1")
    assert vote.reply_to == tabled.message_id, "threaded under the draft's first post"

    await channel.poll(OHCHR, STEPS[4].pages[OHCHR])
    (edit,) = fake.edits(CHANNEL)
    assert edit.method == "editMessageCaption" and edit.edited == vote.message_id
    assert "confirmed by the OHCHR session page (official record)" in parse_html(edit.params["caption"])
    vote_posts = [r for r in fake.sent(CHANNEL) if "28-17-1" in parse_html(r.text).split("\n")[0]]
    assert vote_posts == [vote], "the confirmation is an edit, not a second post"

    count = len(fake.sent(CHANNEL))
    await channel.poll(LIBRARY, STEPS[5].pages[LIBRARY])
    roll_call, *rest = fake.sent(CHANNEL)[count:]
    assert roll_call.method == "sendPhoto"
    assert parse_html(roll_call.text).startswith("How each member voted on A/HRC/RES/61/6 (28-17-1)")
    told = "\n".join(parse_html(r.text) for r in (roll_call, *rest))
    assert "In favour (28): Angola, Benin" in told, "the members, by their vote"
    assert all(parse_html(r.text).startswith("(continued)") for r in rest)
    assert {r.reply_to for r in (roll_call, *rest)} == {tabled.message_id}
    assert len(fake.edits(CHANNEL)) == 1, "the record confirms what is already official: no second edit"

    total, edits = len(fake.sent(CHANNEL)), len(fake.edits(CHANNEL))
    for name, body in STEPS[-1].pages.items():
        await channel.poll(name, body)
    assert (len(fake.sent(CHANNEL)), len(fake.edits(CHANNEL))) == (total, edits), "restarts repeat nothing"


async def test_a_contradicting_official_tally_is_one_correction_reply(channel: Channel) -> None:
    await channel.baseline(3)
    fake = channel.fake
    (vote,) = [r for r in fake.sent(CHANNEL) if "28-17-1" in parse_html(r.text)]
    count = len(fake.sent(CHANNEL))
    await channel.poll(OHCHR, STEPS[4].pages[OHCHR].replace("28 to 17, with 1", "27 to 18, with 1"))
    corrections = [r for r in fake.sent(CHANNEL)[count:] if parse_html(r.text).startswith("Correction")]
    assert len(corrections) == 1 and fake.edits(CHANNEL) == []
    text = parse_html(corrections[0].text)
    assert text.startswith("Correction on A/HRC/61/L.2: the OHCHR session page gives 27-18-1")
    assert "had reported 28-17-1" in text
    assert corrections[0].reply_to == vote.message_id, "the correction answers the post it corrects"


async def test_an_edit_telegram_refuses_becomes_a_short_reply(channel: Channel) -> None:
    await channel.baseline(3)
    fake = channel.fake
    (vote,) = [r for r in fake.sent(CHANNEL) if "28-17-1" in parse_html(r.text)]
    fake.uneditable.add(vote.message_id or 0)
    count = len(fake.sent(CHANNEL))
    await channel.poll(OHCHR, STEPS[4].pages[OHCHR])
    replies = [r for r in fake.sent(CHANNEL)[count:] if parse_html(r.text).startswith("Confirmed by")]
    assert len(replies) == 1, "never silence"
    assert parse_html(replies[0].text).startswith(
        "Confirmed by the OHCHR session page: A/HRC/61/L.2 adopted by a recorded vote: 28-17-1"
    )


async def test_a_feed_scrolling_and_a_second_source_of_one_draft_post_nothing_more(channel: Channel) -> None:
    await channel.baseline(1)
    fake = channel.fake
    count = len(fake.sent(CHANNEL))
    full = STEPS[1].pages[FEED]
    for _ in range(4):  # the oldest entries scroll off the feed
        await channel.poll(FEED, full.split("<item>")[0] + "<item>" + full.split("<item>")[-1])
    await channel.poll(FEED, full)
    assert len(fake.sent(CHANNEL)) == count, "leaving a feed or coming back is not news"
    assert "New draft A/HRC/61/L.2" in texts(fake), "the draft was told once, by the first source"
    assert texts(fake).count("New draft A/HRC/61/L.2") == 1
