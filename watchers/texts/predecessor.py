"""The earlier text a new one is compared with: the version a revision replaces, or the resolution the
initiative adopted last time.

A revision (Rev.k) replaces Rev.k-1 or the original. A new draft on an initiative is compared with the
initiative's latest resolution from an earlier session: found among the recorded votes (the shipped
2006-2024 history and votes seen since, by the same title rule as vote comparisons: the same or nearly
the same title) and among (symbol, title) pairs the caller knows, such as adopted texts in the store.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from state.vote_history import TITLE_SIMILARITY, VoteHistory, initiative_title
from watchers.symbols import Symbol, parse_symbol


def revised_version(symbol: Symbol) -> Symbol | None:
    """The text a Rev. replaces (Rev.2 -> Rev.1 -> the original); None for anything else."""
    return symbol.revision_of


def _same_initiative(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= TITLE_SIMILARITY)


def _earlier(candidate: Symbol, session: str | None) -> bool:
    if session is None or not session.isdigit() or candidate.is_special_session:
        return True
    return int(candidate.session) < int(session)


def predecessor_resolution(
    title: str,
    session: str | None,
    history: VoteHistory,
    known: Iterable[tuple[str, str]] = (),
) -> str | None:
    """The symbol of the latest resolution of the same initiative adopted before `session`, or None."""
    wanted = initiative_title(title)
    if not wanted:
        return None
    found: dict[str, Symbol] = {}
    pairs = [(v.symbol or "", v.title or "") for v in history.all_votes() if v.outcome == "adopted"]
    for symbol_text, other_title in [*pairs, *known]:
        symbol = parse_symbol(symbol_text)
        if symbol is None or symbol.series != "RES" or not _earlier(symbol, session):
            continue
        if _same_initiative(wanted, initiative_title(other_title)):
            found[symbol.normalised] = symbol
    if not found:
        return None
    return max(found.values(), key=lambda s: (s.session_sort, s.number)).normalised
