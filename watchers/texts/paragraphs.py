"""Blocks -> the document's structure: title block, formula, preambular and operative paragraphs.

A resolution or draft opens with a formula ("The Human Rights Council,", "The General Assembly,");
unnumbered paragraphs after it are preambular (PP1, PP2, ...), numbered ones operative (OP1, ...),
lettered ones their sub-paragraphs (OP4(a), OP4(a)(i)). Without a formula, a run of comma-ended blocks
right before paragraph 1 is taken as the preamble (texts copied without their heading). A report has no
formula: its numbered paragraphs ("24.1", or "1.") keep their own numbers as ids; headings, tables and
lists between them are not paragraphs. What follows the last operative paragraph of an adopted text
("45th meeting 22 June 2020 [Adopted by ...]") is the closing note, also when glued to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from watchers.texts.blocks import LABEL, Block, blocks, clean_lines
from watchers.texts.errors import TextUnavailable
from watchers.texts.furniture import SYMBOL, cut_inline, running_titles
from watchers.texts.model import Layout, Paragraph, ParsedText

_FORMULA = re.compile(r"^The\s+[A-Z][A-Za-z’' ]{2,80}(?:Council|Assembly|Commission|Conference|Committee),$")
_CLOSING = re.compile(
    r"(?:^|\s)(\d{1,3}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\b.*|\[Adopted\b.*|Adopted\s+(?:at|by)\s+the\s+\d.*)$",
    re.DOTALL,
)
_ADOPTED_NUMBER = re.compile(r"^(?:S-)?\d{1,3}/(?:\d{1,4}\.?|\.\.\.|…)\s+")
_SYMBOL = re.compile(SYMBOL)
_COMMA_END = re.compile(r",\s?\d{0,3}$")
MASTHEAD_BLOCKS = 10  # the symbol is looked for in the furniture, the title block and the first blocks
MARK_LOOKAHEAD = 3  # a footnote mark not found (glued to a number) does not hold up the next ones
_ROMAN_AFTER = {"i": "h", "v": "u", "x": "w", "l": "k"}


@dataclass
class _Unit:
    """A block with its label split off."""

    label: str
    kind: str  # "dotted" | "number" | "sub" | ""
    value: str
    text: str
    line_starts: list[int]
    page_starts: list[int]
    bold: bool
    small: bool
    aside: bool


def _join(block: Block, marks: list[int]) -> tuple[str, list[int], list[int]]:
    """The block's lines as one string, with the offsets where each line and each page began.

    A line ending in a word and a hyphen is joined to the next without a space ("film-" + "makers",
    "Secretary-" + "General"); footnote
    marks glued to words in plain text ("Rights,1") are taken out in the order the footnotes define.
    """
    text = ""
    line_starts: list[int] = []
    page_starts: list[int] = []
    for index, raw in enumerate(block.lines):
        piece = " ".join(raw.replace("\t", " ").split())
        if not piece:
            continue
        if text and not (text.endswith("-") and text[-2:-1].isalpha()):
            text += " "
        if index and block.pages[index] != block.pages[index - 1]:
            page_starts.append(len(text))
        line_starts.append(len(text))
        text += piece
    while marks:
        found = [
            (m.start(), position, m.end())
            for position, mark in enumerate(marks[:MARK_LOOKAHEAD])
            if (m := re.search(rf"(?<=[^\s\d\-/.]){mark}(?=[\s,;.:)]|$)", text))
        ]
        if not found:
            break
        cut, position, end = min(found)
        text = text[:cut] + text[end:]
        width = end - cut
        line_starts = [n - width if n > cut else n for n in line_starts]
        page_starts = [n - width if n > cut else n for n in page_starts]
        del marks[: position + 1]
    return text, line_starts, page_starts


def _unit(block: Block, marks: list[int]) -> _Unit:
    text, line_starts, page_starts = _join(block, marks)
    match = LABEL.match(text)
    kind, value, label = "", "", ""
    if match:
        kind = next(k for k in ("dotted", "number", "sub") if match.group(k))
        value, label = match.group(kind), match.group(0).strip()
        cut = match.end()
        text = text[cut:]
        line_starts = [max(0, n - cut) for n in line_starts]
        page_starts = [max(0, n - cut) for n in page_starts]
    return _Unit(label, kind, value, text, line_starts, page_starts, block.bold, block.small, block.aside)


def _sub_paragraph(parent: str, value: str, letter: str) -> tuple[str, str]:
    """The id of a lettered item ("OP4(a)"), or of a numbered one under the current letter
    ("OP4(a)(ii)"; "(i)" right after "(h)" is a letter), and the letter now current."""
    roman = set(value) <= set("ivxl") and _ROMAN_AFTER.get(value) != letter
    if roman and letter:
        return f"{parent}({letter})({value})", letter
    return f"{parent}({value})", value


def _paragraph(unit: _Unit, pid: str) -> Paragraph:
    starts = tuple(n for n in unit.line_starts if 0 < n < len(unit.text))
    pages = tuple(n for n in unit.page_starts if 0 < n < len(unit.text))
    return Paragraph(id=pid, text=unit.text, label=unit.label, line_starts=(0, *starts), page_starts=pages)


def _split_closing(paragraphs: list[Paragraph]) -> str | None:
    """The adoption note glued to the last paragraph, cut off it."""
    if not paragraphs:
        return None
    last = paragraphs[-1]
    match = _CLOSING.search(last.text)
    if not match or match.start(1) < 20:
        return None
    keep = last.text[: match.start(1)].rstrip()
    paragraphs[-1] = Paragraph(
        last.id,
        keep,
        last.label,
        tuple(n for n in last.line_starts if n < len(keep)),
        tuple(n for n in last.page_starts if n < len(keep)),
    )
    return match.group(1).strip()


def _resolution(units: list[_Unit], start: int) -> tuple[list[Paragraph], str | None]:
    paragraphs: list[Paragraph] = []
    closing: list[str] = []
    pp = 0
    op = ""
    letter = ""
    for unit in units[start:]:
        if unit.aside:
            continue
        if unit.bold and op and not unit.kind:
            break  # a heading after the operative paragraphs: an annex, which is not compared
        if closing or (_CLOSING.match(unit.text) and not unit.kind and op):
            closing.append(unit.label + " " + unit.text if unit.label else unit.text)
        elif unit.kind == "number":
            op, letter = unit.value, ""
            paragraphs.append(_paragraph(unit, f"OP{op}"))
        elif unit.kind == "sub":
            pid, letter = _sub_paragraph(f"OP{op}" if op else f"PP{pp}", unit.value, letter)
            paragraphs.append(_paragraph(unit, pid))
        elif not unit.kind and not op:
            pp += 1
            paragraphs.append(_paragraph(unit, f"PP{pp}"))
        elif paragraphs:
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.id, f"{last.text} {unit.text}", last.label, last.line_starts)
    note = " ".join(closing) if closing else _split_closing(paragraphs)
    return paragraphs, note


def _numbered(units: list[_Unit], scheme: str) -> list[Paragraph]:
    """A report's own numbered paragraphs (in its commoner scheme: "24.1" or "1."), and their items."""
    paragraphs: list[Paragraph] = []
    current = ""
    letter = ""
    for unit in units:
        if unit.small or unit.bold or unit.aside:
            continue
        if unit.kind == scheme:
            current, letter = unit.value, ""
            paragraphs.append(_paragraph(unit, current))
        elif unit.kind == "sub" and current:
            pid, letter = _sub_paragraph(current, unit.value, letter)
            paragraphs.append(_paragraph(unit, pid))
    return paragraphs


