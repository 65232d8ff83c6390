"""Page furniture: what a UN document prints on every page that is not part of its text.

Footers carry the job number ("GE.20-08175(E)", "23-21227 (E) 131123"), page numbers ("3/9"), the
bar code ("*2321227*") and "Please recycle"; headers carry the symbol and a running title. Extractors
glue them to the text ("2/9 23-21227A/C.3/78/L.41", "... as well as other 2/8 23-25993 Situation of
human rights in the Islamic Republic of Iran A/RES/78/220 actions ..."). A line is furniture when it is
made of nothing else, or when it sits at the edge of a page and repeats at the same place on other
pages (a running title); furniture inside a paragraph is cut when a job number and a page number stand
together, with the running title that follows them when that title recurs in the document.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from watchers.texts.model import Line

JOB = r"(?:GE\.)?\d{2}-\d{5}(?:\s?\([A-Z]\))?"
PAGE_OF = r"\d{1,3}\s?/\s?\d{1,3}"
SYMBOL = r"[A-Z]{1,6}(?:/[A-Za-z0-9.\-]+){2,6}(?:\s?\(Sect\.\s?\d{1,3}\))?(?:/[A-Za-z0-9.\-]+)*"
_STRONG = re.compile(
    rf"{JOB}|{PAGE_OF}|{SYMBOL}|\*\d{{6,10}}\*|Please recycle|^\s*\d{{1,3}}\s*$", re.IGNORECASE
)
_JOB = re.compile(JOB)
_WEAK = re.compile(r"\b\d{6}\b|[*()\s.,]")
_PAGE_NUMBER = re.compile(r"\b\d{1,3}\b")
_INLINE = re.compile(rf"(?:{PAGE_OF}\s+{JOB}|{JOB}\s+{PAGE_OF})(?!\d)")
_SYMBOL_AT_END = re.compile(rf"^\s?(.{{3,150}}?\s)?({SYMBOL})(?=\s|$)")
_DIGITS = re.compile(r"\d+")
EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be furniture
SAME_PLACE = 6.0  # points: a running header recurs at the same height


def is_furniture_text(text: str) -> bool:
    """Made only of job numbers, page numbers, symbols, bar codes, date codes and "Please recycle"."""
    stripped = text.strip()
    if not _STRONG.search(stripped):
        return False
    rest = _WEAK.sub("", _STRONG.sub(" ", stripped))
    if _JOB.search(stripped):  # beside a job number, a bare number is the page number
        rest = _PAGE_NUMBER.sub("", rest)
    return not rest.strip()


def _shape(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def furniture_lines(lines: Sequence[Line]) -> set[int]:
    """Indexes of furniture lines: edge lines made of furniture tokens, or recurring at the same place.

    Plain text has no positions: there any line made only of furniture tokens is furniture.
    """
    by_page: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        by_page[line.page].append(index)
    edges: set[int] = set()
    for indexes in by_page.values():
        if lines[indexes[0]].top is None:
            edges.update(indexes)
            continue
        ordered = sorted(indexes, key=lambda i: lines[i].top or 0.0)
        edges.update(ordered[:EDGE_LINES] + ordered[-EDGE_LINES:])
    found = {i for i in edges if is_furniture_text(lines[i].text)}
    places: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i in edges:
        if lines[i].top is not None:
            places[_shape(lines[i].text)].append((lines[i].page, lines[i].top or 0.0))
    for i in edges:
        line = lines[i]
        if line.top is None or i in found:
            continue
        seen = {page for page, top in places[_shape(line.text)] if abs(top - line.top) <= SAME_PLACE}
        if len(seen) >= 2:
            found.add(i)
    return found


def running_titles(texts: Sequence[str]) -> set[str]:
    """Running titles glued into paragraphs: the words between a job/page pair and a symbol, when the
    same words recur after at least two such pairs (one page's header is not enough evidence)."""
    counts: Counter[str] = Counter()
    for text in texts:
        for match in _INLINE.finditer(text):
            after = _SYMBOL_AT_END.match(text[match.end() :])
            if after and after.group(1):
                counts[" ".join(after.group(1).split())] += 1
    return {title for title, n in counts.items() if n >= 2}


def cut_inline(text: str, titles: set[str]) -> tuple[str, int]:
    """`text` without the furniture glued into it, and how many pieces were cut."""
    out: list[str] = []
    position, cuts = 0, 0
    for match in _INLINE.finditer(text):
        if match.start() < position:
            continue
        out.append(text[position : match.start()])
        end = match.end()
        after = _SYMBOL_AT_END.match(text[end:])
        if after and after.group(1) and " ".join(after.group(1).split()) in titles:
            end += after.end()
        position, cuts = end, cuts + 1
    out.append(text[position:])
    return " ".join("".join(out).split()), cuts
