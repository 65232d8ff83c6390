"""How a vote becomes an item: one key per vote, whichever source reports it."""

from __future__ import annotations

from watchers.base import Item
from watchers.symbols import parse_symbol
from watchers.votes.model import Vote

PRESS, OFFICIAL_TALLIES, ROLL_CALL = 0, 1, 2


def vote_item(vote: Vote, authority: int = PRESS) -> Item | None:
    """Keyed by the draft symbol when known (what reports name on the day of the vote), else the adopted
    one; the poller re-keys an adopted-only vote to its draft when the store knows the pair.

    `authority` ranks the sources of one vote: the official roll-call outranks OHCHR's stated tallies,
    which outrank a press report, whichever arrived first (see Item in watchers/base.py).
    """
    symbol = parse_symbol(vote.draft_symbol or vote.symbol or "")
    if symbol is None:
        return None
    rank = ROLL_CALL if vote.roll_call else authority
    return Item(key=f"vote:{symbol.normalised}", kind="vote", fields={**vote.to_json(), "authority": rank})
