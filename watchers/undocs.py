"""Where a symbol's text lives on the UN document system (SOURCES.md §2)."""

from __future__ import annotations

from urllib.parse import quote

ACCESS_URL = "https://documents.un.org/api/symbol/access?s={symbol}&l={lang}&t=pdf"


def pdf_url(symbol: str, lang: str = "en", encode_slashes: bool = False) -> str:
    """The PDF by symbol. The endpoint is reported to want `s` both literal and percent-encoded."""
    safe = "." if encode_slashes else "/."
    return ACCESS_URL.format(symbol=quote(symbol, safe=safe), lang=quote(lang, safe=""))


def short_link(symbol: str) -> str:
    """The canonical undocs.org link (a redirect to the viewer), fit for a message."""
    return f"https://undocs.org/{quote(symbol, safe='/.')}"
