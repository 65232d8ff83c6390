"""PDF -> positioned lines, with pypdfium2 (PDFium, the PDF engine of Chromium).

Why PDFium: it reads the whole 47-page UN budget section in about a second where pure-Python readers
take 7-11 s, it is fuzzed continuously as part of Chromium (the files are untrusted), and it gives what
paragraph rebuilding needs per character: position, font size and weight. Lines are rebuilt from the
characters: PDFium's own spaces are kept only where the gap looks like a space (a UN PDF often has a
text-object seam inside a word: "collabora tion"), a wide gap becomes a tab (a paragraph number and
its text), and superscript digits and asterisks (footnote marks) are dropped.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from watchers.texts.errors import TextUnavailable
from watchers.texts.model import Layout, Line

MAX_PAGES = 300
MAX_CHARS_PER_PAGE = 60_000
MAX_CHARS = 3_000_000  # in all: a 300-page UN report has about a million
MIN_TEXT_CHARS_PER_PAGE = 20  # fewer visible characters than this on every page: a scanned image
SPACE_GAP = 0.16  # a gap wider than this many ems between two glyphs reads as a space (a seam: 0.13)
TAB_GAP = 0.9  # and wider than this as a tab (a paragraph number set apart from its text)
SUPERSCRIPT_SIZE = 0.8  # a footnote mark is set smaller than the line ...
SUPERSCRIPT_RISE = 0.2  # ... and raised above its baseline by this many ems
BOLD_WEIGHT = 600
_MARK_CHARS = frozenset("0123456789*")


@dataclass
class _Char:
    """One character: its advance box horizontally (loose), its glyph box vertically (tight)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float
    weight: int
    generated: bool


def _chars(textpage: pdfium.PdfTextPage) -> list[_Char | None]:
    """The page's characters in reading order; None marks a line break PDFium found."""
    raw = textpage.raw
    count = min(pdfium_c.FPDFText_CountChars(raw), MAX_CHARS_PER_PAGE)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = pdfium_c.FS_RECTF()
    out: list[_Char | None] = []
    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (10, 13):
            out.append(None)
            continue
        if code == 0 or code == 0xFFFE:
            continue
        hyphen = code == 2  # PDFium's mark for a hyphen at a line end, the two lines run together
        if hyphen:
            code = ord("-")
        pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top)
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, loose)
        out.append(
            _Char(
                text=chr(code),
                left=loose.left,
                right=loose.right,
                bottom=bottom.value,
                top=top.value,
                size=pdfium_c.FPDFText_GetFontSize(raw, index),
                weight=pdfium_c.FPDFText_GetFontWeight(raw, index),
                generated=bool(pdfium_c.FPDFText_IsGenerated(raw, index)),
            )
        )
        if hyphen:
            out.append(None)
    return out


def _segments(chars: list[_Char | None]) -> list[list[_Char]]:
    """Runs of characters between line breaks, each at least one visible glyph."""
    runs: list[list[_Char]] = [[]]
    for char in chars:
        if char is None:
            runs.append([])
        else:
            runs[-1].append(char)
    return [run for run in runs if any(not c.text.isspace() for c in run)]


def _glyphs(run: list[_Char]) -> list[_Char]:
    return [c for c in run if not c.text.isspace() and c.size > 0]


def _same_line(a: list[_Char], b: list[_Char]) -> bool:
    """PDFium sometimes breaks a printed line at a raised mark or a font change: rejoin them."""
    ga, gb = _glyphs(a), _glyphs(b)
    a_bottom, a_top = min(c.bottom for c in ga), max(c.top for c in ga)
    b_bottom, b_top = min(c.bottom for c in gb), max(c.top for c in gb)
    overlap = min(a_top, b_top) - max(a_bottom, b_bottom)
    return overlap > 0.5 * min(a_top - a_bottom, b_top - b_bottom) and gb[0].left >= ga[-1].right - 1


def _dominant_size(glyphs: list[_Char]) -> float:
    letters = [round(c.size, 1) for c in glyphs if c.text.isalpha()] or [round(c.size, 1) for c in glyphs]
    return Counter(letters).most_common(1)[0][0]


def _line(run: list[_Char], page: int, height: float) -> Line | None:
    glyphs = _glyphs(run)
    size = _dominant_size(glyphs)
    body = [c for c in glyphs if c.size >= SUPERSCRIPT_SIZE * size]
    baseline = Counter(round(c.bottom) for c in body if c.text.isalpha() or c.text.isdigit()).most_common(1)
    base = baseline[0][0] if baseline else min(c.bottom for c in body)
    text: list[str] = []
    previous: _Char | None = None
    pending_space = False
    tab_x: float | None = None
    for char in run:
        if char.text.isspace():
            pending_space = pending_space or not char.generated
            continue
        raised = char.bottom - base > SUPERSCRIPT_RISE * size
        if char.text in _MARK_CHARS and char.size < SUPERSCRIPT_SIZE * size and raised:
            continue
        if previous is not None:
            gap = char.left - previous.right
            if gap > TAB_GAP * size:
                text.append("\t")
                tab_x = char.left if tab_x is None else tab_x
            elif pending_space or gap > SPACE_GAP * size:
                text.append(" ")
        text.append(char.text)
        previous, pending_space = char, False
    if not text:
        return None
    heavy = sum(1 for c in body if c.weight >= BOLD_WEIGHT)
    return Line(
        text="".join(text),
        page=page,
        x0=min(c.left for c in body),
        top=height - max(c.top for c in body),
        bottom=height - base,
        size=size,
        tab_x=tab_x,
        bold=heavy > len(body) / 2,
    )


def pdf_layout(data: bytes) -> Layout:
    """Every line of every page, top to bottom. TextUnavailable for a damaged, locked or scanned PDF."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise TextUnavailable("unreadable", f"a damaged or password-protected PDF ({exc})") from None
    try:
        pages = len(document)
        if pages > MAX_PAGES:
            raise TextUnavailable("too_large", f"a PDF of {pages} pages (at most {MAX_PAGES} are read)")
        lines: list[Line] = []
        visible: list[int] = []
        height = 0.0
        total = 0
        for index in range(pages):
            try:
                page = document[index]
                height = page.get_height()
                chars = _chars(page.get_textpage())
            except pdfium.PdfiumError as exc:
                raise TextUnavailable("unreadable", f"a damaged PDF (page {index + 1}: {exc})") from None
            total += len(chars)
            if total > MAX_CHARS:
                raise TextUnavailable("too_large", f"a PDF of more than {MAX_CHARS} characters")
            visible.append(sum(1 for c in chars if c is not None and not c.text.isspace()))
            runs: list[list[_Char]] = []
            for run in _segments(chars):
                if runs and _same_line(runs[-1], run):
                    runs[-1].extend(run)
                else:
                    runs.append(run)
            lines.extend(line for run in runs if (line := _line(run, index + 1, height)) is not None)
    finally:
        document.close()
    if not pages or max(visible) < MIN_TEXT_CHARS_PER_PAGE:
        raise TextUnavailable("scanned", "a PDF without a text layer (a scanned image): it cannot be read")
    return Layout(format="pdf", lines=tuple(lines), pages=pages, page_height=height)
