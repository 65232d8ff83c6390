"""A text by symbol from the UN document system, through the shared fetcher and its manners.

documents.un.org serves the Word file (t=doc) and the PDF (t=pdf) of a symbol; an unpublished one
answers 200 with an empty body or an HTML page, the slashes in `s` are reported to be wanted both
literal and percent-encoded, and it sometimes answers a neighbouring document (docs/SOURCES.md §2).
So: Word first (its paragraphs need no layout guessing), then PDF, literal then encoded, at most
MAX_REQUESTS requests; the symbol printed in the text must be the one asked for. Every way of failing
is a TextUnavailable naming the symbol.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from watchers.base import PageFetcher, SourceError
from watchers.symbols import parse_symbol
from watchers.texts.config import DEFAULT_URL
from watchers.texts.errors import Reason, TextUnavailable
from watchers.texts.extract import extract
from watchers.texts.model import ParsedText
from watchers.texts.paragraphs import parse_layout

MAX_REQUESTS = 4
ATTEMPTS = (("doc", "/."), ("pdf", "/."), ("doc", "."), ("pdf", "."))
_FILE = {"doc": "Word file", "pdf": "PDF"}
_SKIP = ("not_published", "old_word", "unreadable", "scanned", "not_the_document", "no_paragraphs")
_PREFERENCE = ("scanned", "not_the_document", "no_paragraphs", "unreadable", "old_word", "not_published")


def same_symbol(asked: str, printed: str) -> bool:
    """The symbol printed in a text is the one asked for (HRC symbols compared normalised)."""
    a, b = parse_symbol(asked), parse_symbol(printed)
    if a is not None and b is not None:
        return a.normalised == b.normalised
    squeeze = "".join(asked.split()).upper(), "".join(printed.split()).upper()
    return squeeze[0] == squeeze[1] or squeeze[1].startswith(squeeze[0] + "/PART")


def _read(fetcher: PageFetcher, url: str) -> bytes:
    page = fetcher.get(url)
    if page is None:
        page = fetcher.cached(url) or fetcher.get(url, conditional=False)
    assert page is not None  # an unconditional request never answers 304
    return page.body


def fetch_text(fetcher: PageFetcher, symbol: str, url: str = DEFAULT_URL) -> ParsedText:
    """The parsed text of `symbol`. TextUnavailable (reason, and a sentence naming the symbol) else."""
    failures: list[tuple[Reason, str]] = []
    for kind, safe in ATTEMPTS[:MAX_REQUESTS]:
        target = url.format(symbol=quote(symbol, safe=safe), type=kind)
        what = _FILE[kind]
        try:
            body = _read(fetcher, target)
        except SourceError as exc:
            if exc.outcome == "http_error" and str(exc).endswith(("HTTP 404", "HTTP 410")):
                failures.append(("not_published", f"not published (yet): {exc}"))
                continue
            reason: Reason = {"blocked": "blocked", "too_large": "too_large"}.get(exc.outcome, "fetch_failed")  # type: ignore[assignment]
            raise TextUnavailable(reason, f"{symbol}: could not be fetched: {exc}") from None
        try:
            text = parse_layout(extract(body))
        except TextUnavailable as exc:
            if exc.reason not in _SKIP:
                raise TextUnavailable(exc.reason, f"{symbol}: the {what}: {exc}") from None
            detail = str(exc) if exc.reason == "not_published" else f"the {what}: {exc}"
            failures.append((exc.reason, detail))
            continue
        if text.symbol and not same_symbol(symbol, text.symbol):
            failures.append(("not_the_document", f"the server answered the text of {text.symbol} ({what})"))
            continue
        return dataclasses.replace(text, symbol=text.symbol or symbol, meta={"url": target})
    reason, detail = min(failures, key=lambda f: _PREFERENCE.index(f[0]))
    raise TextUnavailable(reason, f"{symbol}: {detail}")
