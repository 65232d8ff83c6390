"""Every recorded HRC vote since 2006, and the change since the last vote on the same initiative.

The 2006-2024 votes ship compressed in state/data (see PROVENANCE.md) and are read on first use;
votes seen since are kept in the bot's SQLite store. An initiative is a run of texts with the same
(or nearly the same) title and the same kind (resolution, decision, amendment) across sessions.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import io
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources

from watchers.symbols import find_symbols, parse_symbol
from watchers.votes.countries import GROUPS, normalise, registry
from watchers.votes.model import Choice, Vote, session_of

TITLE_SIMILARITY = 0.9
_NAMED_TURNOVER = 6  # more members than this who came or went are counted, not named
_CSV_VOTES: dict[str, Choice] = {
    "YES": "yes",
    "NO": "no",
    "ABSTAIN": "abstain",
    "NO_VOTE": "not_voting",
}
_LABEL = {"yes": "yes", "no": "no", "abstain": "abstain", "not_voting": "not voting"}


def _shipped(name: str) -> csv.DictReader[str]:
    blob = resources.files("state").joinpath("data", name).read_bytes()
    return csv.DictReader(io.StringIO(gzip.decompress(blob).decode("utf-8")))


def initiative_title(title: str | None) -> str:
    """A title reduced to what stays the same across sessions (catalogue suffixes dropped)."""
    if not title:
        return ""
    head = re.split(r"\s:\s?(?:resolution|decision|amendment|draft)", title, maxsplit=1)[0]
    words = normalise(head).replace(",", " ").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


def kind_of(vote: Vote) -> str:
    """Resolution, decision or amendment: votes of different kinds are never compared."""
    declared = vote.checks.get("kind")
    if isinstance(declared, str):
        return declared
    title = (vote.title or "").lower()
    if "/DEC/" in (vote.symbol or "") or "decision" in title:
        return "decision"
    if "amendment" in title:
        return "amendment"
    return "resolution"


@dataclass(frozen=True)
class VoteComparison:
    """What changed between two votes on one initiative."""

    previous: Vote
    current: Vote
    movers: dict[str, dict[tuple[str, str], list[str]]] = field(default_factory=dict)
    new_members: list[str] = field(default_factory=list)
    left_members: list[str] = field(default_factory=list)
    same_way: int = 0

    def lines(self) -> list[str]:
        """Plain-text sentences for an alert (the notifier escapes them)."""
        reg = registry()
        then, now = self.previous, self.current
        year = (then.date or "")[:4] or then.key_symbol or "the previous vote"
        out = [
            f"Previous vote on this initiative: {then.key_symbol or '?'}"
            + (f" ({then.date})" if then.date else ""),
            f"Tallies: {_tally(then)} in {year} -> {_tally(now)} now",
        ]
        if not then.roll_call or not now.roll_call:
            out.append("No country-by-country comparison: a roll-call is missing")
            return out
        moved = False
        for group in GROUPS:
            for (was, became), codes in sorted(self.movers.get(group, {}).items()):
                names = ", ".join(reg.name(c) for c in codes)
                out.append(f"Moved {_LABEL[was]} -> {_LABEL[became]}: {names} ({group})")
                moved = True
        if not moved:
            out.append("Every member that voted on both voted the same way")
        out.extend(_turnover("new to the Council since", self.new_members))
        out.extend(_turnover("no longer on the Council", self.left_members))
        return out


def _turnover(what: str, codes: list[str]) -> list[str]:
    """Members who came or went: named when few, counted when the Council has largely changed."""
    if not codes:
        return []
    if len(codes) > _NAMED_TURNOVER:
        return [f"{len(codes)} members {'are' if len(codes) > 1 else 'is'} {what}"]
    return [f"{what[0].upper()}{what[1:]}: " + ", ".join(registry().name(c) for c in codes)]


def _tally(vote: Vote) -> str:
    return "-".join("?" if n is None else str(n) for n in vote.tallies())


def compare(previous: Vote, current: Vote) -> VoteComparison:
    """Tallies then and now, members that changed their vote by regional group, and turnover."""
    reg = registry()
    movers: dict[str, dict[tuple[str, str], list[str]]] = {}
    same = 0
    for iso3 in sorted(set(previous.roll_call) & set(current.roll_call), key=reg.name):
        was, now = previous.roll_call[iso3], current.roll_call[iso3]
        if "not_shown" in (was, now):
            continue
        if was == now:
            same += 1
            continue
        group = reg.group(iso3) or "Unknown group"
        movers.setdefault(group, {}).setdefault((was, now), []).append(iso3)
    return VoteComparison(
        previous=previous,
        current=current,
        movers=movers,
        new_members=sorted(set(current.roll_call) - set(previous.roll_call), key=reg.name),
        left_members=sorted(set(previous.roll_call) - set(current.roll_call), key=reg.name),
        same_way=same,
    )


class VoteHistory:
    """The shipped history plus votes seen since, searchable by initiative.

    `connect` gives the store's connection of the calling thread (Store.connection), so one history can
    be read from the event loop and from the poll threads alike.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection] | None = None) -> None:
        self._connect = connect
        self._shipped: list[Vote] | None = None

    def shipped(self) -> list[Vote]:
        """The 2006-2024 history, loaded on first use."""
        if self._shipped is None:
            self._shipped = _load_shipped()
        return self._shipped

    def add(self, vote: Vote) -> None:
        """Records a newly seen vote (keyed by its symbol) so that the next one compares with it.

        A vote seen again unchanged (every poll of a page that lists it) writes nothing.
        """
        if self._connect is None:
            raise RuntimeError("VoteHistory.add needs the store's sqlite3 connection")
        conn = self._connect()
        key = vote.key_symbol or f"untitled:{vote.date}:{initiative_title(vote.title)}"
        blob = json.dumps(vote.to_json())
        row = conn.execute("SELECT vote_json FROM vote_history_seen WHERE key = ?", (key,)).fetchone()
        if row is not None and row[0] == blob:
            return
        conn.execute(
            "INSERT OR REPLACE INTO vote_history_seen VALUES (?, ?, ?, ?, ?)",
            (key, vote.date, vote.title, blob, datetime.now(UTC).isoformat()),
        )

    def all_votes(self) -> list[Vote]:
        votes = {v.key_symbol: v for v in self.shipped()}
        if self._connect is not None:
            for (blob,) in self._connect().execute("SELECT vote_json FROM vote_history_seen"):
                seen = Vote.from_json(json.loads(blob))
                votes[seen.key_symbol] = seen
        return sorted(votes.values(), key=lambda v: (v.date or "", v.key_symbol or ""))

    def same_initiative(self, vote: Vote) -> list[Vote]:
        """Votes of the same kind whose title is the same or nearly so, oldest first."""
        title = initiative_title(vote.title)
        if not title:
            return []
        kind = kind_of(vote)
        out = []
        for other in self.all_votes():
            other_title = initiative_title(other.title)
            if kind_of(other) != kind or not other_title:
                continue
            if other_title == title or (
                difflib.SequenceMatcher(None, title, other_title).ratio() >= TITLE_SIMILARITY
            ):
                out.append(other)
        return out

    def previous(self, vote: Vote) -> Vote | None:
        """The latest earlier vote on the same initiative, or None."""
        keys = {vote.symbol, vote.draft_symbol} - {None}
        earlier = [
            v
            for v in self.same_initiative(vote)
            if not ({v.symbol, v.draft_symbol} & keys) and _before(v, vote)
        ]
        return earlier[-1] if earlier else None

    def search(self, query: str) -> list[Vote]:
        """A symbol finds its initiative's votes; words find votes whose title contains them."""
        query = query[:300]
        symbols = {s.normalised for s in find_symbols(query)}
        votes = self.all_votes()
        if symbols:
            hits = [v for v in votes if {v.symbol, v.draft_symbol} & symbols]
            return self.same_initiative(hits[0]) if hits else []
        wanted = initiative_title(query)
        if not wanted:
            return []
        return [v for v in votes if wanted in initiative_title(v.title)]


