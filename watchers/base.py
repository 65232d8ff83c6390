"""What every watcher kind shares: the items it emits, the page it is given, and how it fails.

A watcher turns fetched pages into `Item`s. It never touches the store; the poller hands its
`Snapshot` to the diff store. Failure is always an exception, never an empty list, so that a broken
page can never read as "everything was removed".
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

_PLACEHOLDER = re.compile(r"\{[^{}/?&=]{0,40}\}")

ItemKind = Literal["document", "vote", "meeting", "article"]

FetchOutcome = Literal[
    "ok",
    "not_modified",
    "blocked",
    "http_error",
    "timeout",
    "network_error",
    "too_large",
    "redirect_refused",
    "parse_error",
    "broken",
]


@dataclass(frozen=True)
class Item:
    """One thing a source reports. `key` is global: the same document seen by two sources is one item.

    Documents are keyed by their normalised symbol ("A/HRC/61/L.13/Rev.1"), votes by "vote:" plus the
    draft (or adopted) symbol, meetings by "meeting:" plus their asset id, press articles by "article:"
    plus their link. When several sources report one item, the first observer's fields win and later
    ones fill gaps, unless `fields["authority"]` (an int, default 0) ranks one source above another.
    `fields` must be JSON-serialisable.
    """

    key: str
    kind: ItemKind
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Page:
    """A fetched HTTP answer (already classified as a usable 200)."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """Decodes the body; invalid bytes are replaced, never fatal."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"' ")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


class SourceError(Exception):
    """A poll that yielded no trustworthy snapshot. `outcome` classifies it for status and metrics;
    `retry_after` (seconds) is the server's Retry-After, `status` the HTTP status of an http_error."""

    def __init__(
        self,
        outcome: FetchOutcome,
        message: str,
        retry_after: float | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.outcome = outcome
        self.retry_after = retry_after
        self.status = status


class ParseError(SourceError):
    """The page arrived but is not what this watcher kind can read."""

    def __init__(self, message: str):
        super().__init__("parse_error", message)


@dataclass(frozen=True)
class Snapshot:
    """What one poll saw.

    complete=True: the items are everything the source lists now (absent items count towards removal,
    and an empty snapshot after a non-empty one, or one that lost most of its items, is a broken page).
    complete=False: the items are additions only, or a window that scrolls (probes, feeds): absence
    means nothing.
    not_modified=True: every page answered 304; the store keeps what it had.
    """

    items: tuple[Item, ...] = ()
    complete: bool = True
    not_modified: bool = False
    parsed: int = 0  # pages read in this poll (a page unchanged since the last snapshot is not)


class PageFetcher(ABC):
    """The shared HTTP client as a watcher sees it (implemented in watchers.fetch).

    It keeps the last good body of every URL it fetched conditionally, so a 304 page can be re-read.
    """

    @abstractmethod
    def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        headers: Mapping[str, str] | None = None,
        allow_redirects_to: Sequence[str] = (),
    ) -> Page | None:
        """A usable 2xx page, or None for 304 Not Modified. Raises SourceError for anything else.

        Redirects stay on the URL's own host unless they go to a host in `allow_redirects_to`."""

    @abstractmethod
    def cached(self, url: str) -> Page | None:
        """The last good page of `url` (what a 304 stands for), if kept."""


@dataclass(frozen=True)
class PollContext:
    """What a watcher may know besides its own pages: the clock, the keys the store already holds, and
    what this source last said about a key (so a watcher can tell an article it has read already)."""

    now: datetime
    known_keys: Callable[[str], list[str]] = field(default=lambda prefix: [])
    observed: Callable[[str], Mapping[str, Any] | None] = field(default=lambda key: None)


@dataclass(frozen=True)
class NoOptions:
    """For watcher kinds with no options of their own."""


class Watcher(ABC):
    """Base of every watcher kind. Subclasses set `kind`, optionally `Options`, and implement `parse`.

    The default `poll` fetches `urls()` and parses each page; if every page answered 304 (or came back
    byte-identical) the snapshot is `not_modified`. A feed is a window, never a complete listing. Kinds
    that probe (many small requests, additive results) override `poll`.
    """

    kind: ClassVar[str]
    Options: ClassVar[type] = NoOptions
    url_placeholders: ClassVar[frozenset[str]] = frozenset()
    # 1: the UN's or OHCHR's own pages and records (official); 0: the press and any other page.
    authority: ClassVar[int] = 0
    label: ClassVar[str] = ""  # how subscribers are told the source's name ("the OHCHR session page")

    def __init__(self, name: str, url: str, options: Any, allow_redirects_to: Sequence[str] = ()):
        self.name = name
        self.url = url
        self.options = options
        self.allow_redirects_to = tuple(allow_redirects_to)

    @classmethod
    def check_url(cls, url: str) -> None:
        """A kind whose `url` is a template names its placeholders; each must be there, and no other."""
        found = set(_PLACEHOLDER.findall(url))
        missing = sorted(cls.url_placeholders - found)
        if missing:
            raise ValueError(f"a {cls.kind} url is a template: it must contain {missing[0]}")
        unknown = sorted(found - cls.url_placeholders)
        if unknown:
            raise ValueError(f"{unknown[0]} is not filled in by kind {cls.kind}: put the value in the url")

    def told_as(self) -> str:
        """Where a happening came from, in words: the kind's label, else the page's host."""
        return self.label or f"the page at {urlsplit(self.url).hostname or self.url}"

    def urls(self, context: PollContext) -> list[str]:
        return [self.url]

    @abstractmethod
    def parse(self, page: Page) -> list[Item]:
        """Items on one page. Raise ParseError when the page is not what this kind reads."""

    def inspect(self, page: Page, fetcher: PageFetcher) -> list[Item]:
        """What `python -m bot inspect` prints for one page: its items, with whatever else this kind
        fetches to read them (a press feed's articles)."""
        return self.parse(page)

    def poll(self, fetcher: PageFetcher, context: PollContext) -> Snapshot:
        """Fetches and parses every URL; a page unchanged since the last snapshot (304, or the same bytes)
        is re-read from the fetcher's cache, and only when another page of the source changed."""
        fresh: dict[str, Page] = {}
        urls = self.urls(context)
        redirects = self.allow_redirects_to
        for url in urls:
            page = fetcher.get(url, allow_redirects_to=redirects)
            if page is not None:
                fresh[url] = page
        if not fresh:
            return Snapshot(not_modified=True)
        pages: list[Page] = []
        for url in urls:
            page = fresh.get(url) or fetcher.cached(url)
            if page is None:
                page = fetcher.get(url, conditional=False, allow_redirects_to=redirects)
            if page is not None:
                pages.append(page)
        from watchers.pages import is_feed

        items: dict[str, Item] = {}
        for page in pages:
            if not page.body.strip():
                raise SourceError("parse_error", f"{page.url}: empty body")
            for item in self.parse(page):
                items[item.key] = merge_items(items[item.key], item) if item.key in items else item
        complete = not any(is_feed(page) for page in pages)
        return Snapshot(items=tuple(items.values()), complete=complete, parsed=len(pages))


def merge_items(first: Item, second: Item) -> Item:
    """Two sightings of one key in one snapshot: later non-empty fields win."""
    fields = dict(first.fields)
    fields.update({k: v for k, v in second.fields.items() if v not in (None, "", [], {})})
    return dataclasses.replace(first, fields=fields)
