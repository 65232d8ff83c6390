"""Kind `symbols`: every HRC symbol on any HTML page or RSS/Atom feed, one document item each.

A generic scraper for pages that list documents without a structure of their own (an OHCHR session
page, a news item, a feed): what it knows is the symbol, the text around it and the link.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from watchers.base import Item, Page, ParseError, Watcher
from watchers.listing_titles import (
    CONTAINERS,
    ROWS,
    Named,
    row_href,
    row_title,
    title_without_symbols,
)
from watchers.pages import absolute, clean_text, element_text, entry_date, is_feed, load_feed, load_html
from watchers.registry import register
from watchers.symbols import (
    Symbol,
    amendments_in,
    document_fields,
    find_symbols,
    has_short_form,
    same_place_lowercase,
    symbol_spans,
)

if TYPE_CHECKING:
    from lxml.etree import XPath
    from lxml.etree import _Element as Element

MAX_ITEMS = 2000  # a page never yields more documents than this
# A listing of MAX_ITEMS documents names each in its link, its text and its language links: a page
# that may name symbols in more places than this is hostile, and would cost hundreds of MB to read.
MAX_SIGHTINGS = 20_000


def document_item(symbol: Symbol, **extra: Any) -> Item:
    """A document item keyed by the normalised symbol; empty extras are left out so merges keep data."""
    fields = document_fields(symbol)
    fields.update({k: v for k, v in extra.items() if v not in (None, "", [], {})})
    return Item(key=symbol.normalised, kind="document", fields=fields)


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

    def wants(self, symbol: Symbol, name: str) -> bool:
        """Whether a sighting of `symbol` could still add `name` (a title, a URL): worth working out."""
        found = self.found.get(symbol.normalised)
        if found is None:
            return len(self.found) < MAX_ITEMS
        return not found.get(name)

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
        amends = amendments_in(text)
        for symbol in find_symbols(text):
            collected.add(
                symbol,
                title=title_without_symbols(title) or title_without_symbols(summary),
                url=link,
                date=entry_date(entry),
                amendment_to=amends.get(symbol.normalised),
            )
    return collected.items()


# Every symbol spelling holds "HRC" or "Council" (watchers/symbols.py MAY_NAME); the case spellings a
# page uses are found in its whole text (and its hrefs) in one pass each, and one XPath query then keeps,
# in C, only the text nodes and links holding one, so the Python work is per symbol, not per node.
# "Council" is looked for only when the page has a short form ("Human Rights Council resolution 43/21").
_HRC = re.compile("hrc", re.IGNORECASE)
_COUNCIL = re.compile("council", re.IGNORECASE)
_MAX_SPELLINGS = 16  # distinct case spellings looked for; a page with more is read node by node


def _spellings(text: str) -> set[str]:
    low = same_place_lowercase(text)
    if low is None:
        found, council = set(_HRC.findall(text)), set(_COUNCIL.findall(text))
    else:
        found, council = _spelled_as(text, low, "hrc"), _spelled_as(text, low, "council")
    if council and has_short_form(text):
        found |= council
    return found


def _spelled_as(text: str, low: str, word: str) -> set[str]:
    """The case spellings of `word` in `text`, as a case-blind findall finds them, read off the places
    the lowercased text has it (a case-blind regex over a whole page costs ten times as much). Only for
    a text whose lowercase keeps its length and holds none of the letters that match another case."""
    found: set[str] = set()
    at = low.find(word)
    while at >= 0:
        found.add(text[at : at + len(word)])
        at = low.find(word, at + len(word))
    return found


def _any_of(spellings: tuple[str, ...]) -> str:
    return " or ".join(f"contains(., '{s}')" for s in spellings) or "false()"


@functools.lru_cache(maxsize=32)
def _queries(in_text: tuple[str, ...], in_href: tuple[str, ...]) -> tuple[XPath, XPath]:
    """The links whose href or text, and the text nodes outside links, holding one of the spellings.

    Two queries, not one union: libxml2 merges a union's node sets in quadratic time, which a page of
    75,000 sibling links turns into minutes.
    """
    from lxml.etree import XPath

    links = XPath(f"//a[@href[{_any_of(in_href)}] or {_any_of(in_text)}]")
    texts = XPath(f"//text()[{_any_of(in_text)}][not(ancestor::a)]")
    return links, texts


def _outside_links(text: str, spellings: set[str], links: list[tuple[Element, str]]) -> bool:
    """Whether the page's text holds a spelling outside its links: each occurs as often in the whole text
    as in the links' (outermost links only: a link may hold another, through a <b>)."""
    outermost = [text for link, text in links if next(link.iterancestors("a"), None) is None]
    return any(text.count(s) != sum(t.count(s) for t in outermost) for s in spellings)


