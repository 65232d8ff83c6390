"""The date of the meeting a text reports, never a date the text merely mentions.

Real summaries mention the start of a conflict ("the protests beginning 28 December 2025"), a cited
resolution's date ("resolution 2005/14 of 14 April 2005"), the page's own date ("Sunday, 18 October 2009
14:32") and a news dateline the day after the vote ("Mar 22, 2013 (LBO)"). Only three forms give the day of
the vote, in this order:

1. the action and its date in one clause: "On 16 October 2009, the Human Rights Council adopted",
   "At its 31st meeting, on 30 March 2007, the Human Rights Council ...", "Resolution adopted by the Human
   Rights Council on 23 March 2018";
2. the UN release's own dateline, a line holding only a date, perhaps after the meeting's time of day
   ("24 March 2017", "AFTERNOON 27 May 2009", "06 October 2022");
3. "this morning / this afternoon / today" in a text whose publication date is known (a feed entry).
"""

from __future__ import annotations

import re
from datetime import date

from watchers.votes.lexicon import DATE_RE, MONTHS

_DAY = DATE_RE.pattern
_ACTION_CLAUSES = (
    re.compile(
        rf"\bOn\s{{1,3}}{_DAY},?\s{{1,3}}the\s{{1,3}}(?:Human\s{{1,3}}Rights\s{{1,3}})?Council\b", re.I
    ),
    re.compile(
        rf"\bmeeting,\s{{1,3}}on\s{{1,3}}{_DAY},\s{{1,3}}the\s{{1,3}}Human\s{{1,3}}Rights\s{{1,3}}Council\b",
        re.I,
    ),
    re.compile(
        rf"\badopted\s{{1,3}}by\s{{1,3}}the\s{{1,3}}Human\s{{1,3}}Rights\s{{1,3}}Council\s{{1,3}}on\s{{1,3}}{_DAY}",
        re.I,
    ),
)
_DATELINE = re.compile(
    rf"^[ \t]{{0,8}}(?:(?:MORNING|MIDDAY|AFTERNOON|EVENING|NIGHT)[ \t]{{1,8}})?{_DAY}[ \t]{{0,8}}$",
    re.IGNORECASE | re.MULTILINE,
)
_SAME_DAY = re.compile(r"\bthis\s{1,3}(?:morning|afternoon|evening)\b|\btoday\b", re.IGNORECASE)


def _iso(match: re.Match[str]) -> str | None:
    day, month, year = match.group(1), match.group(2), match.group(3)
    try:
        return date(int(year), MONTHS[month.lower()], int(day)).isoformat()
    except ValueError:
        return None


def meeting_date(text: str, published: str | None = None) -> str | None:
    """ISO date of the meeting, or None when the text does not say which day it was."""
    for pattern in _ACTION_CLAUSES:
        for match in pattern.finditer(text):
            if found := _iso(match):
                return found
    for match in _DATELINE.finditer(text):
        if found := _iso(match):
            return found
    if published and _SAME_DAY.search(text):
        return published[:10]
    return None
