"""A document's title on a listing page: the text of the smallest element around its symbol that names
no other symbol, without the row's dates, language links, file formats, sizes and labels.

Listings put a document's symbol, title, date and files in one row, whatever the markup: table rows
(`<tr><td>A/HRC/13/L.2</td><td>title</td><td>09/03/2010</td><td>AR ZH EN FR RU ES</td></tr>`), div rows
(`<div class="row"><span><a>A/HRC/62/L.19</a></span><span>title</span>...`), list items. The row is the
smallest element that holds more than the symbol and names only this document; a piece of its text
that is only a date, a language code, "PDF", a size or a page count ("7 p.", as the UN Digital Library
writes it) is the row's furniture, not its title.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from watchers.pages import MAX_TITLE, clean_text
from watchers.symbols import remove_symbols

if TYPE_CHECKING:
    from lxml.etree import XPath
    from lxml.etree import _Element as Element

Named = dict["Element", set[str]]  # each element -> the symbols named inside it

# Never a document's row: these hold a whole list, or the page's chrome.
CONTAINERS = frozenset(
    {"html", "body", "head", "main", "nav", "header", "footer", "form", "table", "tbody", "thead", "tfoot"}
    | {"ul", "ol", "dl", "select"}
)
# A document's row by HTML's own meaning: when sloppy markup nests the next row inside it, the row's text
# is read without the nested rows (and lists) that name other documents.
ROWS = frozenset({"tr", "li", "p", "dd", "dt", "article"})
MAX_ROW_TEXT = 2 * MAX_TITLE  # an element with more text than this around one symbol is not its row

_LANGUAGES = (
    "ar|zh|ch|en|fr|ru|es|arabic|chinese|english|french|russian|spanish|العربية|中文|français|русский|español"
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    "|september|october|november|december"
)
_FURNITURE_WORDS = frozenset(
    {"pdf", "doc", "docx", "word", "html", "download", "view", "open", "details", "more", "n/a"}
    | {"-", "–", "—", "|", "•", *_LANGUAGES.split("|")}
)
_TOKEN = rf"""
    \d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}
  | \d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{2}}:\d{{2}}(?::\d{{2}})?)?
  | \d{{1,2}}\s{{0,3}}(?:{_MONTHS})\.?,?\s{{1,3}}\d{{4}}
  | (?:{_MONTHS})\.?\s{{1,3}}\d{{1,2}},?\s{{1,3}}\d{{4}}
  | \d{{1,6}}(?:[.,]\d{{1,3}})?\s{{0,2}}(?:b|bytes|kb|kib|mb|mib|ko|mo)
  | \d{{1,4}}\s{{0,2}}(?:p|pp|pages?)\.?
  | (?:{_LANGUAGES}|pdf|docx?|word|html|download|view|open|details|more|n/a)
  | (?:date|symbol|title|languages?|size|format|files?)\s{{0,2}}:
  | [\d./-]{{1,12}}
