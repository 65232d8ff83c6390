"""Kind `ohchr_session`: OHCHR's "Resolutions, decisions and President's statements" page of a session.

Each row says what happened to a text. It becomes a status change on the DRAFT's item (the key the
draft was first announced under), an item for the adopted text, and, when the action text states
tallies, a vote item. Both layouts are read: sessions >= 49 (tables by `summary`) and the older
`tablo-type1` tables (docs/SOURCES.md §3). A page with none of those tables is a ParseError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from watchers.base import Item, Page, ParseError, Watcher
from watchers.pages import absolute, clean_text, element_text, load_html
from watchers.registry import register
from watchers.symbols import (
    Series,
    Symbol,
    amendments_in,
    find_symbols,
    parse_adopted_number,
    remove_symbols,
)
from watchers.symbols_page import document_item
from watchers.votes.action_text import ActionResult, parse_action_text
from watchers.votes.items import OFFICIAL_TALLIES, vote_item
from watchers.votes.lexicon import find_date
from watchers.votes.model import Vote

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

MAX_ROWS = 1000
SITE = "https://www.ohchr.org/"
_NEW_LAYOUT: dict[str, Series] = {
    "list of resolutions": "RES",
    "decisions": "DEC",
    "president's statements": "PRST",
}
_ACTION_WORDS = ("adopt", "withdrawn", "reject", "vote", "consider", "read out", "no action")
_VOTE_OUTCOMES = {"adopted_by_vote": "adopted", "rejected_by_vote": "rejected"}


_HEADINGS = "self::h1 or self::h2 or self::h3 or self::h4 or self::strong"
_HEADING_BEFORE = f"(preceding::*[{_HEADINGS}] | ancestor::*[{_HEADINGS}])[last()]"


def _series_of(table: Element) -> Series | None:
    summary = str(table.get("summary") or "").strip().lower().replace("’", "'")
    if summary in _NEW_LAYOUT:
        return _NEW_LAYOUT[summary]
    if "tablo-type1" not in (table.get("class") or "").split():
        return None
    heading = table.xpath(_HEADING_BEFORE)
    label = element_text(heading[0]).lower() if heading else ""
    if "decision" in label:
        return "DEC"
    if "president" in label or "statement" in label:
        return "PRST"
    return "RES"


def _action_cell(cells: list[Element]) -> str:
    """Cell 4 in the new layout, the last cell in the old one; the first that reads like an action."""
    candidates = ([cells[4]] if len(cells) > 4 else []) + cells[::-1]
    for cell in candidates:
        text = clean_text(element_text(cell), 500)
        if any(word in text.lower() for word in _ACTION_WORDS):
            return text
    return ""


def _vote_item(
    result: ActionResult, adopted: Symbol | None, draft: Symbol | None, title: str, source: str
) -> Item | None:
    outcome = _VOTE_OUTCOMES.get(result.status)
    if outcome is None or result.yes is None or result.no is None:
        return None
    key_symbol = draft or adopted
    assert key_symbol is not None
    vote = Vote(
        symbol=adopted.normalised if adopted else None,
        draft_symbol=draft.normalised if draft else None,
        title=title or None,
        date=result.date,
        session=key_symbol.session,
        outcome=outcome,  # type: ignore[arg-type]
        yes=result.yes,
        no=result.no,
        abstain=result.abstain,
        checks={"tallies": "stated in the action text, no roll-call"},
        source=source,
    )
    return vote_item(vote, OFFICIAL_TALLIES)


def _acted_on(text: str, adopts: bool) -> tuple[Symbol | None, dict[str, str]]:
    """The draft a row's action is on, and the amendments the row names. A row of an adopted text is
    on its draft, never on an amendment the row mentions; a row of no adopted text that names an
    amendment to a draft ("Amendment to A/HRC/39/L.20 A/HRC/39/L.26 … Rejected") is on the amendment."""
    amends = amendments_in(text)
    drafts = [s for s in find_symbols(text) if s.is_draft]
    if amends:
        drafts.sort(key=lambda s: (s.normalised in amends) == adopts)
    return (drafts[0] if drafts else None), amends


def row_items(cells: list[Element], series: Series, page: Page) -> list[Item] | None:
    """The items of one table row; None when the row names neither an adopted text nor a draft."""
    first_link = cells[0].find(".//a[@href]")
    href = first_link.get("href") if first_link is not None else None
    adopted = parse_adopted_number(clean_text(element_text(cells[0]), 60).removeprefix("PRST "), series)
    rest = " ".join(element_text(cell) for cell in cells[1:])
    draft, amends = _acted_on(rest, adopted is not None)
    if adopted is None and draft is None:
        return None
    title = clean_text(remove_symbols(element_text(cells[1]))) if len(cells) > 1 else ""
    action = _action_cell(cells)
    result = parse_action_text(action)
    date_cell = element_text(cells[3]) if len(cells) > 4 else ""
    action_date = result.date or find_date(date_cell)
    status = "read_out" if result.status == "other" and "read out" in action.lower() else result.status
    common: dict[str, Any] = {
        "title": title,
        "status": status,
        "action": action,
        "action_date": action_date,
        "meeting": result.meeting,
        "orally_revised": result.orally_revised or None,
    }
    items: list[Item] = []
    if draft is not None:
        resolution = adopted.normalised if adopted else None
        items.append(
            document_item(draft, resolution=resolution, amendment_to=amends.get(draft.normalised), **common)
        )
    if adopted is not None:
        url = absolute(page.url, href, SITE)
        draft_symbol = draft.normalised if draft else None
        items.append(document_item(adopted, url=url, draft=draft_symbol, **common))
    vote = _vote_item(result, adopted, draft, title, page.url)
    if vote is not None:
        items.append(vote)
    return items


def parse_session_page(page: Page) -> list[Item]:
    root = load_html(page)
    tables = [(table, series) for table in root.iter("table") if (series := _series_of(table))]
    if not tables:
        raise ParseError(f"{page.url}: no res-dec-stat table (neither layout)")
    items: list[Item] = []
    data_rows = 0
    for table, series in tables:
        for row in list(table.iter("tr"))[:MAX_ROWS]:
            cells = row.findall("td")
            if len(cells) < 2:
                continue
            data_rows += 1
            items.extend(row_items(cells, series, page) or [])
    if data_rows and not items:
        raise ParseError(f"{page.url}: {data_rows} rows but none names a resolution or draft")
    return items


@register
class OhchrSession(Watcher):
    kind = "ohchr_session"
    authority = 1
    label = "the OHCHR session page"

    def parse(self, page: Page) -> list[Item]:
        return parse_session_page(page)
