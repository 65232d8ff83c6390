"""Personal alerts: what each Telegram user follows, and which followers a notice concerns.

A follow is a symbol (its whole family: revisions, addenda, and the vote on it), a country (as a
sponsor, or named in a title) or words (all of them in the title). The table lives in the store's
database (state/schema.py) so /follow survives a restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from state.model import Notice
from state.store import Store
from watchers.symbols import parse_symbol
from watchers.votes.countries import normalise, registry

FollowKind = Literal["symbol", "country", "words"]
MAX_FOLLOWS_PER_USER = 50

_SYMBOL_FACTS = ("symbol", "acted_on", "adopted_as", "to", "amends")


@dataclass(frozen=True)
class Follow:
    user_id: int
    kind: FollowKind
    value: str
    label: str


def parse_follow(text: str) -> tuple[FollowKind, str, str] | None:
    """(kind, value, label) for what a user typed: a symbol, else a country, else words."""
    text = " ".join(text.split())[:200]
    if not text:
        return None
    symbol = parse_symbol(text)
    if symbol is not None:
        return "symbol", symbol.family, symbol.family
    iso3 = registry().lookup(text, fuzzy=False)
    if iso3 is not None:
        return "country", iso3, registry().name(iso3)
    words = normalise(text).replace(",", " ").split()
    return ("words", " ".join(words), text) if words else None


def _families(notice: Notice) -> set[str]:
    found = set()
    for value in (notice.story.get("anchor"), *(notice.facts.get(name) for name in _SYMBOL_FACTS)):
        symbol = parse_symbol(value) if isinstance(value, str) else None
        if symbol is not None:
            found.add(symbol.family)
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _title(notice: Notice) -> str:
    return str(notice.facts.get("title") or notice.story.get("title") or "")


def _countries(notice: Notice) -> set[str]:
    """Sponsors and the states a title names."""
    reg = registry()
    found = {iso3 for name in _names(notice.facts.get("sponsors")) if (iso3 := reg.lookup(name, fuzzy=False))}
    found.update(match.iso3 for match in reg.find(normalise(_title(notice)).split()))
    return found


def _text(notice: Notice) -> str:
    return " " + normalise(_title(notice)) + " "


class Follows:
    """The follow table of one store."""

    def __init__(self, store: Store):
        self.store = store

    def add(self, user_id: int, kind: FollowKind, value: str, label: str) -> bool:
        """False when the user already follows it or has too many follows."""
        with self.store.transaction() as conn:
            (count,) = conn.execute(
                "SELECT count(*) FROM telegram_follows WHERE user_id = ?", (user_id,)
            ).fetchone()
            if count >= MAX_FOLLOWS_PER_USER:
                return False
            cursor = conn.execute(
                "INSERT OR IGNORE INTO telegram_follows VALUES (?, ?, ?, ?, ?)",
                (user_id, kind, value, label, datetime.now(UTC).isoformat()),
            )
            return cursor.rowcount == 1

    def of(self, user_id: int) -> list[Follow]:
        rows = self.store.connection().execute(
            "SELECT * FROM telegram_follows WHERE user_id = ? ORDER BY created_at, rowid", (user_id,)
        )
        return [Follow(r["user_id"], r["kind"], r["value"], r["label"]) for r in rows]

    def remove(self, user_id: int, follows: Iterable[Follow]) -> int:
        with self.store.transaction() as conn:
            return sum(
                conn.execute(
                    "DELETE FROM telegram_follows WHERE user_id = ? AND kind = ? AND value = ?",
                    (user_id, f.kind, f.value),
                ).rowcount
                for f in follows
            )

    def forget_user(self, user_id: int) -> None:
        """A user who blocked the bot: their follows can never be delivered."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM telegram_follows WHERE user_id = ?", (user_id,))

    def followers(self, notice: Notice) -> dict[int, list[Follow]]:
        """Users whose follows match `notice`, with the follows that matched."""
        if notice.for_operators:
            return {}
        rows = self.store.connection().execute("SELECT * FROM telegram_follows ORDER BY user_id").fetchall()
        if not rows:
            return {}
        families, countries, text = _families(notice), _countries(notice), _text(notice)
        matched: dict[int, list[Follow]] = {}
        for r in rows:
            hit = (
                (r["kind"] == "symbol" and r["value"] in families)
                or (r["kind"] == "country" and r["value"] in countries)
                or (r["kind"] == "words" and all(f" {w}" in text for w in r["value"].split()))
            )
            if hit:
                matched.setdefault(r["user_id"], []).append(
                    Follow(r["user_id"], r["kind"], r["value"], r["label"])
                )
        return matched
