"""Telegram HTML from plain text, and messages cut to Telegram's size limits.

Every string that reaches Telegram here is escaped: scraped titles may contain "<b>", "&amp;" or "</a>",
and a single unescaped one makes Telegram refuse the whole message. Messages are built from `Line`s, each
rendering to balanced HTML on its own, so splitting between lines can never cut inside a tag; a line too
long for one message is cut in its plain text before escaping, so no entity is cut either.

Telegram counts the limits (4096 for a message, 1024 for a caption) in UTF-16 code units of the text
after entity parsing. A line is charged the length of its plain-text fallback (which is at least as long
as its visible text), so every chunk fits both as HTML and, after a "can't parse entities" answer, as
plain text.
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.happening_text import HappeningText

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

Style = Literal["", "b", "i"]
_MIN_HEAD = 200  # a line that must be cut anyway starts in the current chunk if this much room is left


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def _valid(text: str) -> str:
    """Joins split surrogate pairs, replaces lone ones (JSON may hold "\\ud800"): they cannot be sent."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


@dataclass(frozen=True)
class Line:
    """One line of a message: plain text, optionally bold or italic, or a link labelled `text`."""

    text: str
    style: Style = ""
    href: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", _valid(self.text))
        object.__setattr__(self, "href", _valid(self.href))

    def html(self) -> str:
        body = html.escape(self.text, quote=False)
        if self.href:
            return f'<a href="{html.escape(self.href, quote=True)}">{body}</a>'
        return f"<{self.style}>{body}</{self.style}>" if self.style else body

    def plain(self) -> str:
        return f"{self.text}: {self.href}" if self.href else self.text

    @property
    def cost(self) -> int:
        return utf16_len(self.plain())


@dataclass(frozen=True)
class Chunk:
    """One message's worth of lines, as HTML and as the plain-text fallback."""

    lines: tuple[Line, ...]

    @property
    def html(self) -> str:
        return "\n".join(line.html() for line in self.lines)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain() for line in self.lines)


def text_lines(text: HappeningText) -> list[Line]:
    """Headline in bold, then the detail lines, then one link per line."""
    lines = [Line(text.headline, "b")]
    lines.extend(Line(line) for line in text.lines if line)
    lines.extend(Line(label, href=url) for label, url in text.links)
    return lines


def _head(text: str, limit: int) -> tuple[str, str]:
    """The longest start of `text` within `limit` UTF-16 units, cut at a space when one is near."""
    end, used = 0, 0
    while end < len(text) and used + utf16_len(text[end]) <= limit:
        used += utf16_len(text[end])
        end += 1
    end = max(end, 1)
    if end < len(text):
        space = text.rfind(" ", max(1, end - 200), end)
        end = space if space > 0 else end
    return text[:end], text[end:].lstrip(" ")


CONTINUED = Line("(continued)", "i")


def split(
    lines: Iterable[Line],
    limit: int = MESSAGE_LIMIT,
    first_limit: int | None = None,
    continued: Line | None = None,
) -> list[Chunk]:
    """Packs lines into as few chunks as fit; only a line longer than a whole message is cut.

    `first_limit` makes the first chunk smaller (a photo caption) than the rest; `continued` opens every
    chunk after the first, so a reader of the channel sees that a message goes on from the one above.
    """
    chunks: list[Chunk] = []
    current: list[Line] = []
    used = 0
    pending = deque(lines)
    while pending:
        line = pending.popleft()
        budget = first_limit if first_limit is not None and not chunks else limit
        separator = 1 if current else 0
        room = budget - used - separator
        if line.cost <= room:
            current.append(line)
            used += separator + line.cost
        elif current and (line.cost <= limit or room < _MIN_HEAD):
            chunks.append(Chunk(tuple(current)))
            current, used = ([continued], continued.cost) if continued else ([], 0)
            pending.appendleft(line)
        else:
            plain = Line(line.plain(), line.style) if line.href else line
            head, rest = _head(plain.text, room)
            current.append(replace(plain, text=head))
            used += separator + utf16_len(head)
            if rest:
                pending.appendleft(replace(plain, text=rest))
    if current:
        chunks.append(Chunk(tuple(current)))
    return chunks


_SUMMARY_HEADLINE = 300


def burst_summary(headlines: Sequence[str], limit: int = MESSAGE_LIMIT) -> Chunk:
    """One post standing for many events: a count, then as many headlines as fit, then how many more."""
    lines = [Line(f"{len(headlines)} updates from the Human Rights Council", "b")]
    used = lines[0].cost
    for index, headline in enumerate(headlines):
        text = headline if len(headline) <= _SUMMARY_HEADLINE else headline[: _SUMMARY_HEADLINE - 1] + "…"
        line = Line("• " + text)
        more = Line(f"… and {len(headlines) - index} more: send /latest to the bot for details", "i")
        if index < len(headlines) - 1 and used + 2 + line.cost + more.cost > limit:
            lines.append(more)
            break
        lines.append(line)
        used += 1 + line.cost
    return Chunk(tuple(lines))
