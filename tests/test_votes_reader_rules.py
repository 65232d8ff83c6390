"""The reader's rules, each on the real texts that confirm it (tests/fixtures/votes/real, .src.txt beside)."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchers.votes.checks import finish
from watchers.votes.chrome import strip_chrome
from watchers.votes.countries import members
from watchers.votes.dates import meeting_date
from watchers.votes.items import title_vote_key, vote_item
from watchers.votes.model import Vote
from watchers.votes.parse_text import parse_vote_text, parse_vote_texts
from watchers.votes.sessions import session_in_words, session_on

REAL = Path(__file__).parent / "fixtures" / "votes" / "real"


def _real(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def _votes(name: str) -> list[Vote]:
    return parse_vote_texts(_real(name))


def test_one_vote_per_resolution_paragraph() -> None:
    votes = _votes("ohchr_2017-03-24_HRC34_midday_syria_racism.txt")
    assert [v.tallies() for v in votes] == [(27, 7, 13), (46, 1, 0)]
    assert votes[0].title == "Commission of Inquiry on the Syrian Arab Republic"
    assert votes[1].title is not None and votes[1].title.startswith("Intergovernmental Working Group")
    summary = _votes("ungeneva_2018-07-06_HRC38_six_res.txt")
    assert [v.tallies() for v in summary] == [(19, 6, 21), (26, 5, 15)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tiatira_2022-10-06_HRC51_xinjiang_rejected.txt", (17, 19, 11)),
        ("almayadeen_2021-10-07_HRC48_yemen_rejected.txt", (18, 21, 7)),
        ("thehill_2021-10-07_HRC48_yemen_21-18.txt", (18, 21, None)),
        ("defencepk_2022-10-06_HRC51_xinjiang_19-17.txt", (17, 19, 11)),
    ],
)
def test_rejected_drafts(name: str, expected: tuple) -> None:
    (vote,) = _votes(name)
    assert vote.tallies() == expected
    assert vote.outcome == "rejected"


def test_history_in_the_same_text_is_not_a_vote() -> None:
    """ "In resolution on Sri Lanka last year 24 voted for ..." and "Last year, ..., 22 voted in favor"."""
    assert [v.tallies() for v in _votes("lankabusinessonline_2013-03-22_HRC22-1_lists.txt")] == [(25, 13, 8)]
    assert [v.tallies() for v in _votes("almayadeen_2021-10-07_HRC48_yemen_rejected.txt")] == [(18, 21, 7)]


def test_lists_before_their_labels() -> None:
    (lbo,) = _votes("lankabusinessonline_2013-03-22_HRC22-1_lists.txt")
    assert lbo.counted()["yes"] == 25 and lbo.counted()["no"] == 13 and lbo.counted()["abstain"] == 8
    (mission,) = _votes("lankamission_2013-03-21_HRC22-1_which_opposed.txt")
    assert mission.roll_call["VEN"] == "no" and mission.roll_call["MYS"] == "abstain"
    assert mission.roll_call["GAB"] == "not_voting"
    assert mission.yes == 25, "supported by 25 countries"
    (iran,) = _votes("united4iran_2011-03-24_HRC16_iran_lists.txt")
    assert iran.counted()["yes"] == 21 and iran.roll_call["RUS"] == "no"
    assert "korea" in iran.unrecognised, "'Korea' alone names neither Korea: reported, not guessed"
    assert "PAK" in iran.roll_call and iran.roll_call["PAK"] == "no"


def test_counts_above_numbered_lists() -> None:
    (vote,) = _votes("onlanka_2022-10-06_HRC51-1_numbered_lists.txt")
    assert vote.tallies() == (20, 7, 20)
    assert vote.counted()["yes"] == 20 and vote.counted()["no"] == 7 and vote.counted()["abstain"] == 20
    assert vote.symbol is None and vote.draft_symbol is None, "A/HRC/51/5 is a report, not this text"
    assert vote.outcome == "adopted", (
        "'Sri Lanka has categorically rejected the resolution' is not the outcome"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Council decided by a recorded vote of 23 to 19 with 3 abstentions:", (23, 19, 3)),
        ("decided by a recorded vote of 32 to 12, with 1 abstention:", (32, 12, 1)),
        ("by a vote of 46 in favour, one against and no abstentions", (46, 1, 0)),
        ("The resolution was supported by 33 delegations, with 12 against and 2 abstaining.", (33, 12, 2)),
        ("The Council voted 19-17 against the move. Eleven countries abstained.", (17, 19, 11)),
    ],
)
def test_prose_forms(text: str, expected: tuple) -> None:
    assert parse_vote_text(text).tallies() == expected


def test_named_states_before_their_vote() -> None:
    vote = parse_vote_text(
        "Adopted by 30 in favour, 2 against and 15 abstentions. China and Eritrea voted against. "
        "Delegations of Armenia, Kazakhstan and Nepal abstained."
    )
    assert dict(vote.roll_call) == {
        "CHN": "no",
        "ERI": "no",
        "ARM": "abstain",
        "KAZ": "abstain",
        "NPL": "abstain",
    }


@pytest.mark.parametrize(
    ("name", "published", "expected"),
    [
        ("ohchr_2017-03-24_HRC34_midday_syria_racism.txt", None, "2017-03-24"),
        ("ohchr_2009-05-27_S11_srilanka.txt", None, "2009-05-27"),
        ("ishr_2009-10-16_S12_partial_lists.txt", None, "2009-10-16"),
        ("rightdocs_A-HRC-DEC-4-103_prose.txt", None, "2007-03-30"),
        ("ungeneva_2026-01_S39_iran.txt", None, None),
        ("lankabusinessonline_2013-03-22_HRC22-1_lists.txt", None, None),
        ("ungeneva_2019-03-22_HRC40_closing.txt", None, None),
        ("ungeneva_2022-05-12_S34_ukraine.txt", "2022-05-12T16:00:00+00:00", "2022-05-12"),
    ],
)
def test_the_meeting_date_never_a_date_mentioned(
    name: str, published: str | None, expected: str | None
) -> None:
    assert meeting_date(strip_chrome(_real(name)), published) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ungeneva_2022-05-12_S34_ukraine.txt", "S-34"),
        ("ohchr_2009-05-27_S11_srilanka.txt", "S-11"),
        ("ungeneva_2026-01_S39_iran.txt", "S-39"),
        ("iranhrc_2014-03-28_HRC25_iran_lists.txt", "25"),
        ("ungeneva_2019-03-22_HRC40_closing.txt", "40"),
        ("ohchr_2017-03-24_HRC34_midday_syria_racism.txt", None),
    ],
)
def test_the_session_in_words_never_one_mentioned(name: str, expected: str | None) -> None:
    """ "requesting it to present an oral update at the Council's thirty-fifth session" is not session 35."""
    assert session_in_words(_real(name)) == expected


def test_session_from_the_record_s_voting_days() -> None:
    assert session_on("2017-03-24") == "34"
    assert session_on("2022-05-12") == "S-34"
    assert session_on("2026-01-23") is None, "past the record: unknown"


def test_chrome_is_not_a_title() -> None:
    text = strip_chrome(_real("ungeneva_2022-05-12_S34_ukraine.txt"))
    assert "Перейти" not in text and "Meeting Summaries" not in text
    (vote,) = parse_vote_texts(_real("ungeneva_2022-05-12_S34_ukraine.txt"))
    assert (
        vote.title == "Deteriorating human rights situation in Ukraine stemming from the Russian aggression"
    )
    assert vote.session == "S-34"


def test_the_text_s_own_symbol_not_a_cited_one() -> None:
    (vote,) = _votes("rightdocs_A-HRC-DEC-4-103_prose.txt")
    assert vote.symbol == "A/HRC/DEC/4/103" and vote.draft_symbol is None
    assert vote.title == "Human rights and unilateral coercive measures"


@pytest.mark.parametrize(
    "text",
    [
        "The Council adopted the resolution by 99 in favour, 88 against and 77 abstentions.",
        "The resolution was adopted by a vote of 0 in favour, 0 against.",
        "The Council adopted it by a vote of 30 in favour, 15 against and 12 abstentions.",
    ],
)
def test_an_impossible_result_is_not_a_vote(text: str) -> None:
    vote = parse_vote_text(text)
    assert vote.checks["plausible"] is False
    assert any(w.startswith("not a possible result") for w in vote.warnings)
    assert vote_item(vote) is None


def test_adopted_with_no_majority_is_a_warning_not_a_fact() -> None:
    vote = parse_vote_text(
        "The Council adopted the text by a vote of 17 in favour, 19 against and 11 abstentions."
    )
    assert vote.outcome is None
    assert any("says adopted but the tallies" in w for w in vote.warnings)


def test_a_figure_not_given_stays_none() -> None:
    (vote,) = _votes("thehill_2021-10-07_HRC48_yemen_21-18.txt")
    data = vote.to_json()
    assert data["abstain"] is None and data["non_voting"] is None
    assert "None" not in repr([v for k, v in data.items() if isinstance(v, str)])


def test_seats_of_the_session() -> None:
    """Session 38 had 46 members after the US withdrawal: 47 tallies there is impossible."""
    vote = finish(Vote(session="38", outcome="adopted"), {"yes": 26, "no": 6, "abstain": 15})
    assert vote.checks["plausible"] is False
    assert finish(Vote(session="37"), {"yes": 26, "no": 6, "abstain": 15}).checks["plausible"] is True


def test_membership_of_sessions_without_a_recorded_vote() -> None:
    assert members("S-31") == members("S-30") == members("S-33")
    assert members("5") is None, "sessions 4 and 6 had different members: unknown"
    assert members("58") is None
    vote = finish(Vote(session="58", roll_call={"CHN": "no"}), {"yes": 20, "no": 7})
    assert vote.checks["membership"] == "not checked: membership unknown for session 58"


def test_title_only_vote_key() -> None:
    (vote,) = _votes("ungeneva_2022-05-12_S34_ukraine.txt")
    item = vote_item(vote)
    assert item is not None
    assert item.key == title_vote_key(
        "S-34", "the deteriorating human rights situation in Ukraine stemming from the Russian aggression"
    )
    assert (
        item.key
        == "vote:title:S-34:deteriorating human rights situation in ukraine stemming from the russian "
        "aggression"
    )
    assert item.fields["title"] and item.fields["checks"]["session"] == "S-34"
    (unknown,) = _votes("ungeneva_2026-01_S39_iran.txt")
    no_session = vote_item(unknown.with_changes(session=None))
    assert no_session is not None and no_session.key.startswith("vote:title:unknown:")


def test_a_text_gives_at_most_a_hundred_votes() -> None:
    """SYNTHETIC: 150 resolution paragraphs in the UN summaries' wording (a real session has fewer than 50
    votes); the first hundred are read, each with its own tallies."""
    text = "".join(
        f"In a resolution on topic number {i}, adopted by a vote of {20 + i % 5} in favour, {i % 7} against "
        f"and {i % 9} abstentions, the Council decided.\n\n"
        for i in range(150)
    )
    votes = parse_vote_texts(text)
    assert len(votes) == 100
    assert votes[99].tallies() == (24, 1, 0) and votes[99].title == "Topic number 99"
