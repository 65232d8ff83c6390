"""Lines -> blocks: the printed paragraphs, with page furniture and footnotes taken out.

A block starts where the format says so (a Word paragraph, a blank line), where the layout shows it (a
wider gap than the line pitch, a first-line indent or a hanging number, a heading's size or weight),
or where the words do: a line opening with a paragraph number, or with a preambular participle after
a line that closed a clause ("Recalling", "Deeply concerned"). A page's first line continues the last
block of the page before unless it starts a block itself: that is how paragraphs broken across pages
are joined. Footnotes go: in a PDF the smaller type under the text at the foot of a page, in plain
text the lines after a "____" rule down to the page footer.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from watchers.texts.furniture import furniture_lines
from watchers.texts.model import Layout, Line

LABEL = re.compile(
    r"^\s*(?:(?P<dotted>\d{1,3}(?:\.\d{1,3}){1,3})\.?|(?P<number>\d{1,3})\.|\((?P<sub>[a-z]{1,2}|[ivxl]{1,6})\))"
    r"(?:[\t ]+|$)"
)
_PREAMBULAR_OPENING = re.compile(
    r"^\s*(?!United\b|Beijing\b)(?:(?:Deeply|Gravely|Seriously|Strongly|Also|Further|Firmly|Fully)\s+[a-z]{3,}(?:ing|ed)"
    r"|(?:Noting|Bearing|Taking)\s+\w+|[A-Z][a-z]{2,}(?:ing|ed)|Mindful|Aware|Conscious|Cognizant|Desirous)\b"
)
_CLAUSE_END = re.compile(r"[,;:]\s*\d{0,3}\s*$")
_RULE = re.compile(r"^\s*_{5,}\s*$")
_FOOTNOTE_START = re.compile(r"^\s*(?:\d{1,3}|\*{1,3})(?:\s|$)")
GAP_FACTOR = 1.4  # a vertical gap this many line pitches wide separates two blocks
INDENT = 0.8  # ems: a line this far in from (or out of) the text margin starts a block
ASIDE = 6.0  # ems: a block starting this far right of the margin is a table cell or a box
LEADING = 1.2  # ems: the least line pitch of type that size (a 14 pt title is set wider than the text)
SMALLER = 0.4  # points: footnote type is at least this much smaller than body type


@dataclass
class Block:
    """A printed paragraph: its lines' texts in order and the page each line came from."""

    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    bold: bool = False
    small: bool = False
    aside: bool = False

    def add(self, line: Line) -> None:
        self.lines.append(line.text)
        self.pages.append(line.page)

    @property
    def first(self) -> str:
        return self.lines[0].strip() if self.lines else ""


