"""What a text changes against the text before it: one comparison used by `/diff` and by the draft
threads' "what changed" happenings, so both say the same.

The earlier text of a revision is the version it replaces (Rev.k -> Rev.k-1 or the original); of a new
draft or a resolution, the initiative's latest earlier resolution (the vote history's titles and the
adopted texts the store knows). Parsed texts are kept in the store by symbol, so a text is fetched once.
Fetching blocks: callers in the event loop run this in a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.telegram_format import MESSAGE_LIMIT
from bot.text_diff_format import html_document, plain, short_labels, telegram_html
from state.vote_history import VoteHistory
from watchers.base import PageFetcher
from watchers.symbols import parse_symbol
from watchers.texts.align import diff_texts
from watchers.texts.changes import TextDiff
from watchers.texts.fetch import fetch_text
from watchers.texts.model import ParsedText
from watchers.texts.predecessor import predecessor_resolution, revised_version

if TYPE_CHECKING:
    from bot.runtime import Runtime

MAX_DOCUMENT = 1_000_000  # characters of the full HTML diff kept with a happening


@dataclass(frozen=True)
class Comparison:
    """A text against the one before it, with its labels ("Rev.1", "L.13")."""

    old_symbol: str
    new_symbol: str
    diff: TextDiff

    @property
    def labels(self) -> tuple[str, str]:
        return short_labels(self.old_symbol, self.new_symbol)

    @property
    def summary(self) -> str:
        return self.diff.summary(*self.labels)

    def telegram(self, limit: int = MESSAGE_LIMIT) -> tuple[str, int]:
        """Telegram HTML of the changes within `limit`, and how many changes did not fit."""
        message = telegram_html(self.diff, *self.labels, limit)
        return message.html, message.left_out

    def document(self) -> str:
        title = f"{self.new_symbol} against {self.old_symbol}"
        return html_document(self.diff, title, *self.labels)[:MAX_DOCUMENT]

    def plain_lines(self) -> list[str]:
        """Every change as plain lines, the summary aside (for the console and the email digest)."""
        return [line for line in plain(self.diff, *self.labels).splitlines()[1:] if line.strip()]


class TextComparer:
    """Fetches texts through `fetcher`, keeping parsed ones with `remember` and finding them with `known`."""

    def __init__(
        self,
        fetcher: PageFetcher,
        url: str,
        history: VoteHistory,
        title_of: Callable[[str], str | None] = lambda symbol: None,
        resolutions: Callable[[], Iterable[tuple[str, str]]] = tuple,
        known: Callable[[str], ParsedText | None] = lambda symbol: None,
        remember: Callable[[str, ParsedText], None] = lambda symbol, text: None,
    ):
        self.fetcher = fetcher
        self.url = url
        self.history = history
        self.title_of = title_of
        self.resolutions = resolutions
        self.known = known
        self.remember = remember

    def text(self, symbol: str) -> ParsedText:
        """The parsed text of `symbol`; TextUnavailable when it cannot be had."""
        kept = self.known(symbol)
        if kept is not None:
            return kept
        text = fetch_text(self.fetcher, symbol, self.url)
        self.remember(symbol, text)
        return text

    def earlier(self, symbol: str, text: ParsedText | None = None) -> str | None:
        """The text `symbol` is to be compared with, or None when none is known."""
        parsed = parse_symbol(symbol)
        if parsed is None:
            return None
        revised = revised_version(parsed)
        if revised is not None:
            return revised.normalised
        title = self.title_of(parsed.normalised) or (text.title if text else "") or ""
        return predecessor_resolution(title, parsed.session, self.history, self.resolutions())

    def compare(self, new_symbol: str, old_symbol: str | None = None) -> Comparison | None:
        """`new_symbol` against `old_symbol` (or the text before it); None when nothing comes before it."""
        new = self.text(new_symbol)
        old_symbol = old_symbol or self.earlier(new_symbol, new)
        if old_symbol is None:
            return None
        return Comparison(old_symbol, new_symbol, diff_texts(self.text(old_symbol), new))


def text_comparer(runtime: Runtime, history: VoteHistory) -> TextComparer:
    """A comparer on the process's shared HTTP client (one per-host gap with the pollers), reading titles,
    adopted texts and kept texts from the store."""
    store = runtime.store

    def title_of(symbol: str) -> str | None:
        item = store.item(symbol)
        return str(item.fields.get("title") or "") or None if item else None

    def resolutions() -> list[tuple[str, str]]:
        found = store.items(kind="document", key_prefix="A/HRC/RES/", limit=100_000)
        return [(i.key, str(i.fields.get("title") or "")) for i in found]

    def known(symbol: str) -> ParsedText | None:
        kept = store.text(symbol)
        return ParsedText.from_json(kept) if kept is not None else None

    def remember(symbol: str, text: ParsedText) -> None:
        store.keep_text(symbol, text.to_json())

    return TextComparer(
        runtime.http, runtime.config.texts.url, history, title_of, resolutions, known, remember
    )
