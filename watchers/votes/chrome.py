"""Page chrome that stored copies of UN pages carry above the story, dropped before a text is read.

Real copies start with "Skip to main content", "Breadcrumb", a language menu written in another script
("Перейти к основному содержанию", "跳转到主要内容"), "Chinese – Main Navigation OHCHR", "Sobrescribir
enlaces de ayuda a la navegación", "Meeting Summaries", "Learn more", "Close", "Back". None of these is a
title or a fact. A line is chrome when it has no Latin letter at all (three real pages), names navigation
in a few words (four real pages, in English and Spanish), or is one of the labels below: the short lines,
on their own, of the real pages in tests/fixtures/votes/real (a list of words, like the country names,
not a rule).
"""

from __future__ import annotations

import re

_LATIN = re.compile(r"[A-Za-z]")
_NAVIGATION = re.compile(r"\bnavega|\bnavigation\b|\bskip to\b|\bbreadcrumb\b", re.IGNORECASE)
_LABELS = frozenset(
    {
        "meeting summaries",
        "press releases",
        "press releases human rights council",
        "news human rights council",
        "statements and speeches",
        "learn more",
        "close",
        "back",
        "x",
        "get involved",
        "share on fb",
        "whatsapp",
        "posted in",
        "add your comment:",
        "un human rights council in geneva",
    }
)
_MAX_CHROME_WORDS = 8


def is_chrome(line: str) -> bool:
    stripped = " ".join(line.split())
    if not stripped:
        return False
    if not _LATIN.search(stripped):
        return True
    if stripped.lower() in _LABELS:
        return True
    return len(stripped.split()) <= _MAX_CHROME_WORDS and bool(_NAVIGATION.search(stripped))


def strip_chrome(text: str) -> str:
    """The text without chrome lines; line breaks (paragraphs, lists) are kept."""
    return "\n".join("" if is_chrome(line) else line for line in text.splitlines())
