"""The vote model every parser returns and every notifier reads.

`to_json` is the published shape; anything that is not in a top-level field (session, source,
how tallies were obtained, what was checked) lives in `checks`, so the shape never grows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

Choice = Literal["yes", "no", "abstain", "not_voting", "not_shown"]
CHOICES: tuple[Choice, ...] = ("yes", "no", "abstain", "not_voting", "not_shown")
Outcome = Literal["adopted", "rejected"]

_SESSION_RE = re.compile(r"A/HRC/(?:RES/|DEC/|PRST/)?(S-\d{1,2}|\d{1,3})/", re.IGNORECASE)


def session_of(symbol: str | None) -> str | None:
    """The session a symbol belongs to ("A/HRC/RES/37/23" -> "37", "A/HRC/S-11/L.1" -> "S-11")."""
    if not symbol:
        return None
    found = _SESSION_RE.search(symbol)
    return found.group(1).upper() if found else None


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Vote:
    """One recorded vote as far as a source states it; `None` means "the source does not say"."""

    symbol: str | None = None
    draft_symbol: str | None = None
    title: str | None = None
    date: str | None = None
    session: str | None = None
    outcome: Outcome | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    non_voting: int | None = None
    roll_call: Mapping[str, Choice] = field(default_factory=dict)
    unrecognised: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    checks: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roll_call", _frozen(self.roll_call))
        object.__setattr__(self, "checks", _frozen(self.checks))
        object.__setattr__(self, "unrecognised", tuple(self.unrecognised))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    @property
    def key_symbol(self) -> str | None:
        """The adopted symbol when known, else the draft: how alerts and the history key a vote."""
        return self.symbol or self.draft_symbol

    def tallies(self) -> tuple[int | None, int | None, int | None]:
        return (self.yes, self.no, self.abstain)

    def counted(self) -> dict[Choice, int]:
        """How many members the roll-call puts under each choice."""
        counts: dict[Choice, int] = dict.fromkeys(CHOICES, 0)
        for choice in self.roll_call.values():
            counts[choice] += 1
        return counts

    def with_changes(self, **changes: Any) -> Vote:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        checks = dict(self.checks)
        checks["session"] = self.session
        checks["source"] = self.source
        return {
            "symbol": self.symbol,
            "draft_symbol": self.draft_symbol,
            "title": self.title,
            "date": self.date,
            "outcome": self.outcome,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "non_voting": self.non_voting,
            "roll_call": dict(sorted(self.roll_call.items())),
            "unrecognised": list(self.unrecognised),
            "warnings": list(self.warnings),
            "checks": checks,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Vote:
        checks = dict(data.get("checks") or {})
        session = checks.pop("session", None)
        source = checks.pop("source", None)
        roll_call = {str(k): v for k, v in (data.get("roll_call") or {}).items() if v in CHOICES}
        return cls(
            symbol=data.get("symbol"),
            draft_symbol=data.get("draft_symbol"),
            title=data.get("title"),
            date=data.get("date"),
            session=session,
            outcome=data.get("outcome") if data.get("outcome") in ("adopted", "rejected") else None,
            yes=data.get("yes"),
            no=data.get("no"),
            abstain=data.get("abstain"),
            non_voting=data.get("non_voting"),
            roll_call=roll_call,
            unrecognised=tuple(data.get("unrecognised") or ()),
            warnings=tuple(data.get("warnings") or ()),
            checks=checks,
            source=source,
        )
