"""Two versions of a text, aligned paragraph by paragraph, each pair classified.

Within each section (preambular, operative, a report's numbered paragraphs) the pairs are chosen by a
dynamic-programming alignment that keeps the order of both texts and maximises the summed similarity
above a threshold: a greedy best match pairs a deleted paragraph with whatever shares its boilerplate
("Takes note of the report ..." with "Invites relevant ... mechanisms"), the alignment does not,
because the true pairs around it are worth more. Paragraphs left over on both sides are then paired
when they are nearly the same words (a paragraph moved across others: a reorder). Similarity is over
words with footnote marks left out; a pair whose only differences are noise (spacing, hyphens, marks,
a printed line an extractor lost at a page break) has the same words.
"""

from __future__ import annotations

import difflib
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from watchers.texts.changes import Change, Edit, TextDiff
from watchers.texts.model import Paragraph, ParsedText
from watchers.texts.normalise import Word, is_mark, same_letters, significant, words

MATCH = 0.5  # similarity at which two paragraphs in order are one paragraph, amended
REORDER = 0.75  # similarity at which two paragraphs out of order are one paragraph, moved
MAX_PARAGRAPHS = 3000  # per text: the alignment is quadratic


@dataclass(frozen=True)
class _Side:
    paragraph: Paragraph
    words: list[Word]
    keys: list[str]
    counts: Counter[str]


def _side(paragraph: Paragraph) -> _Side:
    found = words(paragraph.text)
    keys = significant([w.key for w in found])
    return _Side(paragraph, found, keys, Counter(keys))


def similarity(a: _Side, b: _Side) -> float:
    """Share of words in common, in order (difflib's ratio), skipped when even the bag of words is far."""
    total = len(a.keys) + len(b.keys)
    if not total:
        return 1.0
    if 2 * sum((a.counts & b.counts).values()) / total < MATCH:
        return 0.0
    return difflib.SequenceMatcher(None, a.keys, b.keys, autojunk=False).ratio()


def _align(old: Sequence[_Side], new: Sequence[_Side]) -> list[tuple[int, int]]:
    """Order-keeping pairs maximising the sum of (similarity - MATCH) over pairs above MATCH."""
    n, m = len(old), len(new)
    gain = [[similarity(a, b) - MATCH for b in new] for a in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            pair = best[i - 1][j - 1] + gain[i - 1][j - 1] if gain[i - 1][j - 1] >= 0 else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], pair)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i and j:
        g = gain[i - 1][j - 1]
        if g >= 0 and best[i][j] == best[i - 1][j - 1] + g:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _noise(op: str, a: list[str], b: list[str]) -> bool:
    """Differences that are not changes: footnote marks, spacing and hyphenation."""
    a, b = [k for k in a if not is_mark(k)], [k for k in b if not is_mark(k)]
    return (not a and not b) or (op == "replace" and same_letters(a, b))


def _lost_line(side: _Side, start: int, end: int) -> bool:
    """Words [start, end) are exactly one printed line of `side` that begins or ends a page."""
    if not side.paragraph.page_starts or start >= end:
        return False
    first, last = side.words[start].start, side.words[end - 1].end
    bounds = [*side.paragraph.line_starts, len(side.paragraph.text) + 1]
    for line_start, next_start in itertools.pairwise(bounds):
        inside = [w for w in side.words if line_start <= w.start < next_start]
        if inside and inside[0].start == first and inside[-1].end == last:
            return line_start in side.paragraph.page_starts or next_start in side.paragraph.page_starts
    return False


