"""What a text is made of: extracted lines, then paragraphs with the identifiers a reader cites.

`Line` and `Layout` are what extraction yields (positions where the format has them); `Paragraph` and
`ParsedText` are the document's structure. A ParsedText round-trips through JSON so that a parsed text
can be cached (in the store) and diffed later without fetching it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SourceFormat = Literal["pdf", "docx", "txt"]
Style = Literal["resolution", "numbered"]


@dataclass(frozen=True)
class Line:
    """One line of extracted text. Positions are PDF points from the top of the page; None in plain text.

    `bottom` is the baseline (where letters without descenders sit): lines are spaced baseline to baseline.
    `block_end` says the format itself ends a paragraph here (a Word paragraph, a blank line in text).
    `tab_x` is where the text after a first wide gap begins (a number set off from its paragraph).
    """

    text: str
    page: int = 1
    x0: float | None = None
    top: float | None = None
    bottom: float | None = None
    size: float | None = None
    tab_x: float | None = None
    bold: bool = False
    block_end: bool = False
    in_table: bool = False


@dataclass(frozen=True)
class Layout:
    """Every line of a file in reading order, and the text of its header and footer parts (Word)."""

    format: SourceFormat
    lines: tuple[Line, ...]
    pages: int = 1
    page_height: float | None = None
    furniture: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """One paragraph. `id` is what a reader cites: "PP3", "OP4", "OP4(a)", or a report's "24.1".

    `label` is the number as printed ("4.", "(a)", "24.1"), `text` the words without it. Where the
    source had a layout, `line_starts` holds the character offsets in `text` at which its printed lines
    began and `page_starts` those at which a new page began: a diff can then tell a line lost at a page
    break by an extractor from a real change.
    """

    id: str
    text: str
    label: str = ""
    line_starts: tuple[int, ...] = ()
    page_starts: tuple[int, ...] = ()

    @property
    def section(self) -> str:
        """ "PP", "OP" or "" (a numbered report paragraph)."""
        return self.id[:2] if self.id[:2] in ("PP", "OP") else ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "text": self.text}
        if self.line_starts:
            out["line_starts"] = list(self.line_starts)
        if self.page_starts:
            out["page_starts"] = list(self.page_starts)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Paragraph:
        return cls(
            id=str(data["id"]),
            text=str(data["text"]),
            label=str(data.get("label", "")),
            line_starts=tuple(int(n) for n in data.get("line_starts", ())),
            page_starts=tuple(int(n) for n in data.get("page_starts", ())),
        )


@dataclass(frozen=True)
class ParsedText:
    """A document's structure: its title block, the formula ("The Human Rights Council,"), paragraphs.

    `style` is "resolution" (PP/OP ids) or "numbered" (a report: ids are its own numbers). `closing` is
    what follows the last paragraph of an adopted text (meeting, date, "[Adopted by ...]").
    """

    paragraphs: tuple[Paragraph, ...]
    format: SourceFormat
    style: Style = "resolution"
    symbol: str | None = None
    title: str | None = None
    formula: str | None = None
    header: tuple[str, ...] = ()
    closing: str | None = None
    pages: int = 1
    meta: dict[str, str] = field(default_factory=dict)

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.id == paragraph_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "style": self.style,
            "symbol": self.symbol,
            "title": self.title,
            "formula": self.formula,
            "header": list(self.header),
            "closing": self.closing,
            "pages": self.pages,
            "meta": dict(self.meta),
            "paragraphs": [p.to_json() for p in self.paragraphs],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedText:
        return cls(
            paragraphs=tuple(Paragraph.from_json(p) for p in data["paragraphs"]),
            format=data["format"],
            style=data.get("style", "resolution"),
            symbol=data.get("symbol"),
            title=data.get("title"),
            formula=data.get("formula"),
            header=tuple(data.get("header", ())),
            closing=data.get("closing"),
            pages=int(data.get("pages", 1)),
            meta={str(k): str(v) for k, v in data.get("meta", {}).items()},
        )
