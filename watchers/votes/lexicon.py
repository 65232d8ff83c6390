"""Small shared readers: numbers written as digits or words, and dates.

HRC document symbols are read by watchers.symbols, not here.

Every pattern here is linear: no nested quantifiers, bounded repetitions only.
"""

from __future__ import annotations

import re
from datetime import date

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)} | _TENS | {"none": 0}
for _tens_word, _tens in _TENS.items():
    for _i, _unit in enumerate(_UNITS[1:10], start=1):
        NUMBER_WORDS[f"{_tens_word}-{_unit}"] = _tens + _i
        NUMBER_WORDS[f"{_tens_word} {_unit}"] = _tens + _i

_WORD_ALTERNATION = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
NUMBER = rf"(?<![\w.])(?:\d{{1,3}}(?![\d])|(?:{_WORD_ALTERNATION})\b)"


def to_int(text: str) -> int | None:
    """ "23" -> 23, "Twenty-two" -> 22, "twenty two" -> 22; None for anything else."""
    cleaned = " ".join(text.lower().split())
    if cleaned.isdigit():
        return int(cleaned)
    return NUMBER_WORDS.get(cleaned)


MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
DATE_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s?(January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\s?(\d{4})\b",
    re.IGNORECASE,
)


def find_date(text: str) -> str | None:
    """The first "22 June 2020" style date as ISO, or None."""
    for match in DATE_RE.finditer(text):
        try:
            day = date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            continue
        return day.isoformat()
    return None
