"""Word .docx -> one line per paragraph, read from the package's XML with the standard library.

Why not python-docx: its paragraph text skips runs inside tracked insertions (w:ins) and offers no caps
on a hostile package. Reading `word/document.xml` directly gives what a diff needs: accepted text
(insertions kept, deletions and field codes dropped), footnote references left out (they are marks, not
words), tabs kept (a paragraph number is set off by one), paragraphs inside tables flagged. Headers and
footers live in their own parts, so they never reach the body; their text is kept apart to check which
document this is. The XML is parsed with defusedxml (no DTD, no entities), after the zip's declared
sizes were checked against a cap.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from watchers.texts.errors import TextUnavailable
from watchers.texts.model import Layout, Line

MAX_PART_BYTES = 40_000_000
MAX_PARTS = 2_000
MAX_PARAGRAPHS = 50_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIPPED = frozenset(
    _W + name
    for name in ("delText", "instrText", "footnoteReference", "endnoteReference", "commentReference")
)
_HEADING_NAME = re.compile(r"^(?:heading|title|_ ?h[ _]|h\d)")
_SKIPPED_CONTAINERS = frozenset(_W + name for name in ("del", "moveFrom", "rPr", "pPr"))


def _part(archive: zipfile.ZipFile, name: str) -> Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise TextUnavailable("too_large", f"a Word file whose {name} is {info.file_size} bytes")
    try:
        return SafeTree.fromstring(archive.read(info))
    except (SafeTree.ParseError, DefusedXmlException, zipfile.BadZipFile, OSError) as exc:
        raise TextUnavailable("unreadable", f"a damaged Word file ({name}: {exc})") from None


def _text(element: Element) -> str:
    """The visible text under `element`: tabs as tabs, breaks as spaces; deletions and marks skipped."""
    out: list[str] = []

    def walk(node: Element) -> None:
        tag = node.tag
        if tag in _SKIPPED or tag in _SKIPPED_CONTAINERS:
            return
        if tag == _W + "t" and node.text:
            out.append(node.text)
        elif tag in (_W + "tab", _W + "ptab"):
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append(" ")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        for child in node:
            walk(child)

    walk(element)
    return "".join(out)


def heading_styles(styles: Element | None) -> frozenset[str]:
    """Paragraph styles that make a heading: named heading or title, with an outline level, or bold.

    UN templates name theirs "_ H_1", "_ H_2/3", "_ H _Ch", "Title_H_CH"; Word's own "heading 1".
    """
    if styles is None:
        return frozenset()
    by_id: dict[str, Element] = {}
    for style in styles.iter(_W + "style"):
        if style.get(_W + "type") == "paragraph" and style.get(_W + "styleId"):
            by_id[style.get(_W + "styleId", "")] = style

    def marked(style_id: str, depth: int = 0) -> bool:
        style = by_id.get(style_id)
        if style is None or depth > 10:
            return False
        name = (
            style.find(_W + "name").get(_W + "val", "") if style.find(_W + "name") is not None else ""
        ).lower()
        if _HEADING_NAME.match(name) or style.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            return True
        bold = style.find(f"{_W}rPr/{_W}b")
        if bold is not None:
            return bold.get(_W + "val", "true") not in ("0", "false")
        parent = style.find(_W + "basedOn")
        return parent is not None and marked(parent.get(_W + "val", ""), depth + 1)

    return frozenset(style_id for style_id in by_id if marked(style_id))


def _bold(paragraph: Element, headings: frozenset[str]) -> bool:
    """A heading style, or every run with text set bold directly."""
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    if style is not None and style.get(_W + "val") in headings:
        return True
    runs = [r for r in paragraph.iter(_W + "r") if any(t.text for t in r.iter(_W + "t"))]
    return bool(runs) and all(r.find(f"{_W}rPr/{_W}b") is not None for r in runs)


def _paragraphs(body: Element) -> Iterator[tuple[Element, bool]]:
    """Body paragraphs in order, with whether each sits in a table (text boxes are left out)."""

    def walk(node: Element, in_table: bool) -> Iterator[tuple[Element, bool]]:
        for child in node:
            if child.tag == _W + "p":
                yield child, in_table
            elif child.tag == _W + "tbl":
                yield from walk(child, True)
            elif child.tag in (_W + "tr", _W + "tc", _W + "sdt", _W + "sdtContent", _W + "customXml"):
                yield from walk(child, in_table)

    yield from walk(body, False)


def docx_layout(data: bytes) -> Layout:
    """The body's paragraphs as lines (each ends a block). TextUnavailable for a damaged package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TextUnavailable("unreadable", "a damaged Word file (not a zip package)") from None
    with archive:
        names = archive.namelist()
        if len(names) > MAX_PARTS:
            raise TextUnavailable("too_large", f"a Word package of {len(names)} parts")
        root = _part(archive, "word/document.xml")
        if root is None:
            raise TextUnavailable("unreadable", "a zip package that is not a Word document")
        body = root.find(_W + "body")
        headings = heading_styles(_part(archive, "word/styles.xml"))
        lines: list[Line] = []
        for count, (paragraph, in_table) in enumerate(_paragraphs(body if body is not None else root)):
            if count >= MAX_PARAGRAPHS:
                raise TextUnavailable("too_large", f"a Word file of more than {MAX_PARAGRAPHS} paragraphs")
            text = _text(paragraph)
            if text.strip():
                lines.append(Line(text, bold=_bold(paragraph, headings), block_end=True, in_table=in_table))
        furniture = []
        for name in sorted(n for n in names if n.startswith(("word/header", "word/footer"))):
            part = _part(archive, name)
            if part is not None:
                furniture.append(" ".join(_text(part).split()))
    return Layout(format="docx", lines=tuple(lines), furniture=tuple(f for f in furniture if f))