def _before(other: Vote, vote: Vote) -> bool:
    """Earlier by date, or by session number when the new vote's report gives no date. When neither
    tells the order (no date, a special or unknown session), no vote is "previous": a vote is never
    compared with a later one, nor with itself."""
    if vote.date:
        return (other.date or "") < vote.date
    if (vote.session or "").isdigit() and (other.session or "").isdigit():
        return int(other.session or 0) < int(vote.session or 0)
    return False


@functools.cache
def _load_shipped() -> list[Vote]:
    """Parsed once per process: the history is read-only and takes ~0.3 s to load."""
    roll_calls: dict[str, dict[str, Choice]] = {}
    for row in _shipped("hrc_recorded_votes_2006_2024_country_votes.csv.gz"):
        choice = _CSV_VOTES.get(row["vote"])
        if choice is not None:
            roll_calls.setdefault(row["symbol"], {})[row["country_iso3"]] = choice
    votes = []
    for row in _shipped("hrc_recorded_votes_2006_2024_resolutions.csv.gz"):
        symbol = row["symbol"]
        parsed = parse_symbol(symbol)
        draft = bool(parsed and parsed.is_draft)
        yes, no = int(row["yes"]), int(row["no"])
        votes.append(
            Vote(
                symbol=None if draft else symbol,
                draft_symbol=symbol if draft else None,
                title=re.split(r"\s:\s?(?:resolution|decision|amendment)", row["title_statement"])[0],
                date=row["vote_date"],
                session=session_of(symbol),
                outcome=("adopted" if yes > no else "rejected") if row["members_listed"] != "0" else None,
                yes=yes,
                no=no,
                abstain=int(row["abstain"]),
                non_voting=int(row["no_vote"]),
                roll_call=roll_calls.get(symbol, {}),
                checks={"kind": row["type"], "tallies": "official (OHCHR Search Library)"},
                source="OHCHR Search Library, Voting collection (shipped history)",
            )
        )
    return votes
