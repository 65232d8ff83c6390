"""Kind `press_feed`: UN Geneva meeting summaries and OHCHR news feeds, for same-day results.

Only articles that report action by the Council become items: one article item (kind "document",
key "article:" + link) with the symbols it names and the sentences that report votes, and one vote
item per vote the votes parser reads from the article with a Council symbol and both tallies.
Prose is the weakest vote source: each vote item says so in `source` and the parser's checks.
"""

from __future__ import annotations

import re
from typing import Any

from watchers.base import Item, Page, Watcher
from watchers.pages import absolute, clean_text, entry_date, html_text, load_feed
from watchers.registry import register
from watchers.symbols import find_symbols
from watchers.votes.items import vote_item
from watchers.votes.parse_text import parse_vote_texts

MAX_ARTICLE = 50_000
MAX_SENTENCES = 30
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
    """The entry's body as plain text: full content if the feed carries it, else the summary."""
    parts = [c.get("value", "") for c in entry.get("content", []) or []] or [entry.get("summary", "")]
    html = " ".join(str(p) for p in parts)[:MAX_ARTICLE]
    return html_text(html)


def vote_sentences(text: str) -> list[str]:
    """The sentences that report how a text fared (counts, "without a vote"), in order."""
    found = [s.strip() for s in _SENTENCE_END.split(text) if _VOTE_SENTENCE.search(s)]
    return [s[:1000] for s in found[:MAX_SENTENCES]]


def reports_council_action(title: str, text: str) -> bool:
    whole = f"{title} {text}"
    names_council = bool(_COUNCIL.search(whole)) or any(s.is_draft for s in find_symbols(whole))
    return names_council and bool(_ACTION.search(whole))


def article_items(entry: Any, page: Page) -> list[Item]:
    title = clean_text(str(entry.get("title", "")), 500)
    url = absolute(page.url, entry.get("link"))
    text = _entry_text(entry)
    if url is None or not reports_council_action(title, text):
        return []
    sentences = vote_sentences(text)
    fields: dict[str, Any] = {
        "title": title,
        "url": url,
        "date": entry_date(entry),
        "symbols": [s.normalised for s in find_symbols(f"{title} {text}")],
        "vote_sentences": sentences,
        "summary": clean_text(text, 500),
        "feed": page.url,
    }
    items = [Item(key=f"article:{url}", kind="article", fields=fields)]
    published = (fields["date"] or "")[:10] or None
    for sentence in sentences:
        items.extend(_sentence_votes(sentence, url, published))
    return items


def _sentence_votes(sentence: str, url: str, published: str | None) -> list[Item]:
    """Votes one sentence reports with a Council symbol and both tallies (one sentence, one vote)."""
    items = []
    for vote in parse_vote_texts(sentence):
        if vote.yes is None or vote.no is None:
            continue
        item = vote_item(vote.with_changes(source=url, date=vote.date or published))
        if item is not None:
            items.append(item)
    return items


def parse_press_feed(page: Page) -> list[Item]:
    feed = load_feed(page)
    items: dict[str, Item] = {}
    for entry in feed.entries:
        for item in article_items(entry, page):
            items.setdefault(item.key, item)
    return list(items.values())


@register
class PressFeed(Watcher):
    kind = "press_feed"

    def parse(self, page: Page) -> list[Item]:
        return parse_press_feed(page)
