"""Kind `symbols`: symbols on any HTML page or feed; garbage and empty bodies are errors, not []."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.base import Page, ParseError
from watchers.registry import load_kinds
from watchers.symbols_page import SymbolsPage

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"


def page(name: str, url: str = "https://www.ohchr.org/en/hr-bodies/hrc/drafts", ctype: str = "") -> Page:
    body = (FIXTURES / name).read_bytes()
    return Page(url, 200, {"content-type": ctype} if ctype else {}, body, datetime(2026, 4, 1, tzinfo=UTC))


def watcher() -> SymbolsPage:
    return SymbolsPage("test", "https://example.org/", SymbolsPage.Options())


def test_registered() -> None:
    assert load_kinds()["symbols"] is SymbolsPage


def test_html_page_yields_one_item_per_symbol_with_title_and_link() -> None:
    items = {i.key: i.fields for i in watcher().parse(page("symbols_page_drafts.html", ctype="text/html"))}
    assert list(items) == [
        "A/HRC/61/L.3",
        "A/HRC/61/L.14",
        "A/HRC/61/L.14/Rev.1",
        "A/HRC/61/L.39",
        "A/HRC/61/L.28",
    ]
    assert items["A/HRC/61/L.3"]["title"] == (
        "Sixtieth anniversary of the adoption of the International Covenants on Human Rights"
    )
    assert items["A/HRC/61/L.3"]["url"].startswith("https://documents.un.org/api/symbol/access?s=")
    assert items["A/HRC/61/L.14"]["url"] == "https://www.ohchr.org/en/documents/A/HRC/61/L.14"
    assert items["A/HRC/61/L.14/Rev.1"]["revision_of"] == "A/HRC/61/L.14"
    assert items["A/HRC/61/L.14/Rev.1"]["family"] == "A/HRC/61/L.14"
    assert items["A/HRC/61/L.39"]["title"].startswith("Amendment to draft resolution")
    assert all(f["is_draft"] and f["session"] == "61" for f in items.values())


def test_feed_yields_items_with_entry_title_link_and_date() -> None:
    items = {i.key: i.fields for i in watcher().parse(page("un_documents_hrc_rss.xml"))}
    assert list(items) == [
        "A/HRC/61/L.13",
        "A/HRC/61/L.13/Rev.1",
        "A/HRC/61/L.28/Add.1",
        "A/HRC/61/SR.29",
    ]
    rev = items["A/HRC/61/L.13/Rev.1"]
    assert rev["title"].startswith("Situation of human rights in the Democratic People's Republic")
    assert rev["url"] == "https://docs.un.org/en/A/HRC/61/L.13/Rev.1"
    assert rev["date"] == "2026-04-01T10:00:00+00:00"
    assert items["A/HRC/61/L.28/Add.1"]["addendum_to"] == "A/HRC/61/L.28"
    assert items["A/HRC/61/SR.29"]["is_draft"] is False


def test_page_without_symbols_is_empty_not_an_error() -> None:
    body = b"<html><body><p>No documents yet.</p></body></html>"
    assert watcher().parse(Page("https://x.org/", 200, {}, body, datetime.now(UTC))) == []


@pytest.mark.parametrize("name", ["garbage.bin", "plain_text.txt", "empty.html"])
def test_garbage_and_empty_raise(name: str) -> None:
    with pytest.raises(ParseError):
        watcher().parse(page(name))
