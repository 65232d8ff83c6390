"""Plain text -> lines. A blank line ends a paragraph; other line breaks may be hard breaks of a PDF."""

from __future__ import annotations

from watchers.texts.model import Layout, Line

MAX_LINES = 200_000


def text_layout(text: str) -> Layout:
    """Lines as written; a line followed by a blank one ends a block. Form feeds start a page."""
    lines: list[Line] = []
    page = 1
    for raw in text.splitlines()[:MAX_LINES]:
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", " ")
        if raw.strip():
            lines.append(Line(raw.rstrip(), page=page))
        elif lines and not lines[-1].block_end:
            last = lines[-1]
            lines[-1] = Line(last.text, page=last.page, block_end=True)
    return Layout(format="txt", lines=tuple(lines), pages=page)
