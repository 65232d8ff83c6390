"""Telegram delivery against the fake Bot API: escaping, splitting, faults, order, bursts, DMs, votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.notifiers.base import DeliveryError
from state.store import Store
from tests.fake_telegram import parse_html
from tests.telegram_fixtures import ADMIN, CHANNEL, document, draft, telegram_setup
from watchers.base import Item


def outbox(store: Store) -> list[tuple[str, str | None]]:
    rows = store.connection().execute("SELECT state, external_id FROM outbox ORDER BY id").fetchall()
    return [(r["state"], r["external_id"]) for r in rows]


def later() -> datetime:
    return datetime.now(UTC) + timedelta(hours=2)


HOSTILE = [
    "<b>",
    "&amp;",
    "</a>",
    '<a href="javascript:x">x</a> & "quotes" > <i>',
    "💥 <script>alert(1)</script>",
]


async def test_hostile_titles_arrive_escaped_and_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_title = " ".join(f"<b>{i}</b> &amp; </a> 🇺🇳" for i in range(400))
    assert len(long_title) > 5000
    titles = [*HOSTILE, long_title]
    async with telegram_setup(tmp_path, monkeypatch) as s:
        s.apply([draft(i + 1, title) for i, title in enumerate(titles)])
        await s.drain_all()
        sent = s.fake.sent(CHANNEL)
        assert all(r.params.get("parse_mode") == "HTML" for r in sent)
        assert not [r for r in s.fake.requests if r.status != 200 and r.method == "sendMessage"]
        texts = [parse_html(r.text) for r in sent]
        for title in HOSTILE:
            assert any(title in text.split("\n") for text in texts), title
        assert len(sent) >= len(HOSTILE) + 2  # the long title took more than one message
        continued = [t.split("\n", 1) for t in texts[len(HOSTILE) + 1 :]]
        assert all(head == "(continued)" for head, _ in continued), "a split post says it goes on"
        joined = "".join("".join(t.split()) for t in [texts[len(HOSTILE)], *(rest for _, rest in continued)])
        assert "".join(long_title.split()) in joined
        assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
        assert [state for state, _ in outbox(s.store)] == ["sent"] * len(titles)


async def test_storm_of_429s_and_a_500_every_event_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        for attempt in (3, 17, 18, 40, 41, 62, 85):
            s.fake.fail_on(attempt, "429", retry_after=1)
        s.fake.fail_on(55, "500")
        s.apply([draft(i) for i in range(1, 101)])
        rounds = await s.drain_all()
        assert rounds == 9, "each 429 and the 500 stop the channel; it resumes in order, never inline"
        symbols = [parse_html(r.text).split("\n")[0].split()[-1] for r in s.fake.sent(CHANNEL)]
        assert symbols == [f"A/HRC/61/L.{i}" for i in range(1, 101)]
        ids = [str(r.message_id) for r in s.fake.sent(CHANNEL)]
        assert outbox(s.store) == [("sent", i) for i in ids]
        assert sorted(r.status for r in s.fake.requests if r.status != 200) == [429] * 7 + [500]


async def test_persistent_429_stops_with_retry_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        s.fake.fail("429", retry_after=7)
        s.apply([draft(1), draft(2)])
        with pytest.raises(DeliveryError) as caught:
            await s.notifier.deliver(s.store.pending("telegram", later()), lambda ids, ext=None: None)
        assert caught.value.retry_after == 7
        assert "rate limited" in str(caught.value)


async def test_cant_parse_entities_is_resent_as_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        s.fake.fail("parse")
        s.apply([draft(1, "Rights & <wrongs>")])
        await s.drain_all()
        first, second = [r for r in s.fake.requests if r.method == "sendMessage"]
        assert first.status == 400 and first.params["parse_mode"] == "HTML"
        assert second.status == 200 and "parse_mode" not in second.params
        assert "Rights & <wrongs>" in second.text
        assert outbox(s.store) == [("sent", str(second.message_id))]


async def test_a_split_post_interrupted_half_way_is_completed_not_repeated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        s.fake.fail_on(2, "500")
        s.apply([draft(1, " ".join(["word"] * 2500))])
        assert await s.drain_all() == 2
        sent = s.fake.sent(CHANNEL)
        assert len(sent) == 3  # 12,500 characters: three messages, each sent once
        assert outbox(s.store) == [("sent", str(sent[0].message_id))]


async def test_hang_is_a_timeout_that_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch, timeout="1s") as s:
        s.fake.fail("hang")
        s.apply([draft(1)])
        with pytest.raises(DeliveryError, match=r"no answer from .* within 1 s"):
            await s.notifier.deliver(s.store.pending("telegram", later()), lambda ids, ext=None: None)
        await s.drain_all()
        assert len(s.fake.sent(CHANNEL)) == 1


async def test_burst_becomes_one_summary_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch, burst_threshold=10) as s:
        s.apply([draft(i, f"Title {i} <&>") for i in range(1, 41)])
        await s.drain_all()
        (post,) = s.fake.sent(CHANNEL)
        text = parse_html(post.text)
        assert text.startswith("40 updates")
        assert "A/HRC/61/L.40" in text
        assert outbox(s.store) == [("sent", f"summary:{post.message_id}")] * 40


async def test_health_alerts_go_to_admins_not_the_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        for _ in range(3):
            s.store.record_failure("drafts", datetime.now(UTC), "timeout", "read timed out <after 30s>")
        await s.drain_all()
        assert s.fake.sent(CHANNEL) == []
        (dm,) = s.fake.sent(ADMIN)
        assert "Source drafts is failing" in parse_html(dm.text)
        assert "<after 30s>" in parse_html(dm.text)


async def test_followers_get_a_dm_and_a_blocked_one_blocks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        follows = s.notifier.follows
        follows.add(1001, "country", "BLR", "Belarus")
        follows.add(1002, "symbol", "A/HRC/61/L.2", "A/HRC/61/L.2")
        follows.add(1003, "words", "death penalty", "death penalty")
        follows.add(1004, "words", "belarus", "belarus")
        s.fake.blocked_chats.add("1004")
        s.apply(
            [
                draft(1, "Situation of human rights in Belarus"),
                draft(2, "The question of the death penalty"),
                document("A/HRC/61/L.2/Rev.1"),
            ]
        )
        await s.drain_all()
        assert len(s.fake.sent(CHANNEL)) == 3
        assert "Belarus" in parse_html(s.fake.sent(1001)[0].text)
        assert len(s.fake.sent(1002)) == 2
        assert "You follow death penalty" in parse_html(s.fake.sent(1003)[0].text)
        assert s.fake.sent(1004) == []
        assert follows.of(1004) == []
        assert [state for state, _ in outbox(s.store)] == ["sent"] * 3


async def test_vote_is_a_photo_with_caption(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vote = {
        "symbol": "A/HRC/RES/61/5",
        "draft_symbol": "A/HRC/61/L.5",
        "title": "Situation of human rights in the Syrian Arab Republic",
        "date": "2026-04-03",
        "outcome": "adopted",
        "yes": 26,
        "no": 6,
        "abstain": 15,
        "non_voting": 0,
        "roll_call": {"FRA": "yes", "CHN": "no", "IND": "abstain"},
        "authority": 2,  # an official roll-call
        "warnings": [],
    }
    async with telegram_setup(tmp_path, monkeypatch) as s:
        s.apply([Item("vote:A/HRC/RES/61/5", "vote", vote)], source="votes")
        await s.drain_all()
        action, roll_call = s.fake.sent(CHANNEL)
        assert (action.method, roll_call.method) == ("sendPhoto", "sendPhoto"), "a vote is one photo post"
        assert action.files["photo"].startswith(b"\x89PNG")
        caption = parse_html(action.params["caption"])
        assert caption.startswith("A/HRC/61/L.5 adopted by a recorded vote: 26-6-15")
        assert "In favour 26, against 6, abstaining 15" in caption
        assert roll_call.reply_to == action.message_id, "the roll-call is told in the vote's thread"
        assert parse_html(roll_call.params["caption"]).startswith("How each member voted on A/HRC/RES/61/5")


async def test_test_message_says_what_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        assert "sent a test message" in await s.notifier.test_message()
        s.fake.unknown_chats.add(CHANNEL)
        with pytest.raises(DeliveryError, match="unknown chat"):
            await s.notifier.test_message()
        s.fake.unknown_chats.clear()
        s.fake.fail("403", method="sendMessage")
        with pytest.raises(DeliveryError, match="not allowed to post"):
            await s.notifier.test_message()
    async with telegram_setup(tmp_path, monkeypatch) as s:
        await s.notifier.stop()
        s.fake.token = "other"
        with pytest.raises(DeliveryError, match="bad token"):
            await s.notifier.test_message()


async def test_unreachable_at_start_is_retried_at_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch) as s:
        await s.notifier.stop()
        s.fake.fail("500", method="getMe")
        await s.notifier.start(interactive=False)
        assert s.notifier.app is None
        s.apply([draft(1)])
        await s.drain_all()
        assert len(s.fake.sent(CHANNEL)) == 1
        await s.notifier.stop()
        s.fake.token = "revoked"
        with pytest.raises(DeliveryError, match="bad token"):
            await s.notifier.start()