def _compare(a: _Side, b: _Side) -> Change:
    """One pair classified, with the new paragraph's text cut into kept, inserted and deleted pieces."""
    old_keys, new_keys = [w.key for w in a.words], [w.key for w in b.words]
    opcodes = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    real = [
        op
        for op in opcodes
        if op[0] != "equal" and not _noise(op[0], old_keys[op[1] : op[2]], new_keys[op[3] : op[4]])
    ]
    note = ""
    if len(real) == 1 and real[0][0] in ("delete", "insert"):
        tag, i1, i2, j1, j2 = real[0]
        lost_in_new = tag == "delete" and _lost_line(a, i1, i2)
        if lost_in_new or (tag == "insert" and _lost_line(b, j1, j2)):
            side, lost = ("new", a.words[i1:i2]) if lost_in_new else ("old", b.words[j1:j2])
            count = sum(1 for w in lost if w.key[:1].isalnum())
            note = (
                f"{count} words of one printed line at a page break are missing from the {side} text:"
                " taken as lost in extraction, not as a change"
            )
            real = []
    edits: list[Edit] = []
    position = 0
    for tag, i1, i2, j1, j2 in opcodes:
        counted = (tag, i1, i2, j1, j2) in real
        if counted and tag in ("delete", "replace"):
            edits.append(Edit("-", a.paragraph.text[a.words[i1].start : a.words[i2 - 1].end]))
        if j2 > j1:
            gap = b.paragraph.text[position : b.words[j1].start]
            if gap:
                edits.append(Edit("=", gap))
            edits.append(
                Edit("+" if counted else "=", b.paragraph.text[b.words[j1].start : b.words[j2 - 1].end])
            )
            position = b.words[j2 - 1].end
    if position < len(b.paragraph.text):
        edits.append(Edit("=", b.paragraph.text[position:]))
    if real:
        return Change("amended", a.paragraph, b.paragraph, tuple(_merged(edits)))
    kind = "unchanged" if a.paragraph.id == b.paragraph.id else "moved"
    return Change(kind, a.paragraph, b.paragraph, note=note)


def _merged(edits: list[Edit]) -> list[Edit]:
    """Adjacent pieces of the same kind as one piece."""
    out: list[Edit] = []
    for edit in edits:
        if out and out[-1].op == edit.op == "=":
            out[-1] = Edit("=", out[-1].text + edit.text)
        else:
            out.append(edit)
    return out


def diff_texts(old: ParsedText, new: ParsedText) -> TextDiff:
    """Every paragraph of both texts, paired and classified, in the new text's order."""
    old_sides = [_side(p) for p in old.paragraphs[:MAX_PARAGRAPHS]]
    new_sides = [_side(p) for p in new.paragraphs[:MAX_PARAGRAPHS]]
    pairs: dict[int, int] = {}
    for section in dict.fromkeys(p.section for p in (*old.paragraphs, *new.paragraphs)):
        old_at = [i for i, s in enumerate(old_sides) if s.paragraph.section == section]
        new_at = [j for j, s in enumerate(new_sides) if s.paragraph.section == section]
        for i, j in _align([old_sides[i] for i in old_at], [new_sides[j] for j in new_at]):
            pairs[new_at[j]] = old_at[i]
    left_old = [i for i in range(len(old_sides)) if i not in pairs.values()]
    left_new = [j for j in range(len(new_sides)) if j not in pairs]
    candidates = sorted(
        ((similarity(old_sides[i], new_sides[j]), i, j) for i in left_old for j in left_new),
        reverse=True,
    )
    for score, i, j in candidates:
        if score < REORDER:
            break
        if j not in pairs and i not in pairs.values():
            pairs[j] = i
    changes: list[Change] = []
    placed: set[int] = set()

    def deleted_before(limit: int) -> None:
        for i in range(limit):
            if i not in placed and i not in pairs.values():
                placed.add(i)
                changes.append(Change("deleted", old_sides[i].paragraph, None))

    for j, side in enumerate(new_sides):
        if j in pairs:
            i = pairs[j]
            deleted_before(i)
            placed.add(i)
            changes.append(_compare(old_sides[i], side))
        else:
            changes.append(Change("added", None, side.paragraph))
    deleted_before(len(old_sides))
    return TextDiff(old, new, tuple(changes))
