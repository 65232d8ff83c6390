"""Commands in private chats, answered from the store; operator commands refused to strangers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fake_telegram import Request, parse_html
from tests.telegram_fixtures import ADMIN, STRANGER, FakeControls, Setup, document, draft, telegram_setup
from watchers.base import Item

USER = 5150

VOTE = {
    "symbol": "A/HRC/RES/61/5",
    "draft_symbol": "A/HRC/61/L.5",
    "title": "Situation of human rights in Belarus",
    "date": "2026-04-03",
    "outcome": "adopted",
    "yes": 20,
    "no": 7,
    "abstain": 20,
    "roll_call": {"FRA": "yes", "CHN": "no"},
    "authority": 2,  # an official roll-call
}


async def ask(s: Setup, text: str, user: int = USER, replies: int = 1) -> list[Request]:
    """Sends a command from `user` and waits for `replies` new answers in their chat."""
    before = len(s.fake.sent(user))
    s.fake.command(text, user)
    await s.fake.wait_for(lambda fake: len(fake.sent(user)) >= before + replies)
    return s.fake.sent(user)[before:]


def said(requests: list[Request]) -> str:
    return "\n".join(parse_html(r.text) for r in requests)


def seed(s: Setup) -> None:
    s.apply(
        [
            draft(
                1, "Situation of human rights in Belarus", status="adopted_by_vote", sponsors=["Lithuania"]
            ),
            draft(2, "The right to food <&>", pdf_url="https://documents.un.org/L.2.pdf"),
            document("A/HRC/61/L.2/Rev.1", title="The right to food <&>"),
            draft(3, "Safety of journalists", session=60),
        ]
    )
    s.apply([Item("vote:A/HRC/RES/61/5", "vote", VOTE)], source="votes")


@pytest.fixture(autouse=True)
def _no_timedelta_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_subscriber_commands_answer_from_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch, interactive=True) as s:
        seed(s)
        help_text = said(await ask(s, "/start"))
        assert "/latest" in help_text and "/status" not in help_text
        assert "/status" in said(await ask(s, "/help", user=ADMIN))

        latest = said(await ask(s, "/latest 2"))
        assert "A/HRC/61/L.5 adopted by a recorded vote: 20-7-20" in latest
        assert "How each member voted on A/HRC/RES/61/5 (20-7-20)" in latest
        assert "A/HRC/60/L.3" not in latest, "the two newest only"

        doc = said(await ask(s, "/doc a/hrc/61/l.2/rev.1")).splitlines()
        assert doc[:4] == [
            "A/HRC/61/L.2",
            "The right to food <&>",
            "01 Jun 2026 — New draft A/HRC/61/L.2",
            "01 Jun 2026 — A/HRC/61/L.2 revised: Rev.1",
        ], "a version finds its draft's story, told in order"
        assert "PDF" in doc and not any(line.startswith("PDF: ") for line in doc), "a link, not a raw URL"
        assert "has not been seen" in said(await ask(s, "/doc A/HRC/61/L.99"))
        assert "for example" in said(await ask(s, "/doc nonsense"))

        (photo,) = await ask(s, "/vote A/HRC/61/L.5")
        assert photo.method == "sendPhoto" and photo.files["photo"].startswith(b"\x89PNG")
        assert "In favour 20, against 7, abstaining 20" in parse_html(photo.params["caption"])
        assert "No recorded vote" in said(await ask(s, "/vote A/HRC/61/L.77"))

        session = said(await ask(s, "/session 61"))
        assert "Session 61: 3 drafts" in session
        assert "A/HRC/61/L.1 — Situation of human rights in Belarus (adopted by a recorded vote)" in session
        assert "A/HRC/60/L.3" not in session


async def test_follow_unfollow_following(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch, interactive=True) as s:
        assert "Following country Belarus" in said(await ask(s, "/follow belarus"))
        assert "Following document A/HRC/61/L.13" in said(await ask(s, "/follow A/HRC/61/L.13/Rev.1"))
        assert "Following words freedom of expression" in said(await ask(s, "/follow freedom of expression"))
        assert "already follow" in said(await ask(s, "/follow Belarus"))
        listing = said(await ask(s, "/following"))
        assert "1. Belarus (country)" in listing and "3. freedom of expression (words)" in listing
        assert "Stopped following Belarus" in said(await ask(s, "/unfollow 1"))
        assert [f.label for f in s.notifier.follows.of(USER)] == ["A/HRC/61/L.13", "freedom of expression"]
        s.apply([draft(13, "Freedom of opinion and expression")])
        await s.drain_all()
        (dm,) = s.fake.sent(USER)[-1:]
        assert "You follow A/HRC/61/L.13, freedom of expression" in parse_html(dm.text)
        assert "Stopped following" in said(await ask(s, "/unfollow all"))
        assert s.notifier.follows.of(USER) == []


async def test_operator_commands_refused_to_strangers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with telegram_setup(tmp_path, monkeypatch, interactive=True) as s:
        seed(s)
        controls = s.runtime.controls
        assert isinstance(controls, FakeControls)
        for command in ("/status", "/pause drafts", "/resume drafts", "/poll"):
            assert "for the operators" in said(await ask(s, command, user=STRANGER))
        assert controls.calls == []

        status = said(await ask(s, "/status", user=ADMIN))
        assert (
            "drafts: ok, 4 items" in status
            and "votes: ok, 1 item," in status
            and "telegram: 0 sent, 6 pending" in status
        )
        assert "Source drafts paused" in said(await ask(s, "/pause drafts", user=ADMIN))
        assert "Source drafts resumed" in said(await ask(s, "/resume drafts", user=ADMIN))
        assert "drafts: read, 12 items, 2 new alerts" in said(await ask(s, "/poll", user=ADMIN, replies=2))
        assert controls.calls == [("pause", "drafts"), ("resume", "drafts"), ("poll", None)]


async def test_commands_in_groups_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with telegram_setup(tmp_path, monkeypatch, interactive=True) as s:
        s.fake.command("/status", ADMIN, chat_type="group")
        s.fake.command("/help", USER)
        await s.fake.wait_for(lambda fake: len(fake.sent(USER)) == 1)
        assert s.fake.sent(ADMIN) == []
