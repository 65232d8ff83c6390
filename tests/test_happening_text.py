"""What a happening says, in the words every channel uses (bot/happening_text.py).

The facts come from real item shapes through state/reports.py, as the store records them.
"""

from __future__ import annotations

from typing import Any

from bot.happening_text import HappeningText, tell
from state.reports import combined, reports_of
from watchers.symbols import document_fields, parse_symbol


def doc(symbol: str, **extra: Any) -> dict[str, Any]:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    return {**document_fields(parsed), **extra}


def told(
    key: str, kind: str, fields: dict[str, Any], anchor: str, label: str = "", official: bool = False
) -> list[HappeningText]:
    story = {"anchor": anchor, "title": fields.get("title") or "", "session": None}
    reports = combined(reports_of(key, kind, fields))
    return [tell(k, story, facts, label, official) for (k, _), facts in reports.items()]


def test_a_revision_addendum_and_corrigendum_name_the_draft_they_belong_to():
    (rev,) = told(
        "A/HRC/43/L.13/Rev.1", "document", doc("A/HRC/43/L.13/Rev.1", title="Right to food"), "A/HRC/43/L.13"
    )
    assert rev.headline == "A/HRC/43/L.13 revised: Rev.1"
    assert rev.lines == ("Right to food", "A/HRC/43/L.13/Rev.1 replaces A/HRC/43/L.13")
    (add,) = told("A/HRC/55/L.2/Add.1", "document", doc("A/HRC/55/L.2/Add.1"), "A/HRC/55/L.2")
    assert add.headline == "Addendum to A/HRC/55/L.2: A/HRC/55/L.2/Add.1"
    (corr,) = told("A/HRC/55/L.2/Corr.1", "document", doc("A/HRC/55/L.2/Corr.1"), "A/HRC/55/L.2")
    assert corr.headline == "Corrigendum to A/HRC/55/L.2: A/HRC/55/L.2/Corr.1"
    (new,) = told(
        "A/HRC/55/L.7",
        "document",
        doc("A/HRC/55/L.7", sponsors=["Pakistan (on behalf of the OIC)"]),
        "A/HRC/55/L.7",
    )
    assert new.headline == "New draft A/HRC/55/L.7"
    assert new.lines == ("Sponsors: Pakistan (on behalf of the OIC)",), "sponsors as prose, not a list repr"


def test_a_rejection_says_so_with_its_tallies_and_never_none():
    fields = {
        "draft_symbol": "A/HRC/48/L.11",
        "outcome": "rejected",
        "yes": 18,
        "no": 21,
        "abstain": None,
        "checks": {"source": "x", "tallies": "stated"},
    }
    (action,) = told("vote:A/HRC/48/L.11", "vote", fields, "A/HRC/48/L.11", "the UN Geneva meeting summary")
    assert action.headline == "A/HRC/48/L.11 rejected by a recorded vote: 18-21-?"
    assert "In favour 18, against 21, abstaining not stated" in action.lines
    assert "Source: the UN Geneva meeting summary (press report, not official yet)" in action.lines
    assert "None" not in " ".join((action.headline, *action.lines))


def test_a_vote_on_a_text_named_only_by_title_is_reported_as_such():
    fields = {
        "title": "the situation of human rights in the Syrian Arab Republic",
        "outcome": "adopted",
        "yes": 27,
        "no": 2,
        "abstain": 18,
    }
    (action,) = told(
        "vote:title:34:situation of human rights in the syrian arab republic",
        "vote",
        fields,
        "vote:title:34:situation of human rights in the syrian arab republic",
    )
    assert action.headline == (
        "Vote reported for a text on the situation of human rights in the Syrian Arab Republic: "
        "adopted by a recorded vote, 27-2-18"
    )


def test_an_official_roll_call_names_the_members_by_their_vote():
    fields = {
        "draft_symbol": "A/HRC/61/L.14",
        "symbol": "A/HRC/RES/61/26",
        "outcome": "adopted",
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "roll_call": {"ALB": "yes", "CHN": "no", "GBR": "yes"},
        "authority": 2,  # an official roll-call (watchers.votes.items)
    }
    action, roll_call = told(
        "vote:A/HRC/61/L.14", "vote", fields, "A/HRC/61/L.14", "the OHCHR Search Library", True
    )
    assert action.headline == "A/HRC/61/L.14 adopted by a recorded vote: 2-1-0"
    assert "Adopted as resolution A/HRC/RES/61/26" in action.lines
    assert roll_call.headline == "How each member voted on A/HRC/RES/61/26 (2-1-0)"
    assert "In favour (2): Albania, United Kingdom of Great Britain and Northern Ireland" in roll_call.lines
    assert "Against (1): China" in roll_call.lines
    assert "Source: the OHCHR Search Library (official record)" in roll_call.lines


def test_an_action_without_a_vote_and_a_withdrawal():
    adopted = doc(
        "A/HRC/61/L.20/Rev.1",
        title="Right to food",
        status="adopted_without_vote",
        resolution="A/HRC/RES/61/40",
        action_date="2026-03-31",
        meeting=40,
    )
    texts = told("A/HRC/61/L.20/Rev.1", "document", adopted, "A/HRC/61/L.20")
    action = next(t for t in texts if "adopted" in t.headline)
    assert action.headline == "A/HRC/61/L.20/Rev.1 adopted without a vote"
    assert action.lines == (
        "Right to food",
        "Adopted as resolution A/HRC/RES/61/40",
        "Taken at the 40th meeting on 31 March 2026",
    )
    withdrawn = doc("A/HRC/61/L.21", status="withdrawn")
    assert "A/HRC/61/L.21 withdrawn" in [
        t.headline for t in told("A/HRC/61/L.21", "document", withdrawn, "A/HRC/61/L.21")
    ]


def test_a_meeting_going_live_and_its_webcast_link():
    fields = {
        "title": "29th Meeting - 61st Session",
        "live": True,
        "url": "https://webtv.un.org/en/asset/k1a",
        "start_utc": "2026-03-30T13:00:00+00:00",
    }
    (text,) = told("meeting:k1a", "meeting", fields, "meeting:k1a")
    assert text.headline == "Live now: 29th Meeting - 61st Session"
    assert text.lines == ("Started 30 March 2026, 13:00 UTC",)
    assert text.links == (("Webcast", "https://webtv.un.org/en/asset/k1a"),)
    assert told("meeting:k1a", "meeting", {**fields, "live": False}, "meeting:k1a") == [], (
        "scheduled: no news"
    )