"""
_SEPARATORS = r"[\s|/·•,;:()\[\]–—-]*"
_FURNITURE = re.compile(rf"{_SEPARATORS}(?:(?:{_TOKEN})(?!\w){_SEPARATORS})+", re.IGNORECASE | re.VERBOSE)
_MAX_FURNITURE = 60  # a longer piece of text is never only furniture
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


def is_furniture(piece: str) -> bool:
    """A piece of a row's text that names nothing: only dates, language codes, formats, sizes, labels
    (and symbols, cut out before the title is read)."""
    text = piece.strip()
    return not text or (len(text) <= _MAX_FURNITURE and _short_is_furniture(text))


@functools.lru_cache(maxsize=8192)
def _short_is_furniture(text: str) -> bool:
    """Rows repeat their furniture (language codes, dates, "PDF"): each piece is judged once."""
    if text.casefold() in _FURNITURE_WORDS:
        return True
    rest = remove_symbols(text).strip()
    return not rest or _FURNITURE.fullmatch(rest) is not None


def title_text(pieces: Iterable[str], cap: int = MAX_TITLE, read: str = "") -> str:
    """The title in an element's text pieces: furniture dropped, symbols cut out, spaces collapsed.
    `read` is a piece already known to say nothing (the symbol's own text)."""
    kept = [p for p in pieces if not p.isspace() and p != read and not is_furniture(p)]
    return title_without_symbols(" ".join(kept), cap) if kept else ""


def title_without_symbols(text: str, cap: int = MAX_TITLE) -> str:
    """The text with every symbol spelling removed (and the brackets left empty by it)."""
    text = remove_symbols(text)
    if "(" in text or "[" in text:
        text = _EMPTY_BRACKETS.sub(" ", text)
    return clean_text(text, cap)


@functools.cache
def _texts_query() -> XPath:
    from lxml.etree import XPath

    return XPath(".//text()", smart_strings=False)


def _texts(element: Element) -> list[str]:
    """Every text piece inside the element, in order (one XPath call: cheaper than walking it)."""
    return _texts_query()(element)


def first_href(element: Element) -> str | None:
    """The href of the element's first link (the element itself if it is one)."""
    link = element if element.tag == "a" and element.get("href") else element.find(".//a[@href]")
    return link.get("href") if link is not None else None


def _adds_nothing(ancestor: Element) -> bool:
    """An element whose only content is one child element: its text is that child's."""
    if len(ancestor) != 1 or (ancestor.text and not ancestor.text.isspace()):
        return False
    tail = ancestor[0].tail
    return not tail or tail.isspace()


def _without_others(row: Element, key: str, named: Named) -> tuple[list[str], str | None]:
    """The text pieces and first link of `row`, leaving out the rows and lists nested in it that name
    other documents and not this one."""
    pieces: list[str] = []
    links: list[str] = []

    def walk(element: Element) -> None:
        if element.text:
            pieces.append(element.text)
        for child in element:
            names = named.get(child)
            if not (names and key not in names and (child.tag in ROWS or child.tag in CONTAINERS)):
                if child.tag == "a" and child.get("href"):
                    links.append(child.get("href"))
                walk(child)
            if child.tail:
                pieces.append(child.tail)

    walk(row)
    return pieces, links[0] if links else None


def row_title(
    element: Element, key: str, named: Named, own: str | None = None, read: str = ""
) -> tuple[str, Element]:
    """The title of document `key` seen in `element`, and its row: the element the title was read from,
    or without a title the largest element around the symbol that names only this document.

    `element` is the symbol's link, or the element holding the text that names it; `own` is that link's
    (or text's) own text without the symbol, the title when it says more; `read` is the text the symbol
    was found in. The element itself may name other symbols (running text naming two drafts): its text
    is then the title, as the only text there is. Above it, an element qualifies while it names this
    document only and is not a container; a row (`tr`, `li`, ...) that also holds other documents' rows,
    as unclosed tags make it, is read without them (see `row_href`).
    """
    if own is not None:
        title = title_text([own]) if own and not own.isspace() else ""
    else:
        title = title_text(_texts(element))
    if title or element.tag in CONTAINERS:
        return title, element
    row = element
    for ancestor in element.iterancestors():
        if ancestor.tag in CONTAINERS:
            break
        if named.get(ancestor) != {key}:
            if ancestor.tag in ROWS:
                title = title_text(_without_others(ancestor, key, named)[0], read=read)
                if title:
                    return title, ancestor
            break
        row = ancestor
        if _adds_nothing(ancestor):
            continue
        title = title_text(_texts(ancestor), MAX_ROW_TEXT + 1, read)
        if len(title) > MAX_ROW_TEXT:
            break
        if title:
            return (title if len(title) <= MAX_TITLE else clean_text(title)), row
    return "", row


def row_href(row: Element, key: str, named: Named) -> str | None:
    """The first link of document `key`'s row (not one of another document's row nested in it)."""
    if row.tag in CONTAINERS:
        return None
    if named.get(row, {key}) <= {key}:
        return first_href(row)
    return _without_others(row, key, named)[1]