def body_size(lines: Sequence[Line]) -> float | None:
    """The type size most of the characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size is not None:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _footnotes_pdf(lines: Sequence[Line], keep: list[int], size: float | None) -> set[int]:
    """Per page, the smaller type at the foot that begins with a footnote number or asterisk."""
    if size is None:
        return set()
    dropped: set[int] = set()
    by_page: dict[int, list[int]] = {}
    for i in keep:
        by_page.setdefault(lines[i].page, []).append(i)
    for indexes in by_page.values():
        ordered = sorted(indexes, key=lambda i: lines[i].top or 0.0)
        start = len(ordered)
        while start > 0 and (lines[ordered[start - 1]].size or size) < size - SMALLER:
            start -= 1
        tail = ordered[start:]
        while tail and not _FOOTNOTE_START.match(lines[tail[0]].text):
            tail = tail[1:]
        dropped.update(tail)
    return dropped


def _footnotes_text(lines: Sequence[Line], keep: list[int], furniture: set[int]) -> set[int]:
    """After a "____" rule, every line down to the next furniture line (the page footer)."""
    dropped: set[int] = set()
    inside = False
    for i in range(len(lines)):
        if i in furniture:
            inside = False
        elif _RULE.match(lines[i].text):
            inside = True
            dropped.add(i)
        elif inside:
            dropped.add(i)
    return dropped & set(keep)


@dataclass(frozen=True)
class Cleaned:
    """Body lines; the furniture texts (to find the symbol); the footnote numbers plain text defines,
    in order (to find their marks glued to words: "Rights,1")."""

    body: list[Line]
    furniture: list[str]
    marks: list[int]


def clean_lines(layout: Layout) -> Cleaned:
    """The body lines with furniture and footnotes taken out."""
    lines = [line for line in layout.lines if not line.in_table]
    if layout.format == "docx":
        return Cleaned(lines, list(layout.furniture), [])
    furniture = furniture_lines(lines)
    keep = [i for i in range(len(lines)) if i not in furniture]
    if layout.format == "pdf":
        notes = _footnotes_pdf(lines, keep, body_size([lines[i] for i in keep]))
    else:
        notes = _footnotes_text(lines, keep, furniture)
    body = [lines[i] for i in keep if i not in notes]
    marks: list[int] = []
    if layout.format == "txt":
        body = _paged(lines, furniture, notes)
        starts = (re.match(r"^\s*(\d{1,3})\s", lines[i].text) for i in sorted(notes))
        marks = [int(m.group(1)) for m in starts if m]
    return Cleaned(body, [lines[i].text for i in sorted(furniture)], marks)


def _paged(lines: Sequence[Line], furniture: set[int], notes: set[int]) -> list[Line]:
    """Plain-text body lines numbered by page: a run of furniture lines (a footer) ends a page."""
    out: list[Line] = []
    page = 1
    for index, line in enumerate(lines):
        if index in furniture:
            if index + 1 < len(lines) and index + 1 not in furniture:
                page += 1
        elif index not in notes:
            out.append(dataclasses.replace(line, page=page))
    return out


def _pitch(lines: Sequence[Line]) -> float:
    steps = [
        b.bottom - a.bottom
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.bottom is not None and b.bottom is not None and 0 < b.bottom - a.bottom < 40
    ]
    return statistics.median(steps) if steps else 12.0


def _margins(lines: Sequence[Line]) -> dict[int, float]:
    """The left text margin of each page: where most body lines begin."""
    overall: Counter[float] = Counter(round(line.x0) for line in lines if line.x0 is not None)
    default = overall.most_common(1)[0][0] if overall else 0.0
    per_page: dict[int, Counter[float]] = {}
    for line in lines:
        if line.x0 is not None:
            per_page.setdefault(line.page, Counter())[round(line.x0)] += 1
    return {
        page: (counts.most_common(1)[0][0] if sum(counts.values()) >= 5 else default)
        for page, counts in per_page.items()
    }


def _opens_paragraph(line: Line, previous: Line | None) -> bool:
    """The words say a new paragraph starts: a number, or (in text without positions) a participle
    after a line that closed a clause."""
    if LABEL.match(line.text):
        return True
    return (
        line.top is None
        and previous is not None
        and bool(_CLAUSE_END.search(previous.text))
        and bool(_PREAMBULAR_OPENING.match(line.text))
    )


def _layout_break(line: Line, previous: Line, block_first: Line, margin: float, pitch: float) -> bool:
    """Position, size or weight say a new block starts (only for lines with positions).

    An indented line after one at the margin starts a paragraph (a first-line indent), unless it lines
    up with the text after the number of the block's first line (a hanging indent: "(a)<tab>text").
    """
    em = line.size or 10.0
    x0 = line.x0 if line.x0 is not None else margin
    indented = abs(x0 - margin) > INDENT * em
    hanging = block_first.tab_x is not None and abs(x0 - block_first.tab_x) <= INDENT * em
    if line.page != previous.page:
        return (indented and not hanging) or line.bold != previous.bold
    step = max(pitch, LEADING * em)
    if (
        line.bottom is not None
        and previous.bottom is not None
        and line.bottom - previous.bottom > GAP_FACTOR * step
    ):
        return True
    if line.bold != previous.bold or (line.size and previous.size and abs(line.size - previous.size) > 0.4):
        return True
    previous_x = previous.x0 if previous.x0 is not None else margin
    return indented and not hanging and abs(previous_x - margin) <= INDENT * em


def blocks(lines: Sequence[Line]) -> list[Block]:
    """Body lines grouped into printed paragraphs."""
    size = body_size(lines)
    margins = _margins(lines)
    pitch = _pitch(lines)
    out: list[Block] = []
    previous: Line | None = None
    first: Line | None = None
    for line in lines:
        starts = previous is None or previous.block_end or _opens_paragraph(line, previous)
        if not starts and previous is not None and first is not None and line.top is not None:
            starts = _layout_break(line, previous, first, margins.get(line.page, 0.0), pitch)
        if starts:
            first = line
            small = bool(size and line.size and line.size < size - SMALLER)
            margin = margins.get(line.page, 0.0)
            aside = line.x0 is not None and line.x0 - margin > ASIDE * (line.size or size or 10.0)
            out.append(Block(bold=line.bold, small=small, aside=aside))
        out[-1].add(line)
        previous = line
    return out
