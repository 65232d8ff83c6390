"""How a vote becomes an item: one key per vote, whichever source reports it."""

from __future__ import annotations

from watchers.base import Item
from watchers.symbols import parse_symbol
from watchers.votes.countries import normalise
from watchers.votes.model import Vote

PRESS, OFFICIAL_TALLIES, ROLL_CALL = 0, 1, 2
MAX_KEY_TITLE = 200


def normalised_title(title: str) -> str:
    """Lower case, accents and punctuation dropped, a leading "the" dropped: how a title is keyed."""
    words = normalise(title).replace(",", " ").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)[:MAX_KEY_TITLE]


def title_vote_key(session: str | None, title: str) -> str:
    """ "vote:title:S-34:deteriorating human rights situation in ukraine ..." for a vote named only by title
    (session "unknown" when neither the text nor the date tells it)."""
    return f"vote:title:{session or 'unknown'}:{normalised_title(title)}"


def vote_item(vote: Vote, authority: int = PRESS) -> Item | None:
    """Keyed by the draft symbol when known (what reports name on the day of the vote), else the adopted
    one, else (a vote reported by title only) by session and title; the poller re-keys an adopted-only
    or title-only vote to its draft when the store knows it (watchers.votes.title_match.match_draft).

    No item for an impossible result (checks["plausible"] False: "99-88-77", "0-0-0"): the warning stays
    with the vote, nothing is published as a fact. `authority` ranks the sources of one vote: the official
    roll-call outranks OHCHR's stated tallies, which outrank a press report, whichever arrived first
    (see Item in watchers/base.py); country lists in a press report do not make it an official roll-call.
    """
    if vote.checks.get("plausible") is False:
        return None
    symbol = parse_symbol(vote.draft_symbol or vote.symbol or "")
    if symbol is not None:
        key = f"vote:{symbol.normalised}"
    elif vote.title and normalised_title(vote.title):
        key = title_vote_key(vote.session, vote.title)
    else:
        return None
    rank = ROLL_CALL if vote.roll_call and authority >= OFFICIAL_TALLIES else authority
    return Item(key=key, kind="vote", fields={**vote.to_json(), "authority": rank})
