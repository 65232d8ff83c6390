"""Joining a vote reported by title to its draft: real press wordings against the record's titles.

The drafts of a session are the record's titles of that session (the 974 shipped votes): a summary's
wording of a title (read by the vote reader from a real text in fixtures/votes/real) joins its own text,
and a near miss joins none.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from state.vote_history import VoteHistory
from watchers.votes.title_match import match_draft, title_similarity


@cache
def _session_titles() -> dict[str, list[tuple[str, str]]]:
    by_session: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for vote in VoteHistory().shipped():
        if vote.session and vote.title and vote.symbol:
            by_session[vote.session].append((vote.symbol, vote.title))
    return by_session


@pytest.mark.parametrize(
    ("session", "reported", "official"),
    [
        ("38", "Special Rapporteur on the situation of human rights in Belarus", "A/HRC/RES/38/14"),
        ("38", "Human rights situation in Syria", "A/HRC/RES/38/16"),
        (
            "54",
            "Responding to the human rights and humanitarian crisis caused by the ongoing armed conflict "
            "in Sudan",
            "A/HRC/RES/54/2",
        ),
        (
            "S-34",
            "Deteriorating human rights situation in Ukraine stemming from the Russian aggression",
            "A/HRC/RES/S-34/1",
        ),
        ("34", "Situation of human rights in Iran", "A/HRC/RES/34/23"),
        (
            "S-11",
            "Assistance to Sri Lanka in the promotion and protection of human rights",
            "A/HRC/RES/S-11/1",
        ),
        (
            "45",
            "Situation of human rights in Belarus in the run up to the 2020 presidential election and its "
            "aftermath",
            "A/HRC/RES/45/1",
        ),
        (
            "53",
            "Mandate of the Independent Expert on human rights and international solidarity",
            "A/HRC/RES/53/5",
        ),
        ("55", "Human rights in the Syrian Arab Republic", "A/HRC/RES/55/22"),
    ],
)
def test_a_press_wording_joins_its_own_text(session: str, reported: str, official: str) -> None:
    assert match_draft(reported, _session_titles()[session]) == official


@pytest.mark.parametrize(
    ("session", "reported"),
    [
        ("45", "Situation of human rights in Burundi in the run up to the 2020 presidential election"),
        ("23", "Situation of human rights in the Syrian Arab Republic"),
        ("34", "Commission of Inquiry on the Syrian Arab Republic"),
    ],
)
def test_a_near_miss_joins_no_draft(session: str, reported: str) -> None:
    """Session 23 voted on two Syria texts with near titles; 45 on Belarus and Burundi; 34's Commission of
    Inquiry wording is too far from "The human rights situation in the Syrian Arab Republic" to be sure.
    (55: the Syrian Arab Republic's text, not the occupied Syrian Golan's, is joined above.)"""
    assert match_draft(reported, _session_titles()[session]) is None


def test_different_states_never_match() -> None:
    assert (
        title_similarity("Situation of human rights in Belarus", "Situation of human rights in Burundi") == 0
    )
    assert (
        title_similarity("Human rights in the occupied Syrian Golan", "Situation of human rights in Syria")
        == 0
    )


def test_empty_or_unknown() -> None:
    assert match_draft("Situation of human rights in Belarus", []) is None
    assert match_draft("", _session_titles()["38"]) is None
