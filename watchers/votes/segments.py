"""Where each vote of a text is: one vote per stated result, with the paragraph around it.

A meeting summary reports many votes, one resolution paragraph each ("In a resolution on ..., adopted
by a vote of 27 in favour, 2 against and 18 abstentions, ..."); a results page lists one item per
symbol line; a news story gives one tally, then the country lists in the next paragraphs. A result is
a statement of at least two figures (prose.statements). Consecutive results belong to one vote when
they agree (a tally restated, or listed again above its country lists) and no other symbol comes
between them; results that disagree are different votes. A result told as history ("last year 24
voted for ...", "Last year, ..., 22 voted in favor") is not a vote of this text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from watchers.symbols import find_symbols
from watchers.votes.prose import Category, Statement, statements

_PARAGRAPH = re.compile(r"\n[ \t\xa0]*\n|\n(?=[^\n]{200})|(?<=[^\n]{200})\n")
_HISTORY = re.compile(
    r"\blast\s{1,3}year\b|\bprevious\s{1,3}year\b|\ba\s{1,3}year\s{1,3}(?:earlier|ago)\b", re.IGNORECASE
)
_SYMBOL_LINE = re.compile(r"^[^\n]*\(\s?A\s?/\s?HRC[^\n]*$", re.MULTILINE)


@dataclass
class Segment:
    """One vote's stretch of text and the results stated in it."""

    start: int
    end: int
    results: list[Statement] = field(default_factory=list)
    anchor: int = 0

    def counts(self) -> dict[Category, int]:
        merged: dict[Category, int] = {}
        for result in self.results:
            for category, value in result.counts.items():
                merged.setdefault(category, value)
        return merged


def _paragraph_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _PARAGRAPH.finditer(text))]


def _paragraph_of(starts: list[int], position: int) -> int:
    return max(s for s in starts if s <= position)


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """[start, end) of the sentence (or line) holding `position`."""
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position)) + 1
    ends = [i for i in (text.find(". ", position), text.find("\n", position)) if i >= 0]
    return start, min(ends) if ends else len(text)


def is_history(text: str, statement: Statement) -> bool:
    start, end = sentence_bounds(text, statement.start)
    return bool(_HISTORY.search(text[start:end]))


def _agrees(first: dict[Category, int], second: dict[Category, int]) -> bool:
    return all(first.get(k, v) == v for k, v in second.items())


def _joins(found: list[Statement], single: Statement) -> bool:
    """A lone figure after a result completes it ("The resolution was supported by 25 countries")."""
    return any(len(s.counts) >= 2 and s.start < single.start for s in found)


def _symbol_bounds(text: str) -> list[int]:
    """Starts of symbol lines ("Situation of human rights in Belarus (A/HRC/26/L.14)") of a results page."""
    return [m.start() for m in _SYMBOL_LINE.finditer(text) if find_symbols(m.group(0))]


def _start_after(text: str, starts: list[int], symbol_lines: list[int], previous: int, position: int) -> int:
    """A new vote starts at its symbol line, else its paragraph, else its sentence."""
    line = max((b for b in symbol_lines if previous < b <= position), default=None)
    if line is not None:
        return line
    paragraph = _paragraph_of(starts, position)
    if paragraph > previous:
        return paragraph
    return max(text.rfind(". ", previous, position) + 2, previous + 1)


def find_segments(text: str) -> list[Segment]:
    """Every vote's segment, in the order of the text; history is left out."""
    found = [s for s in statements(text) if not is_history(text, s)]
    results = [s for s in found if len(s.counts) >= 2 or _joins(found, s)]
    if not any(len(s.counts) >= 2 for s in results):
        return []
    starts = _paragraph_starts(text)
    symbol_lines = _symbol_bounds(text)
    segments: list[Segment] = []
    for result in results:
        current = segments[-1] if segments else None
        if len(result.counts) < 2:
            if current is not None and _agrees(current.counts(), result.counts):
                current.results.append(result)
            continue
        new_symbol = current is not None and any(current.anchor < b <= result.start for b in symbol_lines)
        if current is not None and not new_symbol and _agrees(current.counts(), result.counts):
            current.results.append(result)
            continue
        start = (
            0 if current is None else _start_after(text, starts, symbol_lines, current.anchor, result.start)
        )
        segments.append(Segment(start=start, end=len(text), results=[result], anchor=result.start))
    for first, second in itertools.pairwise(segments):
        first.end = second.start
    return segments


def history_spans(text: str) -> list[tuple[int, int]]:
    """Where the text tells an earlier vote: those sentences hold no list or figure of this one."""
    return [sentence_bounds(text, s.start) for s in statements(text) if is_history(text, s)]
