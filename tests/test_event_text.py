"""What an alert says, in the words every channel uses (bot/event_text.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.event_text import describe
from state.model import Event
from watchers.symbols import document_fields, parse_symbol


def event(kind: str, type_: str, fields: dict, changes: dict | None = None, key: str = "k") -> Event:
    return Event(1, type_, key, kind, "src", fields, changes or {}, datetime(2026, 3, 31, tzinfo=UTC))


def doc_fields(symbol: str, **extra: object) -> dict:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    return {**document_fields(parsed), **extra}


def test_a_revision_addendum_and_corrigendum_name_the_draft_they_belong_to():
    rev = describe(event("document", "new", doc_fields("A/HRC/43/L.13/Rev.1", title="Right to food")))
    assert rev.headline == "A/HRC/43/L.13 revised: Rev.1"
    assert "A/HRC/43/L.13/Rev.1 replaces A/HRC/43/L.13" in rev.lines
    add = describe(event("document", "new", doc_fields("A/HRC/55/L.2/Add.1")))
    assert add.headline == "Addendum to A/HRC/55/L.2: A/HRC/55/L.2/Add.1"
    corr = describe(event("document", "new", doc_fields("A/HRC/55/L.2/Corr.1")))
    assert corr.headline == "Corrigendum to A/HRC/55/L.2: A/HRC/55/L.2/Corr.1"
    assert describe(event("document", "new", doc_fields("A/HRC/55/L.7"))).headline == "New draft A/HRC/55/L.7"


def test_a_status_change_is_the_headline():
    fields = doc_fields("A/HRC/51/L.20", status="rejected_by_vote", action="Rejected by a recorded vote")
    text = describe(event("document", "changed", fields, {"status": (None, "rejected_by_vote")}))
    assert text.headline == "A/HRC/51/L.20 rejected by a recorded vote"
    assert "Rejected by a recorded vote" in text.lines
    assert not any(line.startswith("status:") for line in text.lines), "said once, in words"


def test_a_roll_call_arriving_later_is_said_so():
    fields = {"draft_symbol": "A/HRC/61/L.14", "outcome": "adopted", "yes": 28, "no": 4, "abstain": 15}
    roll_call = {"ALB": "yes", "CHN": "no", "IND": "abstain"}
    text = describe(
        event("vote", "changed", {**fields, "roll_call": roll_call}, {"roll_call": ({}, roll_call)})
    )
    assert text.headline == "A/HRC/61/L.14 adopted (28-4-15)"
    assert text.lines[0] == "Roll-call published: how each of the 3 members voted"


def test_a_meeting_going_live_and_its_webcast_link():
    fields = {
        "title": "29th Meeting - 61st Session",
        "live": True,
        "url": "https://webtv.un.org/en/asset/k1a",
    }
    text = describe(event("meeting", "changed", fields, {"live": (False, True)}))
    assert text.headline == "Live now: 29th Meeting - 61st Session"
    assert text.links == (("Webcast", "https://webtv.un.org/en/asset/k1a"),)
