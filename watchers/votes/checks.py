"""What a published vote must say about itself: where tallies came from and what was checked.

Lists are counted against stated totals and states against the session's membership; every
disagreement is a warning. Nothing is mended: a stated total stays as stated, and a figure the text does
not give stays None ("not stated", never 0).

Plausibility: each tally and their sum must fit the seats of that session (its members when the record
knows them, else the Council's 47 seats, docs/SOURCES.md §5), and a vote must have voters ("0-0-0" is
not a vote). An impossible result is kept with a warning and `checks["plausible"] = False`; `vote_item`
makes no vote item of it. A stated outcome that the tallies contradict ("adopted" with no more in favour
than against, "rejected" with more) is a warning, not a fact: the outcome becomes None.
"""

from __future__ import annotations

from typing import Any

from watchers.votes.countries import members, registry
from watchers.votes.model import Vote

_LISTED = ("yes", "no", "abstain", "not_voting")
COUNCIL_SEATS = 47
_WORDS = {"yes": "in favour", "no": "against", "abstain": "abstentions", "not_voting": "not voting"}


def _names(codes: list[str]) -> str:
    reg = registry()
    return ", ".join(sorted(reg.name(c) for c in codes))


def finish(vote: Vote, stated: dict[str, int]) -> Vote:
    """Fills tallies (stated, else counted from a roll-call) and records every check made."""
    checks: dict[str, Any] = dict(vote.checks)
    warnings = list(vote.warnings)
    counted = vote.counted()
    has_lists = {c for c in _LISTED if counted[c]}
    tallies: dict[str, int | None] = {c: stated.get(c) for c in _LISTED}
    source = "stated" if any(v is not None for v in tallies.values()) else None
    complete = bool(vote.roll_call) and {"yes", "no", "abstain"} <= has_lists | {
        c for c, v in stated.items() if v == 0
    }
    if source is None and vote.roll_call and (checks.get("layout") == "vote screen" or complete):
        tallies = {c: counted[c] for c in ("yes", "no", "abstain")} | {"not_voting": None}
        source = "counted from the roll-call"
    checks["tallies"] = source or "none stated"
    comparison: dict[str, dict[str, int]] = {}
    for category in _LISTED:
        total = stated.get(category)
        if total is None or category not in has_lists:
            continue
        comparison[category] = {"listed": counted[category], "stated": total}
        if counted[category] != total:
            warnings.append(f"{counted[category]} states listed as {category} but the text says {total}")
    checks["lists_vs_totals"] = comparison
    warnings.extend(_membership(vote, checks, stated, complete))
    outcome = vote.outcome
    yes, no = tallies["yes"], tallies["no"]
    if outcome is not None and yes is not None and no is not None and (outcome == "adopted") != (yes > no):
        warnings.append(f"the text says {outcome} but the tallies say {yes} in favour and {no} against")
        checks["outcome"] = f"stated '{outcome}' contradicts the tallies: not published"
        outcome = None
    elif outcome is None and yes is not None and no is not None:
        unknown = counted["not_shown"]
        if abs(yes - no) > unknown:
            outcome = "adopted" if yes > no else "rejected"
            checks["outcome"] = "derived from the tallies"
    problem = implausible(tallies, vote.session)
    checks["plausible"] = problem is None
    if problem is not None:
        warnings.append(f"not a possible result: {problem}")
    return vote.with_changes(
        yes=tallies["yes"],
        no=tallies["no"],
        abstain=tallies["abstain"],
        non_voting=tallies["not_voting"],
        outcome=outcome,
        warnings=tuple(dict.fromkeys(warnings)),
        checks=checks,
    )


def _membership(vote: Vote, checks: dict[str, Any], stated: dict[str, int], complete: bool) -> list[str]:
    council = members(vote.session)
    if council is None:
        reason = f"membership unknown for session {vote.session}" if vote.session else "session unknown"
        checks["membership"] = f"not checked: {reason}" if vote.roll_call else "no roll-call"
        return []
    warnings: list[str] = []
    outsiders = sorted(set(vote.roll_call) - council)
    if outsiders:
        warnings.append(f"not members at session {vote.session}: {_names(outsiders)}")
    missing = sorted(council - set(vote.roll_call))
    if vote.roll_call and missing:
        if complete or vote.checks.get("layout") == "vote screen":
            warnings.append(f"members in no list: {_names(missing)}")
        else:
            warnings.append(
                f"the lists name {len(vote.roll_call)} of the {len(council)} members of session "
                f"{vote.session}"
            )
    checks["membership"] = {
        "session": vote.session,
        "members": len(council),
        "not_members": outsiders,
        "missing": missing if vote.roll_call else [],
    }
    return warnings


def seats(session: str | None) -> int:
    """Seats that could vote at `session`: its members when known, else the Council's 47."""
    council = members(session)
    return len(council) if council else COUNCIL_SEATS


def implausible(tallies: dict[str, int | None], session: str | None) -> str | None:
    """Why these tallies cannot be a real result of that session, or None when they can."""
    given = {k: v for k, v in tallies.items() if v is not None}
    if not given:
        return None
    limit = seats(session)
    where = f"session {session}" if session and members(session) else "the Council"
    for category, value in given.items():
        if value > limit:
            return f"{value} {_WORDS[category]} on {where} of {limit} seats"
    total = sum(given.values())
    if total > limit:
        return f"the tallies add up to {total}, more than the {limit} seats of {where}"
    if total == 0 and {"yes", "no"} <= set(given):
        return "no member voted (0-0-0)"
    return None
