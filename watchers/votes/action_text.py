"""The one-line "action taken" strings of OHCHR session pages.

"Adopted by a recorded vote (23 to 16, with 8 abstentions), 45th meeting, 22 June 2020" and the
older "Adopted by a vote on 21.03.13[32 in favour, 2 against, 13 abstentions]" say how a text fared;
the session watcher turns them into a status and tallies without reading the roll-call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from watchers.votes.lexicon import NUMBER, find_date, to_int

ActionStatus = Literal[
    "adopted_without_vote",
    "adopted_by_vote",
    "rejected_by_vote",
    "withdrawn",
    "not_considered",
    "other",
]
MAX_ACTION_TEXT = 2000

# "(23 to 16, with 8 abstentions)", "(23 to 11, with 13)" (the word dropped: the third figure after
# "with" is still the abstentions), "(33 to 13, with no abstentions)".
_TO_RE = re.compile(
    rf"({NUMBER})\s{{0,3}}to\s{{0,3}}({NUMBER})(?:\s{{0,3}},?\s{{0,3}}with\s{{1,3}}(no|{NUMBER})"
    r"(?=\s{0,3}(?:abst|\)|,|$)))?",
    re.IGNORECASE,
)
_FAVOUR_RE = re.compile(
    rf"({NUMBER})\s{{0,3}}in\s{{1,3}}favou?r\s{{0,3}},?\s{{0,3}}({NUMBER})\s{{0,3}}against"
    rf"(?:\s{{0,3}},?\s{{0,3}}(?:and\s{{1,3}})?(no|{NUMBER})\s{{0,3}}abst)?",
    re.IGNORECASE,
)
_MEETING_RE = re.compile(r"(\d{1,3})\s?(?:st|nd|rd|th)\s{1,3}meeting", re.IGNORECASE)
_NUMERIC_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?!\d)")


@dataclass(frozen=True)
class ActionResult:
    """What an action-taken string says; tallies are None when it gives none."""

    status: ActionStatus
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    meeting: int | None = None
    date: str | None = None
    orally_revised: bool = False


def _status(lowered: str, has_tallies: bool) -> ActionStatus:
    if "withdrawn" in lowered:
        return "withdrawn"
    if "not considered" in lowered or "no action" in lowered:
        return "not_considered"
    adopted_at = lowered.find("adopted")
    rejected_at = lowered.find("rejected")
    if rejected_at >= 0 and (adopted_at < 0 or rejected_at < adopted_at):
        return "rejected_by_vote"
    if "adopted" in lowered:
        if "without" in lowered and "vote" in lowered:
            return "adopted_without_vote"
        if has_tallies or "vote" in lowered:
            return "adopted_by_vote"
    return "other"


def _numeric_date(text: str) -> str | None:
    match = _NUMERIC_DATE_RE.search(text)
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    year += 2000 if year < 100 else 0
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _figure(group: str | None) -> int | None:
    if group is None:
        return None
    return 0 if group.lower() == "no" else to_int(group)


def parse_action_text(text: str) -> ActionResult:
    """Status, tallies, meeting number and date of one action-taken string; never raises."""
    cleaned = " ".join(text[:MAX_ACTION_TEXT].replace("\xa0", " ").split())
    lowered = cleaned.lower()
    tallies: tuple[int | None, ...] = (None, None, None)
    match = _TO_RE.search(cleaned) or _FAVOUR_RE.search(cleaned)
    if match is not None:
        tallies = tuple(_figure(g) for g in match.groups())
        if tallies[2] is None and "abst" not in lowered:
            # "[45 in favour, 1 against]": OHCHR's pages leave out a zero; the record agrees (13/6, 13/7).
            tallies = (tallies[0], tallies[1], 0)
    meeting = _MEETING_RE.search(cleaned)
    return ActionResult(
        status=_status(lowered, match is not None),
        yes=tallies[0],
        no=tallies[1],
        abstain=tallies[2],
        meeting=int(meeting.group(1)) if meeting else None,
        date=find_date(cleaned) or _numeric_date(cleaned),
        orally_revised="orally revised" in lowered,
    )
