"""Kind `press_feed`: UN Geneva meeting summaries and OHCHR news feeds, for same-day results.

A feed entry carries a short description (the real UN Geneva feed: about ten entries in 9 KB), so when
an entry reports action by the Council the article behind its link (on the feed's own site) is read,
through the fetcher the poll is given (per-host gap, conditional GET, size cap and cache are the
fetcher's). The article gives one vote item per stated result (watchers.votes.parse_text), keyed by
symbol, else by session and title. When the article cannot be had, the entry's own text is read instead
and the poll goes on; a later poll reads the article again until it has it. What this source last said
about `article:<link>` (PollContext.observed) tells whether the article was read in full (`read_from`
"article"), so it is not fetched again.

The article item is bookkeeping (not posted): title, url, date, read_from, symbols, the sentences
reporting votes. A feed is a window, not a listing: every snapshot is additive (complete=False), so an
entry that scrolls off is never "removed".
"""

from __future__ import annotations

import logging
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from watchers.base import Item, Page, PageFetcher, PollContext, Snapshot, SourceError, Watcher
from watchers.pages import absolute, clean_text, entry_date, html_blocks, load_feed
from watchers.registry import register
from watchers.symbols import find_symbols
from watchers.votes.items import vote_item
from watchers.votes.parse_text import parse_vote_texts

log = logging.getLogger("hrcwatch.press_feed")

