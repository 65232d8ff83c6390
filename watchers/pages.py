"""Reading untrusted page bodies: HTML via BeautifulSoup, feeds via feedparser, with garbage refused.

Every watcher kind that reads HTML or RSS goes through here, so "this is not a page at all" is decided
in one place and always raises ParseError instead of yielding zero items.
"""

from __future__ import annotations

import calendar
import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from watchers.base import Page, ParseError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

# bs4 and feedparser are imported when a page is parsed: a cycle of 304s never pays for them.

MAX_TITLE = 300
_HTML_START = re.compile(rb"<\s{0,3}(?:!doctype\s{1,3}html|html|head|body|div|table|p|a|ul|section)\b", re.I)
_FEED_START = re.compile(rb"<\s{0,3}(?:rss|feed|rdf:RDF)\b", re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_XML_ENCODING = re.compile(rb"""^\s{0,8}<\?xml[^>]{0,200}encoding\s{0,3}=\s{0,3}["']([A-Za-z0-9._-]{1,40})""")
_FEED_END = (b"</rss>", b"</feed>", b"</rdf:rdf>")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n-–—:|,;()[]/·•"


def clean_text(text: str, cap: int = MAX_TITLE) -> str:
    """Collapses whitespace, trims separators left around removed symbols, and caps the length."""
    collapsed = _SPACES.sub(" ", text[: cap * 4]).strip(_EDGE_PUNCT)
    if collapsed.count("(") > collapsed.count(")") and text.rstrip().endswith(")"):
        collapsed += ")"
    return collapsed[:cap].rstrip()


def _head(body: bytes) -> bytes:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]


def _require_text(page: Page) -> None:
    if not page.body.strip():
        raise ParseError(f"{page.url}: empty body")
    if b"\x00" in page.body[:4096] or page.body.lstrip().startswith(b"%PDF"):
        raise ParseError(f"{page.url}: binary body, not a page")


def is_feed(page: Page) -> bool:
    """An RSS / Atom / RDF document (by its first element), whatever the Content-Type says."""
    return bool(_FEED_START.search(_head(page.body)))


def _header_charset(page: Page) -> str | None:
    for part in page.headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip("\"' "):
            return value.strip("\"' ").lower()
    return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def load_html(page: Page) -> BeautifulSoup:
    """The page as a tree; ParseError for an empty, binary or non-HTML body.

    Valid UTF-8 is read as UTF-8, else the HTTP header's charset wins over a page's own <meta>: a wrong
    meta tag must not garble every title.
    """
    _require_text(page)
    if not _HTML_START.search(page.body[:65536]):
        raise ParseError(f"{page.url}: not an HTML page")
    from bs4 import BeautifulSoup

    encoding = "utf-8" if _is_utf8(page.body) else _header_charset(page)
    return BeautifulSoup(page.body, "lxml", from_encoding=encoding)


def _feed_body(page: Page) -> bytes:
    """A UTF-8 feed with a few invalid bytes keeps its UTF-8 (the bad bytes become U+FFFD) instead of
    being re-read as windows-1252 throughout."""
    declared = _header_charset(page)
    match = _XML_ENCODING.match(page.body)
    if match:
        declared = match.group(1).decode("ascii").lower()
    if (declared is None or declared in _UTF8_NAMES) and not _is_utf8(page.body):
        return page.body.decode("utf-8", errors="replace").encode("utf-8")
    return page.body


def load_feed(page: Page) -> Any:
    """The parsed feed; ParseError for garbage, entity declarations, or a document that is not a feed.

    feedparser is handed a stream, never a string: a string can make it fetch a URL or open a file.
    """
    _require_text(page)
    if not is_feed(page):
        raise ParseError(f"{page.url}: not an RSS or Atom feed")
    if _ENTITY_DECL.search(page.body):
        raise ParseError(f"{page.url}: feed declares entities; refused")
    import feedparser

    body = _feed_body(page)
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=True)
    if not parsed.get("version") and not parsed.get("entries"):
        raise ParseError(f"{page.url}: not an RSS or Atom feed")
    if parsed.get("bozo") and not body.rstrip().lower().endswith(_FEED_END):
        reason = str(parsed.get("bozo_exception", ""))[:200]
        raise ParseError(f"{page.url}: feed is truncated ({reason}); a partial feed is not a snapshot")
    return parsed


def absolute(base: str, href: str | None, site: str | None = None) -> str | None:
    """An http(s) URL for a link on `base`; None for javascript:, mailto:, fragments and junk.

    `site` resolves relative links when the page was read from a file (`inspect` on a saved page).
    """
    if not href:
        return None
    if site and urlsplit(base).scheme not in ("http", "https"):
        base = site
    url = urljoin(base, href.strip()[:2000])
    return url if urlsplit(url).scheme in ("http", "https") else None


def entry_date(entry: Any) -> str | None:
    """An entry's published (or updated) time as ISO 8601 UTC."""
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat()
            except (OverflowError, OSError, ValueError):
                return None
    return None


def block_of(tag: Tag) -> Tag:
    """The nearest enclosing row, list item or paragraph: where a link's title usually lives."""
    for parent in tag.parents:
        if parent.name in ("tr", "li", "p", "article", "dd", "h1", "h2", "h3", "h4", "h5"):
            return parent
    return tag
