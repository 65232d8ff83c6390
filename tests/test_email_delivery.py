"""The email notifier through the real drainer and store, against a real local SMTP server.

Must show: a digest survives an SMTP outage and arrives once, with every event; events are marked
sent only after the server accepted the message, for every recipient.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.notifiers.email import META_OPEN, EmailNotifier, latest_slot
from tests.email_support import (
    ALICE,
    BOB,
    GENEVA,
    MORNING,
    add_notices,
    draft,
    drain,
    geneva,
    make_notifier,
    pending,
    vote,
)
from tests.smtp_fixtures import SmtpServer, free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def notifier(tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> EmailNotifier:
    return make_notifier(tmp_path, smtp_server, monkeypatch)


def symbols_in(msg: EmailMessage) -> list[str]:
    body = msg.get_body(("plain",))
    assert body is not None
    return sorted(set(re.findall(r"A/HRC/\d+/L\.\d+", body.get_content())))


async def test_digest_waits_for_its_hour_and_goes_once(notifier: EmailNotifier, smtp_server: SmtpServer):
    store = notifier.runtime.store
    add_notices(store, [draft(1, "The right to food"), draft(2, "Safety of journalists")])
    report = await drain(notifier, MORNING)
    assert report.sent == 2 and report.error == ""
    [msg] = smtp_server.handler.messages_to(ALICE)
    assert symbols_in(msg) == ["A/HRC/61/L.1", "A/HRC/61/L.2"]
    assert "2 new drafts" in msg["Subject"]

    add_notices(store, [draft(3, "Rights of the child")])
    for later in (geneva(1, 12), geneva(1, 23, 59), geneva(2, 7, 59)):
        report = await drain(notifier, later)
        assert report.sent == 0 and pending(store) == 1, f"not due at {later}"
    assert len(smtp_server.handler.received) == 1

    report = await drain(notifier, geneva(2, 8, 0))
    assert report.sent == 1
    assert symbols_in(smtp_server.handler.received[-1].message) == ["A/HRC/61/L.3"]
    assert (await drain(notifier, geneva(2, 9))).sent == 0
    assert len(smtp_server.handler.received) == 2


async def test_no_mail_when_nothing_is_new(notifier: EmailNotifier, smtp_server: SmtpServer):
    assert (await drain(notifier, MORNING)).error == ""
    assert smtp_server.handler.received == []
    notifier.config = dataclasses.replace(notifier.config, send_empty=True)
    await drain(notifier, geneva(2, 8, 1))
    [msg] = smtp_server.handler.messages_to(ALICE)
    assert "nothing new" in msg["Subject"]
    await drain(notifier, geneva(2, 9))
    assert len(smtp_server.handler.received) == 1, "one notice per slot"


async def test_a_backlog_larger_than_one_batch_goes_out_in_consecutive_digests(
    notifier: EmailNotifier, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("bot.notifiers.email.DRAIN_BATCH", 3)
    store = notifier.runtime.store
    add_notices(store, [draft(n, f"Draft number {n}") for n in range(1, 6)])
    monkeypatch.setattr(
        store,
        "pending",
        lambda channel, now, limit=3, skip=(): type(store).pending(store, channel, now, 3, skip),
    )
    assert (await drain(notifier, MORNING)).sent == 5, "the drainer goes on batch after batch"
    assert (await drain(notifier, MORNING + timedelta(minutes=1))).sent == 0
    assert [len(symbols_in(m)) for m in smtp_server.handler.messages_to(ALICE)] == [3, 2]


async def test_operator_events_alone_send_nothing_when_notes_are_off(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
):
    notifier = make_notifier(tmp_path, smtp_server, monkeypatch, operator_notes=False)
    store = notifier.runtime.store
    for _ in range(3):
        store.record_failure("un-feed", MORNING, "timeout", "read timed out")
    assert pending(store) == 1
    assert (await drain(notifier, MORNING)).sent == 1
    assert smtp_server.handler.received == [] and pending(store) == 0


async def test_digest_survives_an_outage_and_arrives_once_with_every_event(
    notifier: EmailNotifier, smtp_server: SmtpServer
):
    store = notifier.runtime.store
    live = notifier.config
    notifier.config = dataclasses.replace(live, port=free_port())  # nothing listens: the server is down
    add_notices(store, [draft(n, f"Draft number {n}") for n in range(1, 6)])
    for minutes in (0, 5):
        report = await drain(notifier, MORNING + timedelta(minutes=minutes))
        assert "connection refused" in report.error and report.sent == 0
    assert pending(store) == 5 and smtp_server.handler.received == []
    add_notices(store, [draft(6, "Arrived during the outage")])

    notifier.config = live  # the server is back
    report = await drain(notifier, MORNING + timedelta(minutes=30))
    assert report.sent == 5 and report.error == ""
    [first] = smtp_server.handler.messages_to(ALICE)
    assert symbols_in(first) == [f"A/HRC/61/L.{n}" for n in range(1, 6)]
    assert (await drain(notifier, MORNING + timedelta(minutes=45))).sent == 0

    await drain(notifier, geneva(2, 8, 0))
    second = smtp_server.handler.messages_to(ALICE)[1]
    assert symbols_in(second) == ["A/HRC/61/L.6"]
    everything = [s for m in smtp_server.handler.messages_to(ALICE) for s in symbols_in(m)]
    assert sorted(everything) == sorted(f"A/HRC/61/L.{n}" for n in range(1, 7)), "each event exactly once"
    assert pending(store) == 0 and store.get_meta(META_OPEN) == ""


async def test_temporary_refusal_retries_only_the_missing_recipient(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
):
    notifier = make_notifier(tmp_path, smtp_server, monkeypatch, recipients=(ALICE, BOB))
    store = notifier.runtime.store
    add_notices(store, [draft(1, "The right to food"), draft(2, "Safety of journalists")])
    smtp_server.handler.fail("rcpt", "451 4.2.1 Mailbox busy", recipient=BOB)
    report = await drain(notifier, MORNING)
    assert "451" in report.error and BOB in report.error and report.sent == 0
    assert len(smtp_server.handler.messages_to(ALICE)) == 1 and smtp_server.handler.messages_to(BOB) == []
    assert pending(store) == 2, "not marked sent until every recipient accepted"

    add_notices(store, [draft(3, "Rights of the child")])
    report = await drain(notifier, MORNING + timedelta(minutes=10))
    assert report.sent == 2 and report.error == ""
    [alice], [bob] = smtp_server.handler.messages_to(ALICE), smtp_server.handler.messages_to(BOB)
    assert alice["X-HRCWatch-Digest"] == bob["X-HRCWatch-Digest"]
    assert symbols_in(bob) == ["A/HRC/61/L.1", "A/HRC/61/L.2"], "the same events, not split"
    assert pending(store) == 1


async def test_permanent_refusal_does_not_hold_up_the_others(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    notifier = make_notifier(tmp_path, smtp_server, monkeypatch, recipients=(BOB, ALICE))
    add_notices(notifier.runtime.store, [draft(1, "The right to food")])
    smtp_server.handler.fail("rcpt", "550 5.1.1 No such user", recipient=BOB)
    with caplog.at_level(logging.ERROR, logger="hrcwatch.email"):
        report = await drain(notifier, MORNING)
    assert report.sent == 1 and report.error == ""
    assert len(smtp_server.handler.messages_to(ALICE)) == 1
    assert any("550" in r.getMessage() and BOB in r.getMessage() for r in caplog.records)


async def test_dropped_connection_and_refused_auth_are_retried(
    notifier: EmailNotifier, smtp_server: SmtpServer
):
    add_notices(notifier.runtime.store, [draft(1, "The right to food")])
    smtp_server.handler.fail("data", drop=True)
    assert "closed the connection" in (await drain(notifier, MORNING)).error
    smtp_server.handler.fail("auth", times=2)
    assert "authentication refused" in (await drain(notifier, MORNING + timedelta(minutes=1))).error
    assert smtp_server.handler.received == []
    assert (await drain(notifier, MORNING + timedelta(minutes=2))).sent == 1
    assert len(smtp_server.handler.received) == 1


async def test_vote_chart_travels_inline(notifier: EmailNotifier, smtp_server: SmtpServer):
    item = vote(4, "Situation of human rights in Belarus", 23, 16, 8)
    roll_call = {"DEU": "yes", "FRA": "yes", "CHN": "no", "IND": "abstain", "BRA": "abstain"}
    item = dataclasses.replace(item, fields={**item.fields, "roll_call": roll_call, "authority": 2})
    add_notices(notifier.runtime.store, [item])
    assert (await drain(notifier, MORNING)).sent == 2, "the vote and its roll-call, in one digest"
    [msg] = smtp_server.handler.messages_to(ALICE)
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    html_part = msg.get_body(("html",))
    assert html_part is not None
    assert f"cid:{images[0]['Content-ID'].strip('<>')}" in html_part.get_content()


def test_slots_daily_and_hourly_on_action_days():
    action = date(2026, 3, 31)
    at = lambda d, h, m: geneva(0, 0).replace(year=d.year, month=d.month, day=d.day, hour=h, minute=m)  # noqa: E731
    day_before = date(2026, 3, 30)
    assert latest_slot(at(day_before, 7, 59), "08:00", GENEVA, frozenset()) == at(date(2026, 3, 29), 8, 0)
    assert latest_slot(at(day_before, 8, 0), "08:00", GENEVA, frozenset()) == at(day_before, 8, 0)
    assert latest_slot(at(day_before, 23, 0), "08:00", GENEVA, frozenset({action})) == at(day_before, 8, 0)
    assert latest_slot(at(action, 15, 30), "08:00", GENEVA, frozenset({action})) == at(action, 15, 0)
    assert latest_slot(at(action, 0, 10), "08:30", GENEVA, frozenset({action})) == at(day_before, 8, 30)
    assert latest_slot(at(date(2026, 4, 1), 3, 0), "08:00", GENEVA, frozenset({action})) == at(action, 23, 0)


async def test_hourly_digests_on_action_days(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
):
    tomorrow = MORNING.date().isoformat()
    notifier = make_notifier(tmp_path, smtp_server, monkeypatch, action_days=(tomorrow,))
    store = notifier.runtime.store
    add_notices(store, [draft(1, "The right to food")])
    assert (await drain(notifier, MORNING)).sent == 1
    add_notices(store, [draft(2, "Safety of journalists")])
    assert (await drain(notifier, MORNING + timedelta(minutes=20))).sent == 0
    assert (await drain(notifier, MORNING + timedelta(minutes=31))).sent == 1
