"""When the Council is acting: the days a `fast` source is polled every `fast_every` instead of `every`.

The Council acts (tables its last drafts, votes) on the days the operator lists as `action_days`, on the
last three working days of each session (`session_ends` gives a session's last day), and whenever one of
its meetings is live on UN Web TV (what the webtv_schedule source last read). Days are the schedule's
time zone's (Geneva keeps Zurich time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

LAST_DAYS = 3  # working days at the end of a session


def last_working_days(end: date, count: int = LAST_DAYS) -> list[date]:
    """`end` and the working days before it, `count` in all (a session ending on a Monday: Thu, Fri, Mon)."""
    days: list[date] = []
    day = end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days


@dataclass(frozen=True)
class CouncilCalendar:
    days: frozenset[date]

    @classmethod
    def of(cls, action_days: Iterable[str], session_ends: Iterable[str]) -> CouncilCalendar:
        days = {date.fromisoformat(d) for d in action_days}
        for end in session_ends:
            days.update(last_working_days(date.fromisoformat(end)))
        return cls(frozenset(days))

    def acting(self, now: datetime, tz: ZoneInfo, meeting_live: bool) -> bool:
        return meeting_live or now.astimezone(tz).date() in self.days
