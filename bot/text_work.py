"""Does the comparisons drafts wait for: fetch both texts, compare, tell the result in the draft's thread.

Runs outside any store transaction (fetching takes seconds per text), a few comparisons per run. A text
that is not published yet, or could not be fetched, is tried again later with back-off, and given up
after GIVE_UP; one that cannot be read (a scan without text, an old Word file, another document) is told
once as such, never as an empty comparison. An addendum without paragraphs of text (a list of sponsors)
and a new draft with no earlier text of its initiative are not comparisons, and tell nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.telegram_format import MESSAGE_LIMIT
from bot.text_compare import Comparison, TextComparer
from state.happenings import SourceInfo
from state.store import Store
from state.text_work import TextWork, backoff
from watchers.symbols import parse_symbol
from watchers.texts.errors import TextUnavailable

log = logging.getLogger("hrcwatch.texts")

SOURCE = SourceInfo("texts", "the UN document system", 1)
GIVE_UP = timedelta(days=3)
RETRIED = frozenset({"not_published", "fetch_failed", "blocked"})
MAX_LINES = 80


def facts_of(comparison: Comparison) -> dict[str, Any]:
    """What the happening says: the summary, the changes in words, and the diff for Telegram and as a page."""
    html, left_out = comparison.telegram(MESSAGE_LIMIT)
    facts: dict[str, Any] = {
        "symbol": comparison.new_symbol,
        "against": comparison.old_symbol,
        "summary": comparison.summary,
        "lines": comparison.plain_lines()[:MAX_LINES],
        "telegram_html": html,
        "left_out": left_out,
    }
    if left_out:
        facts["document"] = comparison.document()
    return facts


def _unreadable(work: TextWork, exc: TextUnavailable) -> dict[str, Any]:
    return {
        "symbol": work.symbol,
        "against": work.against,
        "summary": f"What {work.symbol} changes cannot be told: {exc}",
        "failure": exc.reason,
    }


def _is_addendum(symbol: str) -> bool:
    parsed = parse_symbol(symbol)
    return parsed is not None and bool(parsed.suffixes) and parsed.suffixes[-1][0] == "Add"


def run_text_work(store: Store, comparer: TextComparer, now: datetime, budget: int) -> int:
    """Up to `budget` due comparisons; returns how many notices they queued."""
    told = 0
    for work in store.due_text_work(now, budget):
        try:
            comparison = comparer.compare(work.symbol, work.against)
        except TextUnavailable as exc:
            told += _failed(store, work, exc, now)
            continue
        if comparison is None:
            store.text_work_done(work, "done", "no earlier text of its initiative is known")
            continue
        told += len(store.tell_text_changes(work, facts_of(comparison), SOURCE, now))
        log.info("texts: %s", comparison.summary)
    return told


def _failed(store: Store, work: TextWork, exc: TextUnavailable, now: datetime) -> int:
    if exc.reason in RETRIED:
        if now - work.created_at > GIVE_UP:
            log.warning("texts: %s given up after %s: %s", work.symbol, GIVE_UP, exc)
            store.text_work_done(work, "given_up", str(exc))
        else:
            store.text_work_later(work, str(exc), now + backoff(work.attempts))
        return 0
    if exc.reason == "no_paragraphs" and _is_addendum(work.symbol):
        store.text_work_done(work, "done", "an addendum without text paragraphs (sponsors, budget)")
        return 0
    log.warning("texts: %s: %s", work.symbol, exc)
    return len(store.tell_text_changes(work, _unreadable(work, exc), SOURCE, now))
