"""The answer to `/diff SYMBOL [OTHER]`: what a text changes against another, for a Telegram chat.

With one symbol the other text is the one it replaces: a revision's previous version (Rev.k -> Rev.k-1
or the original), or for a draft or a resolution the initiative's latest earlier resolution (from the
vote history and the adopted texts the store knows). Fetching blocks, so it runs in a thread; a text
that cannot be had is a sentence naming it. When the message cannot hold every change, the whole diff
comes as an HTML document too.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.telegram_format import MESSAGE_LIMIT
from bot.text_diff_format import html_document, short_labels, telegram_html
from state.vote_history import VoteHistory
from watchers.base import PageFetcher
from watchers.fetch import HttpFetcher
from watchers.symbols import parse_symbol
from watchers.texts.align import diff_texts
from watchers.texts.errors import TextUnavailable
from watchers.texts.fetch import fetch_text
from watchers.texts.model import ParsedText
from watchers.texts.predecessor import predecessor_resolution, revised_version

if TYPE_CHECKING:
    from bot.runtime import Runtime

USAGE = (
    "Send a symbol, for example: /diff A/HRC/61/L.13/Rev.1"
    " (or two to compare: /diff A/HRC/61/L.13/Rev.1 A/HRC/RES/58/5)"
)
MAX_ARGUMENT = 60


@dataclass(frozen=True)
class DiffAnswer:
    """Telegram HTML for the message, and the full diff as an HTML file when the message is cut."""

    html: str
    document: bytes | None = None
    filename: str = ""


def _in_order(args: Sequence[str]) -> list[str]:
    """Symbols normalised, the older first when both are HRC symbols (a draft before its resolution)."""
    parsed = [parse_symbol(a) for a in args]
    if all(parsed):
        return [s.normalised for s in sorted(parsed, key=lambda s: s.sort_key)]  # type: ignore[union-attr]
    return [a.strip() for a in args]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DiffService:
    """Fetches with the given client; `title_of` and `resolutions` read what the store knows."""

    def __init__(
        self,
        fetcher: PageFetcher,
        url: str,
        history: VoteHistory,
        title_of: Callable[[str], str | None] = lambda symbol: None,
        resolutions: Callable[[], Iterable[tuple[str, str]]] = tuple,
    ):
        self.fetcher = fetcher
        self.url = url
        self.history = history
        self.title_of = title_of
        self.resolutions = resolutions

    async def _fetch(self, symbol: str) -> ParsedText:
        return await asyncio.to_thread(fetch_text, self.fetcher, symbol, self.url)

    def _earlier(self, symbol: str, text: ParsedText) -> str | None:
        parsed = parse_symbol(symbol)
        if parsed is None:
            return None
        revised = revised_version(parsed)
        if revised is not None:
            return revised.normalised
        title = self.title_of(parsed.normalised) or text.title or ""
        return predecessor_resolution(title, parsed.session, self.history, self.resolutions())

    async def answer(self, args: Sequence[str], limit: int = MESSAGE_LIMIT) -> DiffAnswer:
        if not args or len(args) > 2 or any(len(a) > MAX_ARGUMENT for a in args):
            return DiffAnswer(_escape(USAGE))
        symbols = _in_order(args)
        if any(not re.fullmatch(r"[A-Za-z0-9./()\- ]+", s) for s in symbols):
            return DiffAnswer(_escape(USAGE))
        try:
            new = await self._fetch(symbols[-1])
            old_symbol = symbols[0] if len(symbols) == 2 else self._earlier(symbols[0], new)
            if old_symbol is None:
                return DiffAnswer(
                    _escape(
                        f"No earlier text of {symbols[0]} is known. Send two symbols: /diff OLD {symbols[0]}"
                    )
                )
            old = await self._fetch(old_symbol)
        except TextUnavailable as exc:
            return DiffAnswer(_escape(f"Cannot compare: {exc}"))
        diff = diff_texts(old, new)
        old_label, new_label = short_labels(old_symbol, symbols[-1])
        message = telegram_html(diff, old_label, new_label, limit)
        if not message.left_out:
            return DiffAnswer(message.html)
        title = f"{symbols[-1]} against {old_symbol}"
        document = html_document(diff, title, old_label, new_label).encode("utf-8")
        name = re.sub(r"[^A-Za-z0-9.]+", "-", f"diff {symbols[-1]} {old_symbol}").strip("-") + ".html"
        return DiffAnswer(message.html, document, name)


def diff_service(runtime: Runtime, history: VoteHistory) -> DiffService:
    """A DiffService with its own HTTP client from the config, reading titles from the store."""
    store = runtime.store

    def title_of(symbol: str) -> str | None:
        item = store.item(symbol)
        return str(item.fields.get("title") or "") or None if item else None

    def resolutions() -> list[tuple[str, str]]:
        found = store.items(kind="document", key_prefix="A/HRC/RES/", limit=100_000)
        return [(i.key, str(i.fields.get("title") or "")) for i in found]

    return DiffService(
        HttpFetcher(runtime.config.http), runtime.config.texts.url, history, title_of, resolutions
    )
