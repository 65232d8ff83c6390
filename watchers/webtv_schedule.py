"""Kind `webtv_schedule`: UN Web TV's daily schedule, today and tomorrow (docs/SOURCES.md §6).

One meeting item per HRC webcast, keyed "meeting:" + asset id. The `live` field turns true when the
card's badge says "Live", so the store's "changed" event is the "meeting is live" alert. The snapshot
is additive (complete=False): a day without Council meetings is normal and must not read as broken,
and a meeting that leaves the schedule is not news.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from watchers.base import Item, Page, PageFetcher, ParseError, PollContext, Snapshot, Watcher
from watchers.pages import absolute, clean_text, element_text, load_html
from watchers.registry import register

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

MAX_CARDS = 500
SITE = "https://webtv.un.org/"
_WALL_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})")
_MEETING = re.compile(r"(\d{1,3})\s{0,2}(?:st|nd|rd|th)\s{1,3}Meeting", re.IGNORECASE)
_SESSION = re.compile(r"(\d{1,3})\s{0,2}(?:st|nd|rd|th)\s{1,3}(?:(Regular|Special)\s{1,3})?Session", re.I)
_DURATION = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_ASSET = re.compile(r"/asset/(?:[A-Za-z0-9]{1,12}/)?([A-Za-z0-9]{4,40})/?$")


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_CARDS = f"//div[{_has_class('un3-card-row-video')}]"
_ANY_UN3 = "//*[contains(@class, 'un3-')]"


def _first(card: Element, path: str) -> Element | None:
    found = card.xpath(path)
    return found[0] if found else None


@dataclass(frozen=True)
class WebTvOptions:
    """days: how many schedule days from today (1 = today only); categories: card categories kept."""

    days: int = 2
    categories: tuple[str, ...] = field(default=("Human Rights Council",))

    def validate(self) -> None:
        if not 1 <= self.days <= 7:
            raise ValueError(f"days must be between 1 and 7, got {self.days}")


def _start_utc(card: Element) -> str | None:
    """The hidden start time's wall clock read as UTC (its stated offset is wrong)."""
    hidden = _first(card, f".//div[{_has_class('mediaun-timezone')}]")
    match = _WALL_TIME.search(element_text(hidden) if hidden is not None else "")
    if not match:
        return None
    try:
        year, month, day, hour, minute = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, tzinfo=UTC).isoformat()
    except ValueError:
        return None


def _session_and_meeting(title: str) -> tuple[str | None, int | None]:
    session_match = _SESSION.search(title)
    meeting_match = _MEETING.search(title)
    session = None
    if session_match:
        special = (session_match.group(2) or "").lower() == "special"
        session = f"{'S-' if special else ''}{int(session_match.group(1))}"
    return session, int(meeting_match.group(1)) if meeting_match else None


def card_item(card: Element, page: Page, categories: tuple[str, ...]) -> Item | None:
    """The meeting on one card, or None for a card of another body or without an asset link."""
    category_tag = _first(card, ".//h6")
    category = clean_text(element_text(category_tag)) if category_tag is not None else ""
    link = _first(card, ".//h4//a[@href]")
    title_tag = _first(card, f".//div[{_has_class('field__item')}]")
    shown = title_tag if title_tag is not None else link
    title = clean_text(element_text(shown)) if shown is not None else ""
    wanted = [c.lower() for c in categories]
    if not any(c in category.lower() or c in title.lower() for c in wanted):
        return None
    href = link.get("href") if link is not None else None
    url = absolute(page.url, href, SITE)
    asset = _ASSET.search(url or "")
    if url is None or asset is None:
        return None
    badge = _first(card, f".//span[{_has_class('badge')}]")
    badge_text = clean_text(element_text(badge), 40) if badge is not None else ""
    session, meeting = _session_and_meeting(title)
    fields: dict[str, Any] = {
        "title": title,
        "category": category,
        "session": session,
        "meeting_number": meeting,
        "start_utc": _start_utc(card),
        "live": badge_text.lower() == "live",
        "duration": badge_text if _DURATION.match(badge_text) else None,
        "url": url,
        "summary_record": f"A/HRC/{session}/SR.{meeting}" if session and meeting else None,
    }
    return Item(key=f"meeting:{asset.group(1)}", kind="meeting", fields=fields)


def parse_schedule(page: Page, categories: tuple[str, ...]) -> list[Item]:
    root = load_html(page)
    cards = root.xpath(_CARDS)[:MAX_CARDS]
    if not cards and not root.xpath(_ANY_UN3):
        raise ParseError(f"{page.url}: not a UN Web TV schedule page")
    items = [card_item(card, page, categories) for card in cards]
    return [item for item in items if item is not None]


@register
class WebTvSchedule(Watcher):
    kind = "webtv_schedule"
    authority = 1
    label = "UN Web TV"
    Options = WebTvOptions
    url_placeholders = frozenset({"{date}"})

    def urls(self, context: PollContext) -> list[str]:
        """The schedule of today and the next days; `url` is a template with {date}."""
        today = context.now.astimezone(UTC).date()
        days = [today + timedelta(days=n) for n in range(self.options.days)]
        return [self.url.replace("{date}", day.isoformat()) for day in days]

    def parse(self, page: Page) -> list[Item]:
        return parse_schedule(page, self.options.categories)

    def poll(self, fetcher: PageFetcher, context: PollContext) -> Snapshot:
        return dataclasses.replace(super().poll(fetcher, context), complete=False)
