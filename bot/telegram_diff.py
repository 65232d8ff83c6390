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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.telegram_format import MESSAGE_LIMIT
from bot.text_compare import TextComparer, text_comparer
from state.vote_history import VoteHistory
from watchers.symbols import parse_symbol
from watchers.texts.errors import TextUnavailable

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
    """/diff's answers, from the comparison the draft threads use."""

    def __init__(self, comparer: TextComparer):
        self.comparer = comparer

    async def answer(self, args: Sequence[str], limit: int = MESSAGE_LIMIT) -> DiffAnswer:
        if not args or len(args) > 2 or any(len(a) > MAX_ARGUMENT for a in args):
            return DiffAnswer(_escape(USAGE))
        symbols = _in_order(args)
        if any(not re.fullmatch(r"[A-Za-z0-9./()\- ]+", s) for s in symbols):
            return DiffAnswer(_escape(USAGE))
        old = symbols[0] if len(symbols) == 2 else None
        try:
            comparison = await asyncio.to_thread(self.comparer.compare, symbols[-1], old)
        except TextUnavailable as exc:
            return DiffAnswer(_escape(f"Cannot compare: {exc}"))
        if comparison is None:
            return DiffAnswer(
                _escape(f"No earlier text of {symbols[0]} is known. Send two symbols: /diff OLD {symbols[0]}")
            )
        message, left_out = comparison.telegram(limit)
        if not left_out:
            return DiffAnswer(message)
        name = re.sub(r"[^A-Za-z0-9.]+", "-", f"diff {comparison.new_symbol} {comparison.old_symbol}")
        return DiffAnswer(message, comparison.document().encode("utf-8"), name.strip("-") + ".html")


def diff_service(runtime: Runtime, history: VoteHistory) -> DiffService:
    """/diff with the daemon's shared HTTP client and the texts the store keeps."""
    return DiffService(text_comparer(runtime, history))
