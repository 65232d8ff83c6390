"""The subject of a voted text as a report words it, for joining the vote to its draft by title.

Results pages put the title on the symbol's line ("The human rights situation in Belarus
(A/HRC/35/L.16)"). Meeting summaries name the text in the sentence that gives the result, in a few
fixed turns, each seen in at least two real summaries (tests/fixtures/votes/real):
"In a resolution on X, adopted by a vote of ...", "Turning to / On / As for X, the Council ...",
"the mandate of X for a period of ...", "a draft decision entitled X by a vote of ...".
"""

from __future__ import annotations

import re

from watchers.symbols import Symbol, symbol_spans

MAX_TITLE = 300
_END = (
    r"(?=\s{0,3}(?:,|;|\(|\bin\s{1,3}which\b|\bwhich\b|\badopted\b"
    r"|\bby\s{1,3}a\s{1,3}(?:recorded\s{1,3})?vote\b|\bwith\s{1,3}a\s{1,3}vote\b"
    r"|\bfor\s{1,3}a\s{1,3}(?:further\s{1,3})?period\b|\bfor\s{1,3}(?:one|two|three)\s{1,3}years?\b"
    r"|\d{1,2}\s{1,3}(?:voted|votes|in\s{1,3}favou?r)\b"
    r"|\b(?:was|were|passed|(?:brought|tabled|presented|sponsored|put\s{1,3}forward)\s{1,3}by)\b|$))"
)
_SUBJECT = r"(?P<t>[^,;()\n]{8,300}?)"
_TURNS = (
    re.compile(rf"\bdraft\s{{1,3}}(?:resolution|decision)\s{{1,3}}entitled\s{{1,3}}{_SUBJECT}{_END}", re.I),
    re.compile(rf"\bresolution\s{{1,3}}on\s{{1,3}}{_SUBJECT}{_END}", re.I),
    re.compile(
        rf"(?:^|\.\s{{1,3}})(?:Turning\s{{1,3}}to|On|Concerning|As\s{{1,3}}for)\s{{1,3}}{_SUBJECT}"
        r"(?=,\s{1,3}the\s{1,3}Council\b)",
        re.I,
    ),
    re.compile(rf"\bmandates?\s{{1,3}}of\s{{1,3}}{_SUBJECT}{_END}", re.I),
)
_LEADING = re.compile(r"^(?:the\s{1,3})", re.I)


def _clean(title: str) -> str | None:
    words = " ".join(title.split()).strip(" .:-–—")
    words = _LEADING.sub("", words)
    if len(words.split()) < 2:
        return None
    return (words[:1].upper() + words[1:])[:MAX_TITLE]


def title_in_prose(text: str, near: int | None = None) -> str | None:
    """The voted text's subject: the turn closest to `near` (where the result is stated), else the first
    turn, in the order above; None when no turn names it."""
    found: list[tuple[int, int, str]] = []
    for rank, pattern in enumerate(_TURNS):
        for match in pattern.finditer(text):
            if title := _clean(match["t"]):
                distance = 0 if near is None else min(abs(match.start() - near), abs(match.end() - near))
                found.append((distance if near is not None else rank, match.start(), title))
    return min(found)[2] if found else None


def title_on_symbol_line(text: str, own: list[Symbol]) -> str | None:
    """The words beside the vote's own symbol on a short line (a results page or document heading)."""
    for line in (line.strip() for line in text.splitlines()[:40]):
        if not line or len(line.split()) > 30:
            continue
        span = next(((a, b) for a, b, seen in symbol_spans(line) if seen in own), None)
        if span is None:
            continue
        rest = (line[: span[0]] + " " + line[span[1] :]).strip(" -–—:()[].")
        rest = re.sub(r"\(\s*\)|^[-–—:.\s]+|[-–—:\s]+$", "", rest).strip()
        if "\t" not in rest and len(rest.split()) >= 3:
            return rest[:MAX_TITLE]
    return None
