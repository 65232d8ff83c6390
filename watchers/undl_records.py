"""Kind `undl_records`: MARCXML from the UN Digital Library and the OHCHR Search Library.

Bibliographic records of HRC texts (drafts above all) become document items with sponsors,
additional sponsors, languages, date and the resulting resolution. Search Library voting records
become a status on the draft, an adopted-text item, and for recorded votes a vote item built by the
votes model (`watchers.votes.marc`). Records of other bodies (A/C.3/..., E/CN.4/...) are skipped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from watchers.base import Item, Page, ParseError, Watcher
from watchers.marcxml import Record, parse_records
from watchers.registry import register
from watchers.sponsors import split_sponsors
from watchers.symbols import Symbol, amendments_in, find_symbols, parse_symbol
from watchers.symbols_page import document_item
from watchers.votes.items import OFFICIAL_TALLIES, vote_item
from watchers.votes.marc import parse_voting_records

_PDF_LANG = re.compile(r"-([A-Z]{2})\.pdf$", re.IGNORECASE)
_VOTE_TYPES = {
    "ADOPTED WITHOUT VOTE": "adopted_without_vote",
    "WITHDRAWN": "withdrawn",
    "NOT CONSIDERED": "not_considered",
}
_SEARCH_LIBRARY = "searchlibrary.ohchr.org"


def _iso_date(value: str) -> str | None:
    """269$a is "2023-11-08" in the Digital Library and "20260327" in the Search Library."""
    digits = re.sub(r"\D", "", value)[:8]
    if len(digits) != 8:
        return None
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _record_url(page: Page, record: Record) -> str | None:
    record_id = record.control.get("001", "")
    if not record_id.isdigit():
        return None
    host = urlsplit(page.url).hostname or ""
    base = "https://searchlibrary.ohchr.org" if host == _SEARCH_LIBRARY else "https://digitallibrary.un.org"
    return f"{base}/record/{record_id}"


def _title(record: Record) -> str:
    return record.first("245", "a").rstrip(" :/")


def _files(record: Record) -> dict[str, str]:
    """Language code -> PDF URL, from the file names (the 856$y labels are often mis-encoded)."""
    files: dict[str, str] = {}
    for field in record.all("856"):
        url = field.first("u")
        match = _PDF_LANG.search(url)
        if url.startswith("https://") and match:
            files.setdefault(match.group(1).lower(), url)
    return files


def bibliographic_item(record: Record, symbol: Symbol, page: Page) -> Item:
    """A document record: what the text is, who sponsors it, in which languages it exists."""
    files = _files(record)
    resulting = next(
        (s for f in record.all("993") if f.ind1 == "1" for s in find_symbols(f.first("a"))), None
    )
    extra: dict[str, Any] = {
        "title": _title(record),
        "document_type": record.first("245", "b").rstrip(" :/"),
        "sponsors": split_sponsors(record.first("245", "c")),
        "additional_sponsors": split_sponsors(record.first("515", "a")),
        "sponsor_states": [f.first("a") for f in record.all("710") if f.first("a")],
        "languages": sorted(files),
        "pdf_url": files.get("en"),
        "pdf_urls": files,
        "date": _iso_date(record.first("269", "a")),
        "resolution": resulting.normalised if resulting and resulting.is_adopted_text else None,
        "record_url": _record_url(page, record),
    }
    return document_item(symbol, **extra)


def _recorded_outcome(record: Record) -> str | None:
    """A recorded vote catalogued under an L-document (a rejected draft, an amendment adopted or not)
    carries it when the tallies say so: more in favour than against; a tie fails. The 996 totals, or
    else the members' votes (967 $d)."""
    yes, no = record.first("996", "b").strip(), record.first("996", "c").strip()
    if yes.isdigit() and no.isdigit():
        tallies = int(yes), int(no)
    else:
        choices = [f.first("d").strip().upper() for f in record.all("967")]
        tallies = choices.count("Y"), choices.count("N")
    if tallies == (0, 0):
        return None
    return "adopted_by_vote" if tallies[0] > tallies[1] else "rejected_by_vote"


def voting_items(record: Record, symbol: Symbol, page: Page) -> list[Item]:
    """A Search Library voting record: the draft's status, and the adopted text with its draft."""
    vote_type = record.first("591", "a").upper().strip()
    action = record.first("993", "a")
    draft = next((s for s in find_symbols(action) if s.is_draft), None)
    if symbol.is_draft:
        draft = symbol
    adopted = symbol if symbol.is_adopted_text else None
    status = _VOTE_TYPES.get(vote_type)
    if status is None and vote_type == "RECORDED":
        status = "adopted_by_vote" if adopted else _recorded_outcome(record)
    common: dict[str, Any] = {
        "title": _title(record),
        "status": status,
        "action": action,
        "action_date": _iso_date(record.first("269", "a")),
        "meeting_text": record.first("952", "a"),
        "sponsors": split_sponsors(record.first("500", "a")),
        "record_url": _record_url(page, record),
    }
    items: list[Item] = []
    if draft is not None and draft != adopted:
        resolution = adopted.normalised if adopted else None
        amends = amendments_in(action).get(draft.normalised)
        items.append(document_item(draft, resolution=resolution, amendment_to=amends, **common))
    if adopted is not None:
        items.append(document_item(adopted, draft=draft.normalised if draft else None, **common))
    return items


def vote_items(page: Page) -> list[Item]:
    """Recorded votes, as the votes model reads them (keyed as `vote_item` says)."""
    try:
        votes = parse_voting_records(page.body)
    except ValueError as exc:
        raise ParseError(f"{page.url}: {exc}") from None
    return [item for vote in votes if (item := vote_item(vote, OFFICIAL_TALLIES)) is not None]


def parse_marc_page(page: Page) -> list[Item]:
    items: list[Item] = []
    has_votes = False
    for record in parse_records(page):
        symbol = parse_symbol(record.first("191", "a") or record.first("791", "a"))
        if symbol is None:
            continue
        if record.has("591", "967", "996"):
            has_votes = True
            items.extend(voting_items(record, symbol, page))
        else:
            items.append(bibliographic_item(record, symbol, page))
    if has_votes:
        items.extend(vote_items(page))
    return items


@register
class UndlRecords(Watcher):
    kind = "undl_records"
    authority = 1

    def told_as(self) -> str:
        host = urlsplit(self.url).hostname or ""
        return "the OHCHR Search Library" if host == _SEARCH_LIBRARY else "the UN Digital Library"

    def parse(self, page: Page) -> list[Item]:
        return parse_marc_page(page)
