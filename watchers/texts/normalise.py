"""Words for comparing texts, so that extraction noise never reads as a change.

Words, and the punctuation that structures a clause (, ; : . and brackets: "dialogue, and" and
"dialogue and" are different texts). Each keeps its span in the paragraph's text (to show what
changed in the reader's words) and a comparison form: lower case, curly quotes and dashes made
plain, a footnote number glued to a word ("Rights,1", "Relations10") split off. Two runs of words
that differ only in spacing or hyphenation ("Gover nment" / "Government", "non- politicization" /
"non-politicization", "Fact -Finding") are the same words, and a bare footnote number standing alone
is a mark, not a word: neither is a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:(?:[-/.'’]|,(?=\d{3}(?!\d)))[^\W_]+)*[-’']?|-(?=[^\W_])|[,;:.()]", re.UNICODE)
_GLUED_MARK = re.compile(r"^([^\W\d_]{2,}[^\W\d_]*?)(\d{1,3})$")
_PLAIN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-", "‑": "-"})
MAX_MARK = 300  # footnote numbers run from 1 to a few hundred at most


@dataclass(frozen=True)
class Word:
    """One word: its comparison form and where it stands in the text."""

    key: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """The words of `text` in order, footnote numbers glued to a word split off as words of their own."""
    out: list[Word] = []
    for match in _WORD.finditer(text.translate(_PLAIN)):
        token = match.group(0).lower()
        glued = _GLUED_MARK.match(token)
        if glued:
            cut = match.start() + len(glued.group(1))
            out.append(Word(glued.group(1), match.start(), cut))
            out.append(Word(glued.group(2), cut, match.end()))
        else:
            out.append(Word(token, match.start(), match.end()))
    return out


def is_mark(key: str) -> bool:
    """A bare number small enough to be a footnote mark."""
    return key.isdigit() and len(key) <= 3 and 0 < int(key) <= MAX_MARK


def same_letters(a: list[str], b: list[str]) -> bool:
    """Two runs of words that differ only in spaces and hyphens: one word broken apart, or rejoined."""
    return "".join(a).replace("-", "") == "".join(b).replace("-", "")


def significant(keys: list[str]) -> list[str]:
    """The words that count for similarity: footnote marks left out."""
    return [k for k in keys if not is_mark(k)]