MAX_ENTRY_TEXT = 50_000
# A poll reads at most this many articles (each waits for the host's gap); the others are read from their
# entries and their articles on the next polls. The real feed carries about ten entries.
MAX_ARTICLES_PER_POLL = 10
MAX_SENTENCES = 30
ReadFrom = Literal["article", "entry"]
_COUNCIL = re.compile(r"Human\s{1,3}Rights\s{1,3}Council|\bHRC\b", re.IGNORECASE)
_ACTION = re.compile(
    r"\b(?:adopt(?:ed|s|ing)?|reject(?:ed|s)?|withdr[ae]wn?|recorded\s{1,3}vote|without\s{1,3}a\s{1,3}vote"
    r"|in\s{1,3}favou?r)\b",
    re.IGNORECASE,
)
_VOTE_SENTENCE = re.compile(
    r"in\s{1,3}favou?r|against|abst[a-z]{0,9}|recorded\s{1,3}vote|without\s{1,3}a\s{1,3}vote"
    r"|\b\d{1,2}\s?[-–]\s?\d{1,2}\s{1,3}vote",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


def _entry_text(entry: Any) -> str:
    """The entry's body as plain text, a paragraph per block: full content if the feed carries it, else
    the summary."""
    parts = [c.get("value", "") for c in entry.get("content", []) or []] or [entry.get("summary", "")]
    return html_blocks(" ".join(str(p) for p in parts)[:MAX_ENTRY_TEXT])


def vote_sentences(text: str) -> list[str]:
    """The sentences that report how a text fared (counts, "without a vote"), in order."""
    flat = " ".join(text.split())
    found = [s.strip() for s in _SENTENCE_END.split(flat) if _VOTE_SENTENCE.search(s)]
    return [s[:1000] for s in found[:MAX_SENTENCES]]


def reports_council_action(title: str, text: str) -> bool:
    whole = f"{title} {text}"
    names_council = bool(_COUNCIL.search(whole)) or any(s.is_draft for s in find_symbols(whole))
    return names_council and bool(_ACTION.search(whole))


def story_items(
    url: str, title: str, published: str | None, text: str, read_from: ReadFrom, feed: str
) -> list[Item]:
    """The article item and one vote item per vote the story reports with both tallies."""
    fields: dict[str, Any] = {
        "title": title,
        "url": url,
        "date": published,
        "read_from": read_from,
        "symbols": [s.normalised for s in find_symbols(f"{title} {text}")],
        "vote_sentences": vote_sentences(text),
        "summary": clean_text(text, 500),
        "feed": feed,
    }
    items = [Item(key=f"article:{url}", kind="article", fields=fields)]
    day = (published or "")[:10] or None
    votes = [
        v
        for v in parse_vote_texts(f"{title}\n\n{text}", published=day)
        if v.yes is not None and v.no is not None
    ]
    for vote in votes:
        checks = {**vote.checks, "read_from": read_from}
        if len(votes) == 1 and vote.key_symbol is None and vote.title is None and title:
            vote = vote.with_changes(title=title)
            checks["title"] = "the article's headline (the story names the text no other way)"
        if vote.date is None and day is not None:
            checks["date"] = "the feed entry's date (a summary is published on the day of its meeting)"
        item = vote_item(vote.with_changes(source=url, date=vote.date or day, checks=checks))
        if item is not None:
            items.append(item)
    return items


def same_site(feed_url: str, link: str) -> bool:
    """Articles are read only from the feed's own site (www.ungeneva.org's feed, www.ungeneva.org's
    summaries): a feed is not a list of hosts for the bot to visit."""
    feed_host = (urlsplit(feed_url).hostname or "").removeprefix("www.")
    link_host = (urlsplit(link).hostname or "").removeprefix("www.")
    return bool(feed_host) and feed_host == link_host


def _read_article(fetcher: PageFetcher, url: str) -> str | None:
    """The article's story, or None when it cannot be had (logged: the entry's text stands in)."""
    from watchers.article import article_parts

    try:
        page = fetcher.get(url)
        if page is None:
            page = fetcher.cached(url) or fetcher.get(url, conditional=False)
        if page is None:
            return None
        return article_parts(page)[1]
    except SourceError as exc:
        log.info("article %s not read (%s): the feed entry's text is used until it is", url, exc.outcome)
        return None


def feed_items(page: Page, fetcher: PageFetcher | None, context: PollContext | None) -> list[Item]:
    """Items of every entry reporting Council action; articles are read when a fetcher is given."""
    feed = load_feed(page)
    items: dict[str, Item] = {}
    fetches = 0
    for entry in feed.entries:
        title = clean_text(str(entry.get("title", "")), 500)
        url = absolute(page.url, entry.get("link"))
        text = _entry_text(entry)
        if url is None or f"article:{url}" in items or not reports_council_action(title, text):
            continue
        previous = context.observed(f"article:{url}") if context else None
        if previous is not None and previous.get("read_from") == "article":
            continue
        story = None
        if fetcher is not None and same_site(page.url, url) and fetches < MAX_ARTICLES_PER_POLL:
            fetches += 1
            story = _read_article(fetcher, url)
        found = story_items(
            url, title, entry_date(entry), story or text, "article" if story else "entry", page.url
        )
        for item in found:
            items.setdefault(item.key, item)
    return list(items.values())


def parse_press_feed(page: Page) -> list[Item]:
    """What the feed itself says, no article fetched (`parse`: tests, fuzzing, hostile pages)."""
    return feed_items(page, None, None)


@register
class PressFeed(Watcher):
    kind = "press_feed"

    def told_as(self) -> str:
        """UN Geneva's meeting summaries and press releases, OHCHR's news, or the feed's host."""
        parts = urlsplit(self.url)
        host, path = (parts.hostname or "").lower(), parts.path.lower()
        if "meeting-summar" in path:
            return "the UN Geneva meeting summary"
        if "press-release" in path:
            return "a UN Geneva press release"
        if host.endswith("ohchr.org"):
            return "OHCHR news"
        return f"the press feed at {host or self.url}"

    def parse(self, page: Page) -> list[Item]:
        return parse_press_feed(page)

    def inspect(self, page: Page, fetcher: PageFetcher) -> list[Item]:
        return feed_items(page, fetcher, None)

    def poll(self, fetcher: PageFetcher, context: PollContext) -> Snapshot:
        """The feed, then each new article reporting Council action; one failed article never fails the
        poll (its entry's text is read and the article is tried again next time)."""
        redirects = self.allow_redirects_to
        page = fetcher.get(self.url, allow_redirects_to=redirects)
        if page is None:
            page = fetcher.cached(self.url) or fetcher.get(
                self.url, conditional=False, allow_redirects_to=redirects
            )
        if page is None or not page.body.strip():
            raise SourceError("parse_error", f"{self.url}: empty body")
        return Snapshot(items=tuple(feed_items(page, fetcher, context)), complete=False, parsed=1)
