"""Kind `symbol_probe`: finds drafts no listing shows yet by asking documents.un.org for them.

For a session (or "current": the newest regular session among the symbols the store holds) it asks
for the next L numbers after the highest known draft, and for the next Rev./Add. of known drafts.
Each probe is a 64-byte Range request: an unpublished symbol answers 200 with an empty body or an
HTML page, so only a body starting with `%PDF` counts; when the server sends the whole file, a PDF
that names another HRC symbol but not the probed one is a neighbouring document and is refused.
A budget caps the requests of one cycle and a gap separates them. Results are additive
(complete=False): a symbol not found this time means nothing. A 4xx answer is "not published"; a 429 or
a 5xx (after the fetcher's bounded retry) fails the poll with its Retry-After, unless drafts were
already found this cycle, which are kept.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, Literal
from urllib.parse import quote

from watchers.base import (
    Item,
    Page,
    PageFetcher,
    ParseError,
    PollContext,
    Snapshot,
    SourceError,
    Watcher,
)
from watchers.registry import register
from watchers.symbols import Symbol, find_symbols, parse_symbol
from watchers.symbols_page import document_item
from watchers.undocs import pdf_url, short_link

RANGE = {"Range": "bytes=0-63"}
MAX_STREAMS = 64  # a real drafts' PDF names its symbol in the first streams
MAX_INFLATE = 2_000_000
_SESSION = re.compile(r"^(?:current|S-[1-9][0-9]?|[1-9][0-9]{0,2})$")
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class SymbolProbeOptions:
    """session: "61", "S-34" or "current"; lookahead: new L numbers to try after the highest known;
    budget: requests per cycle; gap: pause between requests; slashes: how the symbol is spelt in the
    URL (the source's `url` is a template with {symbol})."""

    session: str = "current"
    lookahead: int = 3
    budget: int = 12
    gap: timedelta = timedelta(seconds=5)
    revisions: bool = True
    slashes: Literal["literal", "encoded", "both"] = "literal"

    def validate(self) -> None:
        if not _SESSION.match(self.session):
            raise ValueError(f'session must be "current", a number or "S-<n>", got {self.session!r}')
        if not 1 <= self.budget <= 200:
            raise ValueError(f"budget must be between 1 and 200, got {self.budget}")
        if not 0 <= self.lookahead <= 50:
            raise ValueError(f"lookahead must be between 0 and 50, got {self.lookahead}")


def current_session(keys: list[str]) -> str | None:
    """The newest regular session among known symbols (special sessions are probed by name)."""
    sessions = [s.session for k in keys if (s := parse_symbol(k)) and not s.is_special_session]
    return max(sessions, key=int, default=None)


def _texts(body: bytes) -> list[bytes]:
    """The raw PDF and its inflated streams (capped): where the symbol usually is."""
    texts = [body]
    budget = MAX_INFLATE
    view = memoryview(body)
    for attempt, match in enumerate(_STREAM.finditer(body)):
        if budget <= 0 or attempt >= MAX_STREAMS:
            break
        try:
            inflated = zlib.decompressobj().decompress(view[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        texts.append(inflated)
    return texts


def verdict(page: Page, symbol: Symbol) -> bool | None:
    """True: the probed PDF (verified), None: a PDF not checkable, False: not published or another one."""
    if not page.body.startswith(b"%PDF"):
        return False
    if len(page.body) <= 64:
        return None
    named: set[str] = set()
    for text in _texts(page.body):
        named.update(s.normalised for s in find_symbols(text.decode("latin-1")))
    if symbol.normalised in named:
        return True
    return False if named else None


def not_published(error: SourceError) -> bool:
    """A 4xx answer is about this symbol; a 429 or a 5xx is about the server, so the poll failed."""
    status = error.status or 0
    return error.outcome == "http_error" and 400 <= status < 500 and status != 429


def candidates(session: str, known: list[Symbol], lookahead: int, revisions: bool) -> list[Symbol]:
    """Next L numbers first, then the next Rev. and Add. of each known family, newest first."""
    numbers = [s.number for s in known]
    top = max(numbers, default=0)
    out = [Symbol("L", session, n) for n in range(top + 1, top + 1 + lookahead)]
    if not revisions:
        return out
    known_keys = {s.normalised for s in known}
    families: dict[int, int] = {}
    for s in known:
        families[s.number] = max(families.get(s.number, 0), s.revision)
    for number in sorted(families, reverse=True):
        rev = families[number]
        base = Symbol("L", session, number, (("Rev", rev),) if rev else ())
        next_rev = Symbol("L", session, number, (("Rev", rev + 1),))
        add = Symbol("L", session, number, (*base.suffixes, ("Add", 1)))
        out.extend(s for s in (next_rev, add) if s.normalised not in known_keys)
    return out


@register
class SymbolProbe(Watcher):
    kind = "symbol_probe"
    authority = 1
    label = "the UN document system"
    Options = SymbolProbeOptions
    url_placeholders = frozenset({"{symbol}"})
    sleep: ClassVar[Callable[[float], None]] = staticmethod(time.sleep)

    def __init__(
        self, name: str, url: str, options: SymbolProbeOptions, allow_redirects_to: Sequence[str] = ()
    ):
        super().__init__(name, url, options, allow_redirects_to)
        self._rotation = 0

    def parse(self, page: Page) -> list[Item]:
        """A saved probe answer (for `inspect`): the HRC symbols a PDF names; anything else is garbage."""
        if not page.body.startswith(b"%PDF"):
            raise ParseError(f"{page.url}: not a PDF (an unpublished symbol answers like this)")
        found = {s.normalised: s for t in _texts(page.body) for s in find_symbols(t.decode("latin-1"))}
        if not found:
            raise ParseError(f"{page.url}: a PDF naming no HRC symbol: which document it is is unknown")
        return [document_item(s, pdf_url=pdf_url(s.normalised), found_by="probe") for s in found.values()]

    def _urls(self, symbol: Symbol) -> list[str]:
        template = self.url
        spelling = self.options.slashes
        urls = []
        if spelling in ("literal", "both"):
            urls.append(template.replace("{symbol}", quote(symbol.normalised, safe="/.")))
        if spelling in ("encoded", "both"):
            urls.append(template.replace("{symbol}", quote(symbol.normalised, safe=".")))
        return urls

    def _plan(self, context: PollContext) -> list[Symbol]:
        session = self.options.session
        if session == "current":
            session = current_session(context.known_keys("A/HRC/")) or ""
        if not session:
            return []
        known = [s for k in context.known_keys(f"A/HRC/{session}/L.") if (s := parse_symbol(k))]
        plan = candidates(session, [s for s in known if s.is_draft], self.options.lookahead, False)
        if self.options.revisions:
            rest = candidates(session, [s for s in known if s.is_draft], 0, True)
            if rest:
                start = self._rotation % len(rest)
                plan += rest[start:] + rest[:start]
        return plan

    def poll(self, fetcher: PageFetcher, context: PollContext) -> Snapshot:
        found: list[Item] = []
        requests = 0
        plan = self._plan(context)
        for symbol in plan:
            for url in self._urls(symbol):
                if requests >= self.options.budget:
                    break
                if requests:
                    self.sleep(self.options.gap.total_seconds())
                requests += 1
                try:
                    page = fetcher.get(
                        url, conditional=False, headers=RANGE, allow_redirects_to=self.allow_redirects_to
                    )
                except SourceError as exc:
                    if not_published(exc):
                        continue
                    if found:
                        return Snapshot(items=tuple(found), complete=False)
                    raise
                result = verdict(page, symbol) if page is not None else False
                if result is not False:
                    fields = {"pdf_url": url, "url": short_link(symbol.normalised), "found_by": "probe"}
                    found.append(document_item(symbol, verified=result is True, **fields))
                    break
        self._rotation += max(1, requests)
        return Snapshot(items=tuple(found), complete=False)
