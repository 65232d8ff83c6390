"""All 1,437 real OHCHR "action taken" strings, against the official record.

The record is the shipped history (state/data: the OHCHR Search Library roll-calls). Every row whose
tallies disagree with it must be a source error listed, with its reason, in
fixtures/votes/action_text_source_errors.csv; nothing else may disagree.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from state.vote_history import VoteHistory
from watchers.votes.action_text import parse_action_text

FIXTURES = Path(__file__).parent / "fixtures" / "votes"


def _record() -> dict[str, tuple[int, int, int]]:
    return {v.key_symbol: v.tallies() for v in VoteHistory().shipped() if v.key_symbol}  # type: ignore[misc]


def _symbols(adopted_text: str) -> list[str]:
    text = adopted_text.strip()
    return [text] if text.startswith("A/HRC/") else [f"A/HRC/RES/{text}", f"A/HRC/DEC/{text}"]


@pytest.fixture(scope="module")
def comparison() -> dict[str, list[str]]:
    record = _record()
    out: dict[str, list[str]] = {"agree": [], "disagree": [], "not_in_record": [], "no_tallies": []}
    with (FIXTURES / "dw_unhrc_resolutions_action_taken.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1437
    for row in rows:
        result = parse_action_text(row["action_taken"])
        official = next((record[s] for s in _symbols(row["adopted_text"]) if s in record), None)
        if result.yes is None:
            out["no_tallies"].append(row["adopted_text"])
        elif official is None:
            out["not_in_record"].append(row["adopted_text"])
        elif (result.yes, result.no, result.abstain) == official:
            out["agree"].append(row["adopted_text"])
        else:
            out["disagree"].append(row["adopted_text"].strip())
    return out


def test_every_disagreement_is_a_listed_source_error(comparison: dict[str, list[str]]) -> None:
    with (FIXTURES / "action_text_source_errors.csv").open(encoding="utf-8") as f:
        listed = {row["adopted_text"]: row for row in csv.DictReader(f)}
    assert all(row["reason"].strip() for row in listed.values())
    print(
        f"\naction texts: {len(comparison['agree'])} agree with the record, "
        f"{len(comparison['disagree'])} are source errors, {len(comparison['not_in_record'])} have tallies "
        f"but no record, {len(comparison['no_tallies'])} state no tallies"
    )
    assert sorted(comparison["disagree"]) == sorted(listed)
    assert len(comparison["agree"]) == 366


def test_listed_errors_say_what_the_page_says() -> None:
    with (FIXTURES / "action_text_source_errors.csv").open(encoding="utf-8") as f:
        listed = {row["adopted_text"]: row["action_text_says"] for row in csv.DictReader(f)}
    with (FIXTURES / "dw_unhrc_resolutions_action_taken.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["adopted_text"].strip() in listed:
                result = parse_action_text(row["action_taken"])
                assert f"{result.yes}-{result.no}-{result.abstain}" == listed[row["adopted_text"].strip()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Adopted by a recorded vote (23 to 11, with 13), 41st meeting, 27 September 2019", (23, 11, 13)),
        (
            "Adopted as orally revised by a recorded vote (33 to 13, with no abstentions), 40th meeting",
            (33, 13, 0),
        ),
        ("Adopted on  17 June 2011[32 in  favour, 14  against, no abstentions]", (32, 14, 0)),
        (
            "Rejected by a recorded vote (18 to 21, with 7 abstentions), 41st meeting, 7 October 2021",
            (18, 21, 7),
        ),
    ],
)
def test_forms_of_the_third_figure(text: str, expected: tuple[int, int, int]) -> None:
    result = parse_action_text(text)
    assert (result.yes, result.no, result.abstain) == expected
