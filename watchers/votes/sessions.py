"""Which session a vote belongs to when its text names no symbol.

From the text's own words about the meeting ("closed its thirty-fourth special session", "The eleventh
Special Session of the Human Rights Council", "during the 25th session of the HRC", "at the 22nd Session
of the UNHRC"), never from a session it merely mentions ("report to the Council at its forty-first
session"). Else from the vote's date: the days on which each session voted are known from the shipped
record (2006-2024); a date on no such day, or past the record, gives no session.
"""

from __future__ import annotations

import functools
import re

_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_ORDINAL = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty|sixty|seventy)[- ])?"
    r"(?:[a-z]{3,11}th|first|second|third|twelfth))"
)
_OWN_SESSION = (
    re.compile(
        rf"\b(?:held|closed|concluded|opened|closes|concludes|closing|concluding|during|following)\s{{1,3}}"
        rf"(?:its|the)\s{{1,3}}(?P<n>{_ORDINAL})\s{{1,3}}(?P<kind>special\s{{1,3}}|regular\s{{1,3}})?session\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<n>{_ORDINAL})\s{{1,3}}(?P<kind>special\s{{1,3}}|regular\s{{1,3}})?session\s{{1,3}}of\s{{1,3}}the\s{{1,3}}"
        r"(?:United\s{1,3}Nations\s{1,3}|UN\s{1,3})?(?:Human\s{1,3}Rights\s{1,3}Council|U?N?HRC)\b",
        re.IGNORECASE,
    ),
)


def ordinal_value(word: str) -> int | None:
    """ "34th" -> 34, "thirty-fourth" -> 34, "eleventh" -> 11; None for anything else."""
    cleaned = word.lower().replace(" ", "-")
    digits = re.match(r"(\d{1,2})(?:st|nd|rd|th)$", cleaned)
    if digits:
        return int(digits.group(1))
    if cleaned in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[cleaned]
    tens, _, unit = cleaned.partition("-")
    if tens in _TENS and unit:
        unit_value = _ORDINAL_WORDS.get(unit)
        return _TENS[tens] + unit_value if unit_value and unit_value < 10 else None
    return None


def session_in_words(text: str) -> str | None:
    """ "S-34" or "61" when the text says which session held the meeting."""
    for pattern in _OWN_SESSION:
        for match in pattern.finditer(text):
            number = ordinal_value(match["n"])
            if number is None:
                continue
            special = (match["kind"] or "").lower().startswith("special")
            return f"S-{number}" if special else str(number)
    return None


@functools.cache
def _voting_days() -> dict[str, str]:
    """Each day on which the record has a vote, and the session that voted (one session a day)."""
    from state.vote_history import VoteHistory

    days: dict[str, set[str]] = {}
    for vote in VoteHistory().shipped():
        if vote.date and vote.session:
            days.setdefault(vote.date, set()).add(vote.session)
    return {day: next(iter(sessions)) for day, sessions in days.items() if len(sessions) == 1}


def _session_spans() -> list[tuple[str, str, str]]:
    spans: dict[str, tuple[str, str]] = {}
    for day, session in _voting_days().items():
        first, last = spans.get(session, (day, day))
        spans[session] = (min(first, day), max(last, day))
    return [(first, last, session) for session, (first, last) in spans.items()]


def session_on(day: str | None) -> str | None:
    """The session that was voting on `day` (ISO), from the record's voting days; None past them."""
    if not day:
        return None
    day = day[:10]
    known = _voting_days().get(day)
    if known is not None:
        return known
    within = {session for first, last, session in _session_spans() if first <= day <= last}
    return within.pop() if len(within) == 1 else None