def _preamble_start(units: Sequence[_Unit]) -> int | None:
    """Without a formula: the first of the comma-ended blocks right before paragraph 1."""
    first_op = next((i for i, u in enumerate(units) if u.kind == "number" and u.value == "1"), None)
    if first_op is None:
        return None
    start = first_op
    while start > 0 and not units[start - 1].kind and _COMMA_END.search(units[start - 1].text):
        start -= 1
    return start


def _title(header: Sequence[str]) -> str | None:
    """The last heading block before the formula, without an adopted number ("43/21. ...")."""
    for text in reversed(header):
        cleaned = _ADOPTED_NUMBER.sub("", text).strip()
        if cleaned and not cleaned.endswith(":") and len(cleaned) < 400 and not _SYMBOL.fullmatch(cleaned):
            return cleaned
    return None


def _symbol(furniture: Sequence[str], masthead: Sequence[str]) -> str | None:
    """The symbol the running headers repeat most, else the first one of the masthead."""
    counts = Counter(m.group(0).rstrip(".*") for text in furniture for m in _SYMBOL.finditer(text))
    if counts:
        return counts.most_common(1)[0][0]
    found = (m.group(0).rstrip(".*") for text in masthead for m in _SYMBOL.finditer(text))
    return next(found, None)


def parse_layout(layout: Layout) -> ParsedText:
    """The structure of an extracted text. TextUnavailable("no_paragraphs") when there is none."""
    cleaned = clean_lines(layout)
    marks = cleaned.marks
    raw_blocks = blocks(cleaned.body)
    titles = running_titles([" ".join(b.lines) for b in raw_blocks])
    units = []
    for block in raw_blocks:
        unit = _unit(block, marks)
        unit.text, cuts = cut_inline(unit.text, titles)
        if cuts:
            unit.line_starts, unit.page_starts = [0], []
        if unit.text or unit.kind:
            units.append(unit)
    formula_at = next((i for i, u in enumerate(units) if not u.kind and _FORMULA.match(u.text)), None)
    schemes = Counter(u.kind for u in units if u.kind in ("dotted", "number") and not (u.small or u.aside))
    if formula_at is not None:
        start: int | None = formula_at + 1
    elif schemes["dotted"] > schemes["number"]:
        start = None
    else:
        start = _preamble_start(units)
    header_end = formula_at if formula_at is not None else start
    header = [u.text for u in units[:header_end]] if header_end is not None else []
    if start is not None:
        paragraphs, closing = _resolution(units, start)
        style = "resolution"
    elif schemes:
        paragraphs, closing, style = _numbered(units, schemes.most_common(1)[0][0]), None, "numbered"
    else:
        paragraphs, closing, style = [], None, "resolution"
    if not paragraphs:
        raise TextUnavailable("no_paragraphs", "no numbered or preambular paragraph was found in the text")
    return ParsedText(
        paragraphs=tuple(paragraphs),
        format=layout.format,
        style=style,  # type: ignore[arg-type]
        symbol=_symbol(cleaned.furniture, [*header, *(u.text for u in units[:MASTHEAD_BLOCKS])]),
        title=_title(header),
        formula=units[formula_at].text if formula_at is not None else None,
        header=tuple(header),
        closing=closing,
        pages=layout.pages,
    )
