"""Kind `symbols`: every HRC symbol on any HTML page or RSS/Atom feed, one document item each.

A generic scraper for pages that list documents without a structure of their own (an OHCHR session
page, a news item, a feed): what it knows is the symbol, the text around it and the link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from watchers.base import Item, Page, Watcher

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
from watchers.pages import absolute, block_of, clean_text, entry_date, is_feed, load_feed, load_html
from watchers.registry import register
from watchers.symbols import Symbol, document_fields, find_symbols, remove_symbols

MAX_ITEMS = 2000  # a page never yields more documents than this


def document_item(symbol: Symbol, **extra: Any) -> Item:
    """A document item keyed by the normalised symbol; empty extras are left out so merges keep data."""
    fields = document_fields(symbol)
    fields.update({k: v for k, v in extra.items() if v not in (None, "", [], {})})
    return Item(key=symbol.normalised, kind="document", fields=fields)


def title_without_symbols(text: str) -> str:
    """The nearby text with every symbol spelling removed: what is left names the document."""
    return clean_text(remove_symbols(text))


class _Collector:
    """Keeps the first sighting of each symbol and fills a missing title or link from later ones."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}
        self.symbols: dict[str, Symbol] = {}

    def add(self, symbol: Symbol, **extra: Any) -> None:
        key = symbol.normalised
        if key not in self.found:
            if len(self.found) >= MAX_ITEMS:
                return
            self.found[key] = {}
            self.symbols[key] = symbol
        for name, value in extra.items():
            if value and not self.found[key].get(name):
                self.found[key][name] = value

    def items(self) -> list[Item]:
        return [document_item(self.symbols[k], **v) for k, v in self.found.items()]


def feed_items(page: Page) -> list[Item]:
    """One item per symbol named in a feed entry's title, link or summary; the entry gives title/url."""
    feed = load_feed(page)
    collected = _Collector()
    for entry in feed.entries:
        title = str(entry.get("title", ""))[:2000]
        link = absolute(page.url, entry.get("link"))
        summary = clean_text(str(entry.get("summary", "")), 2000)
        text = " ".join((title, unquote(link or ""), summary))
        for symbol in find_symbols(text):
            collected.add(
                symbol,
                title=title_without_symbols(title) or title_without_symbols(summary),
                url=link,
                date=entry_date(entry),
            )
    return collected.items()


def _link_title(link: Tag, own_text: str) -> str:
    title = title_without_symbols(own_text)
    if title:
        return title
    return title_without_symbols(block_of(link).get_text(" "))


def html_items(page: Page, soup: BeautifulSoup | None = None) -> list[Item]:
    """Symbols in link texts and hrefs first (they carry a URL), then in the remaining text."""
    from bs4 import NavigableString, Tag

    soup = soup or load_html(page)
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    collected = _Collector()
    for link in soup.find_all("a"):
        href = link.get("href")
        href = href if isinstance(href, str) else None
        text = link.get_text(" ")
        for symbol in find_symbols(f"{text} {unquote(href or '')}"):
            collected.add(symbol, title=_link_title(link, text), url=absolute(page.url, href))
    for node in soup.find_all(string=True):
        if type(node) is not NavigableString or node.find_parent("a") is not None:
            continue
        symbols = find_symbols(str(node))
        if not symbols:
            continue
        block = block_of(node.parent) if isinstance(node.parent, Tag) else None
        title = title_without_symbols(block.get_text(" ") if block else str(node))
        first_link = block.find("a", href=True) if block else None
        href = first_link.get("href") if isinstance(first_link, Tag) else None
        url = absolute(page.url, href if isinstance(href, str) else None)
        for symbol in symbols:
            collected.add(symbol, title=title, url=url or page.url)
    return collected.items()


@register
class SymbolsPage(Watcher):
    """Any page or feed: one document item per HRC symbol it names. No symbols at all -> []."""

    kind = "symbols"

    def parse(self, page: Page) -> list[Item]:
        if is_feed(page):
            return feed_items(page)
        return html_items(page)
