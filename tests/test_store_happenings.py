"""Stories and happenings (issue 9), on a real store fed by the real watchers with the scenario's pages.

One happening is told once, whichever source reports it first; a later official report of it confirms
it (a "confirmed" notice: channels edit the first post); one that contradicts it is a correction naming
both sources; what is not a happening (a feed scrolling, a second source's wording) tells nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.happening_text import describe
from state.model import Notice
from state.store import Store
from tests.scenario.replay import T0, apply_page, apply_step
from tests.scenario.timeline import Step, timeline

STEPS = timeline(1)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.sqlite3", channels=("console",))


def told(notices: list[Notice]) -> list[tuple[str, str]]:
    return [(n.type, describe(n).headline) for n in notices]


def replay(store: Store, steps: list[Step]) -> list[list[Notice]]:
    out, previous = [], None
    for i, step in enumerate(steps):
        out.append(apply_step(store, step, previous, T0 + timedelta(minutes=10 * i)))
        previous = step
    return out


def test_each_happening_of_a_session_end_is_told_once_in_the_councils_words(store: Store) -> None:
    baseline, tabled, revised, press, ohchr, roll_call = (told(n) for n in replay(store, STEPS))
    assert baseline == []
    assert tabled == [
        ("happening", "New draft A/HRC/61/L.2"),
        ("happening", "New draft A/HRC/61/L.20"),
        ("happening", "New draft A/HRC/61/L.21"),
    ], "a meeting put on the schedule is not a happening"
    assert revised == [
        ("happening", "A/HRC/61/L.20 revised: Rev.1"),
        ("happening", "Live now: 40th Meeting - 61st Session of Human Rights Council"),
    ]
    assert press == [("happening", "A/HRC/61/L.2 adopted by a recorded vote: 28-17-1")]
    assert ohchr == [
        ("happening", "A/HRC/61/L.20/Rev.1 adopted without a vote"),
        (
            "confirmed",
            "Confirmed by the OHCHR session page: A/HRC/61/L.2 adopted by a recorded vote: 28-17-1",
        ),
        ("happening", "A/HRC/61/L.21 withdrawn"),
    ], "the official page confirms the vote the press told, and adds the two other actions"
    assert roll_call == [("happening", "How each member voted on A/HRC/RES/61/6 (28-17-1)")]


def test_the_words_are_prose_with_their_source(store: Store) -> None:
    notices = replay(store, STEPS)
    (press,) = notices[3]
    lines = describe(press).lines
    assert lines[0] == "The negative impact of unilateral coercive measures on the enjoyment of human rights"
    assert "In favour 28, against 17, abstaining 1" in lines
    assert "Source: the UN Geneva meeting summary (press report, not official yet)" in lines
    confirmed = notices[4][1]
    text = describe(confirmed)
    assert "Adopted as resolution A/HRC/RES/61/6" in text.lines
    assert "Taken at the 40th meeting on 31 March 2026" in text.lines
    assert (
        "Source: the UN Geneva meeting summary, confirmed by the OHCHR session page (official record)"
        in text.lines
    )
    everything = "\n".join(
        line for step in notices for n in step for line in (describe(n).headline, *describe(n).lines)
    )
    for leak in ("None", "(none)", "record_url", "['", "{'", "_"):
        assert leak not in everything.replace("A/HRC/", "").replace("http", ""), leak


def test_polling_everything_again_tells_nothing(store: Store) -> None:
    replay(store, STEPS)
    again = replay(store, STEPS)
    assert [n for step in again for n in step] == [], "re-polls and restarts repeat nothing"


def test_a_contradicting_official_tally_is_one_correction_naming_both_sources(store: Store) -> None:
    replay(store, STEPS[:4])
    page = STEPS[4].pages["ohchr-res-dec-stat"].replace("28 to 17, with 1", "27 to 18, with 1")
    notices = apply_page(store, "ohchr-res-dec-stat", page, T0 + timedelta(hours=1))
    corrections = [n for n in notices if n.type == "correction"]
    assert len(corrections) == 1 and not [n for n in notices if n.type == "confirmed"]
    text = describe(corrections[0])
    assert text.headline == "Correction on A/HRC/61/L.2: the OHCHR session page gives 27-18-1"
    assert text.lines[0] == "the UN Geneva meeting summary had reported 28-17-1"


def test_a_press_report_contradicting_the_record_changes_nothing(store: Store) -> None:
    replay(store, STEPS)
    feed = (
        STEPS[5].pages["ungeneva-summaries"].replace("28 in favour, 17 against", "26 in favour, 19 against")
    )
    assert apply_page(store, "ungeneva-summaries", feed, T0 + timedelta(hours=2)) == []


def test_entries_scrolling_off_a_feed_and_back_tell_nothing(store: Store) -> None:
    replay(store, STEPS[:2])
    full = STEPS[1].pages["un-documents"]
    scrolled = full.split("<item>")[0] + "<item>" + full.split("<item>")[-1]  # only the newest entry left
    for minute in range(1, 6):
        assert apply_page(store, "un-documents", scrolled, T0 + timedelta(hours=1, minutes=minute)) == []
    assert apply_page(store, "un-documents", full, T0 + timedelta(hours=2)) == []


def test_a_vote_reported_by_two_sources_before_delivery_is_one_notice(store: Store) -> None:
    replay(store, STEPS[:3])
    press = apply_page(
        store, "ungeneva-summaries", STEPS[3].pages["ungeneva-summaries"], T0 + timedelta(hours=1)
    )
    official = apply_page(
        store, "ohchr-res-dec-stat", STEPS[4].pages["ohchr-res-dec-stat"], T0 + timedelta(hours=1)
    )
    assert [n.type for n in official] == ["happening", "happening"], (
        "the confirmation joined the pending post"
    )
    (pending,) = [
        e.notice for e in store.pending("console", T0 + timedelta(hours=2)) if e.notice.id == press[0].id
    ]
    assert pending.payload["confirmed_by"] == "the OHCHR session page" and pending.payload["official"]


def test_an_adopted_text_first_seen_alone_joins_its_drafts_story(store: Store) -> None:
    replay(store, STEPS[:2])
    session = STEPS[4].pages["ohchr-res-dec-stat"]
    alone = session.replace("<td>A/HRC/61/L.2</td>", "<td></td>")
    first = apply_page(store, "ohchr-res-dec-stat", alone, T0 + timedelta(hours=1))
    assert "A/HRC/RES/61/6 adopted by a recorded vote: 28-17-1" in [describe(n).headline for n in first]
    again = apply_page(store, "ohchr-res-dec-stat", session, T0 + timedelta(hours=2))
    assert [describe(n).headline for n in again] == [], "naming the draft later repeats nothing"
    story = store.story_of("A/HRC/RES/61/6")
    assert story is not None and story.anchor == "A/HRC/61/L.2"
    assert [h.kind for h in store.happenings(story.id)] == ["tabled", "action"]
