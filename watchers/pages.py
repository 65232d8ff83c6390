"""Reading untrusted page bodies: HTML via lxml, feeds via feedparser, with garbage refused.

Every watcher kind that reads HTML or RSS goes through here, so "this is not a page at all" is decided
in one place and always raises ParseError instead of yielding zero items.
"""

from __future__ import annotations

import calendar
import codecs
import functools
import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from watchers.base import Page, ParseError

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

# lxml and feedparser are imported when a page is parsed: a cycle of 304s never pays for them.

MAX_TITLE = 300
# What a parse may build: a page with more tags than this is refused before it is parsed. An lxml tree
# costs up to ~600 bytes per element (attributes and text included), so the tree stays under ~90 MB;
# the largest real listing imaginable (2,000 documents of ~30 tags) needs 60,000.
MAX_TAGS = 150_000
_TAIL = 16_384  # where a complete page's closing </body> or </html> must be
_CHECK_CHUNK = 1 << 20
_HTML_START = re.compile(rb"<\s{0,3}(?:!doctype\s{1,3}html|html|head|body|div|table|p|a|ul|section)\b", re.I)
_OPENS_DOCUMENT = re.compile(rb"<\s{0,3}(?:html|body)[\s>]", re.I)
_CLOSES_DOCUMENT = re.compile(rb"</\s{0,3}(?:html|body)\s{0,3}>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s{0,3}=\s{0,3}["']?([A-Za-z0-9._-]{1,40})""", re.I)
_FEED_START = re.compile(rb"<\s{0,3}(?:rss|feed|rdf:RDF)\b", re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_XML_ENCODING = re.compile(rb"""^\s{0,8}<\?xml[^>]{0,200}encoding\s{0,3}=\s{0,3}["']([A-Za-z0-9._-]{1,40})""")
_FEED_END = (b"</rss>", b"</feed>", b"</rdf:rdf>")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_JUNK = ("script", "style", "noscript", "template")
_EDGE_PUNCT = " \t\n-–—:|,;()[]/·•"


def clean_text(text: str, cap: int = MAX_TITLE) -> str:
    """Collapses whitespace, trims separators left around removed symbols, and caps the length."""
    collapsed = " ".join(text[: cap * 4].split()).strip(_EDGE_PUNCT)
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
    """Checked a megabyte at a time: decoding a 10 MB body whole would hold up to 40 MB of text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    try:
        for start in range(0, len(body), _CHECK_CHUNK):
            decoder.decode(view[start : start + _CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf8_body(page: Page) -> bytes:
    """The body as UTF-8: as it is when it is valid UTF-8, else decoded by the HTTP header's charset,
    then the page's own <meta>, then UTF-8, with invalid bytes as U+FFFD.

    A wrong meta tag must not garble every title, so valid UTF-8 and the header come first; lxml is then
    told the encoding, so it never guesses.
    """
    if _is_utf8(page.body):
        return page.body
    meta = _META_CHARSET.search(page.body[:4096])
    declared = _known_codec(_header_charset(page)) or _known_codec(meta.group(1).decode() if meta else None)
    return page.body.decode(declared or "utf-8", errors="replace").encode("utf-8")


def _require_complete(page: Page) -> None:
    """A page that opened <html> or <body> must close one of them near its end, or it was cut off.

    Browsers forgive a missing </html> (HTML allows omitting both end tags), so either closing tag
    counts; every HTML fixture of the project closes both, and a page that omits both is refused
    loudly (a parse_error in the source's health) rather than read as complete: a cut-off listing read
    as complete announces every document after the cut as removed.
    """
    if _OPENS_DOCUMENT.search(page.body[:65536]) and not _CLOSES_DOCUMENT.search(page.body[-_TAIL:]):
        raise ParseError(
            f"{page.url}: truncated (no </body> or </html> at its end); a partial page is no snapshot"
        )


def drop(element: Element) -> None:
    """Removes an element and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _without_junk(root: Element) -> Element:
    for junk in list(root.iter(*_JUNK)):
        drop(junk)
    return root


def load_html(page: Page) -> Element:
    """The page as an lxml tree without scripts, styles and comments; ParseError for an empty, binary,
    non-HTML, truncated or oversized body, or one the parser gave up on (nesting deeper than 256)."""
    _require_text(page)
    if not _HTML_START.search(page.body[:65536]):
        raise ParseError(f"{page.url}: not an HTML page")
    _require_complete(page)
    tags = page.body.count(b"<")
    if tags > MAX_TAGS:
        raise ParseError(f"{page.url}: {tags} tags, more than the {MAX_TAGS} a page may have; refused")
    from lxml import etree

    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(_utf8_body(page), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{page.url}: not an HTML page ({str(exc)[:100]})") from None
    fatal = next((e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL), None)
    if fatal is not None:
        raise ParseError(f"{page.url}: the HTML parser stopped at line {fatal.line}: {fatal.message[:100]}")
    if root is None:
        raise ParseError(f"{page.url}: not an HTML page (nothing in it)")
    return _without_junk(root)


_BLOCKS = frozenset({"p", "li", "div", "br", "h1", "h2", "h3", "h4", "tr"})


def html_blocks(fragment: str) -> str:
    """The text of an HTML fragment with each block (paragraph, list item, line break) on a line of its
    own and a blank line between blocks: the vote reader splits votes at paragraphs."""
    if not fragment.strip():
        return ""
    from lxml import etree

    try:
        root = etree.fromstring(fragment, parser=etree.HTMLParser(remove_comments=True, no_network=True))
    except (etree.ParserError, ValueError):
        return ""
    if root is None:
        return ""
    root = _without_junk(root)
    for block in root.iter(*_BLOCKS):
        block.tail = "\n\n" + (block.tail or "")
    lines = "".join(root.itertext()).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def element_text(element: Element) -> str:
    """An element's text with a space between its pieces, as a reader sees the cells of a row."""
    return " ".join(element.itertext())


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


@functools.lru_cache(maxsize=64)
def _origin(base: str) -> str | None:
    """scheme://host of an http(s) URL, where a root-relative link ("/doc/x") lands."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def absolute(base: str, href: str | None, site: str | None = None) -> str | None:
    """An http(s) URL for a link on `base`; None for javascript:, mailto:, fragments and junk.

    `site` resolves relative links when the page was read from a file (`inspect` on a saved page).
    """
    if not href:
        return None
    if site and urlsplit(base).scheme not in ("http", "https"):
        base = site
    href = href.strip()[:2000]
    origin = _origin(base) if href[:1] == "/" and href[:2] != "//" and "/." not in href else None
    if origin is not None:
        return origin + href  # what urljoin gives for a root-relative path, without its cost
    url = urljoin(base, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def entry_date(entry: Any) -> str | None:
    """An entry's published (or updated) time as ISO 8601 UTC. Read as a plain dict: feedparser's own
    lookup of a missing `updated_parsed` falls back to `published_parsed`, with a DeprecationWarning."""
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key) if isinstance(entry, dict) else None
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat()
            except (OverflowError, OSError, ValueError):
                return None
    return None
