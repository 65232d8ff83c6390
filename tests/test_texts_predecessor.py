"""The earlier text of an initiative: the version a revision replaces, or its previous resolution."""

from __future__ import annotations

from state.vote_history import VoteHistory
from watchers.symbols import parse_symbol
from watchers.texts.predecessor import predecessor_resolution, revised_version

TITLE = "Promoting mutually beneficial cooperation in the field of human rights"


def test_a_2020_draft_of_the_initiative_is_compared_with_its_2018_resolution() -> None:
    history = VoteHistory()
    assert predecessor_resolution(TITLE, "43", history) == "A/HRC/RES/37/23"
    assert predecessor_resolution(TITLE.upper() + " ", "46", history) == "A/HRC/RES/43/21"
    assert predecessor_resolution(TITLE, "37", history) is None
    assert predecessor_resolution("A title no initiative ever had", "43", history) is None


def test_texts_the_caller_knows_count_too() -> None:
    """Resolutions adopted without a vote are in no vote history: the store's adopted texts are."""
    known = [("A/HRC/RES/41/7", "Synthetic test title of an initiative adopted without a vote")]
    found = predecessor_resolution(
        "Synthetic test title of an initiative adopted without a vote", "44", VoteHistory(), known
    )
    assert found == "A/HRC/RES/41/7"


def test_a_revision_replaces_the_version_before_it() -> None:
    rev2, rev1, original = (
        parse_symbol(s) for s in ("A/HRC/61/L.13/Rev.2", "A/HRC/61/L.13/Rev.1", "A/HRC/61/L.13")
    )
    assert rev2 and rev1 and original
    assert revised_version(rev2) == rev1 and revised_version(rev1) == original
    assert revised_version(original) is None