def _candidates(root: Element) -> tuple[list[tuple[Element, str]], list[Any]]:
    """The links (by text or href) with their text, and the text nodes outside links, that may name a
    symbol. The text nodes are looked for only when the links do not hold every spelling on the page."""
    from lxml import etree

    whole = etree.tostring(root, method="text", encoding="unicode")
    in_text = _spellings(whole)
    hrefs = " ".join(root.xpath("//a/@href", smart_strings=False))
    in_href = _spellings(unquote(hrefs) if "%" in hrefs else hrefs)
    if len(in_text) + len(in_href) > _MAX_SPELLINGS or not all(s in hrefs for s in in_href):
        links, texts = root.xpath("//a"), root.xpath("//text()[not(ancestor::a)]")
        return [(link, "".join(link.itertext())) for link in links], texts
    if not in_text and not in_href:
        return [], []
    links_query, texts_query = _queries(tuple(sorted(in_text)), tuple(sorted(in_href)))
    links = [(link, "".join(link.itertext())) for link in links_query(root)]
    return links, texts_query(root) if _outside_links(whole, in_text, links) else []


# element, its symbols, its text, that text without the symbols, whether it is a link
Sighting = tuple["Element", list[Symbol], str, str, bool]


def _read(text: str) -> tuple[list[Symbol], str]:
    """The symbols in `text` (first sightings, in order) and what the text says besides them."""
    spans = symbol_spans(text)
    if not spans:
        return [], text
    symbols: dict[str, Symbol] = {}
    rest: list[str] = []
    end = 0
    for start, stop, symbol in spans:
        symbols.setdefault(symbol.normalised, symbol)
        if start > end:
            rest.append(text[end:start])
        end = max(end, stop)
    rest.append(text[end:])
    return list(symbols.values()), " ".join(rest)


def _sightings(root: Element, url: str) -> list[Sighting]:
    """Symbols in link texts and hrefs first (they carry a URL), then in the remaining text."""
    links, texts = _candidates(root)
    if len(links) + len(texts) > MAX_SIGHTINGS:
        raise ParseError(f"{url}: {len(links) + len(texts)} places that may name a symbol; refused")
    found: list[Sighting] = []
    for link, text in links:
        symbols, rest = _read(text)
        named = {s.normalised for s in symbols}
        symbols += [s for s in find_symbols(unquote(link.get("href") or "")) if s.normalised not in named]
        if symbols:
            found.append((link, symbols, text, rest, True))
    for node in texts:
        symbols, rest = _read(str(node))
        holder = node.getparent()
        holder = holder.getparent() if node.is_tail and holder is not None else holder
        if symbols and holder is not None:
            found.append((holder, symbols, str(node), rest, False))
    return found


def _named(sightings: list[Sighting]) -> Named:
    named: Named = {}
    for element, symbols, *_ in sightings:
        keys = {s.normalised for s in symbols}
        named.setdefault(element, set()).update(keys)
        for ancestor in element.iterancestors():
            named.setdefault(ancestor, set()).update(keys)
    return named


_ROW_DEPTH = 6  # how far above a symbol its row (tr, li, p) may begin
_MAX_ROW_CHARS = 2000


def _row_text(element: Element) -> str:
    """The text of the row a symbol stands in (its cell's `tr`, its `li`), where an amendment names
    the draft it amends."""
    for depth, ancestor in enumerate(element.iterancestors(), start=1):
        if element.tag in ROWS or ancestor.tag in CONTAINERS or depth > _ROW_DEPTH:
            break
        element = ancestor
    return clean_text(element_text(element), _MAX_ROW_CHARS)


def _names_amendments(page: Page) -> bool:
    return b"mendment" in page.body or b"MENDMENT" in page.body


def html_items(page: Page) -> list[Item]:
    """One item per symbol, in order of first sighting; each document's title is the text of the
    smallest element around its symbol that names no other symbol (watchers/listing_titles.py), so
    every sighting is found before any title is worked out."""
    sightings = _sightings(load_html(page), page.url)
    named = _named(sightings)
    collected = _Collector()
    amendments = _names_amendments(page)
    for element, symbols, text, rest, is_link in sightings:
        for symbol in symbols:
            wants_title, wants_url = collected.wants(symbol, "title"), collected.wants(symbol, "url")
            if not (wants_title or wants_url):
                continue
            key = symbol.normalised
            title, url = "", None
            if wants_title or not is_link:
                own = rest if is_link or element.tag in CONTAINERS else None
                title, row = row_title(element, key, named, own, text)
                if wants_url and not is_link:
                    url = absolute(page.url, row_href(row, key, named)) or page.url
            if wants_url and is_link:
                url = absolute(page.url, element.get("href"))
            amends = amendments_in(_row_text(element)).get(key) if amendments and symbol.is_draft else None
            collected.add(symbol, title=title, url=url, amendment_to=amends)
    return collected.items()


@register
class SymbolsPage(Watcher):
    """Any page or feed: one document item per HRC symbol it names. No symbols at all -> []."""

    kind = "symbols"

    def parse(self, page: Page) -> list[Item]:
        if is_feed(page):
            return feed_items(page)
        return html_items(page)
