"""Where a symbol's text lives on the UN document system (docs/SOURCES.md §2)."""

from __future__ import annotations

import re
from urllib.parse import quote

ACCESS_URL = "https://documents.un.org/api/symbol/access?s={symbol}&l={lang}&t=pdf"


def pdf_url(symbol: str, lang: str = "en", encode_slashes: bool = False) -> str:
    """The PDF by symbol. The endpoint is reported to want `s` both literal and percent-encoded."""
    safe = "." if encode_slashes else "/."
    return ACCESS_URL.format(symbol=quote(symbol, safe=safe), lang=quote(lang, safe=""))


# The UN catalogue writes "Title : draft resolution" (MARC 245 $a : $b): what follows the colon is the
# document's type, not its title.
_DOCUMENT_TYPE = re.compile(
    r"\s:\s{0,2}((?:revised\s)?draft\s(?:resolution|decision)|amendments?(?:\sto\s.{0,200})?|"
    r"(?:revised\s)?draft\s(?:President's\s)?statement)\s*$",
    re.IGNORECASE,
)


def split_document_type(title: str) -> tuple[str, str]:
    """ "Situation in X : draft resolution" -> ("Situation in X", "draft resolution")."""
    match = _DOCUMENT_TYPE.search(title)
    if match is None:
        return title, ""
    return title[: match.start()].rstrip(), match.group(1)


def short_link(symbol: str) -> str:
    """The canonical undocs.org link (a redirect to the viewer), fit for a message."""
    return f"https://undocs.org/{quote(symbol, safe='/.')}"
