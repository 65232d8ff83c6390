"""A text diff for people: plain text, Telegram HTML within a limit, and a standalone HTML document.

Every scraped string is escaped. In Telegram and in the document, deleted words are struck (<s>, <del>)
and inserted ones bold (<b>, <ins>); a long amended paragraph is shown around its edits only. A Telegram
message that cannot hold every change ends with "…and N more changes" (the document holds them all).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from bot.telegram_format import MESSAGE_LIMIT, utf16_len
from watchers.symbols import parse_symbol
from watchers.texts.changes import Change, Edit, TextDiff

CONTEXT_WORDS = 8  # kept words shown on each side of an edit
SHOWN_CHARS = 300  # of an added or deleted paragraph, in a message
_CLOSERS = frozenset(" ,;:.)\n\t")


def short_labels(old: str, new: str) -> tuple[str, str]:
    """("L.13", "Rev.1") for a revision; symbols of one session without their common head; else as is."""
    a, b = parse_symbol(old), parse_symbol(new)
    old, new = (a.normalised if a else old), (b.normalised if b else new)
    if new.startswith(old + "/"):
        return old.rsplit("/", 1)[-1], new[len(old) + 1 :]
    head = 0
    for index, (x, y) in enumerate(zip(old, new, strict=False)):
        if x != y:
            break
        if x == "/":
            head = index + 1
    return old[head:] or old, new[head:] or new


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _context(edits: Sequence[Edit], words: int = CONTEXT_WORDS) -> list[Edit]:
    """Kept runs cut to `words` words next to an edit, "…" for what is left out."""
    out: list[Edit] = []
    for index, edit in enumerate(edits):
        if edit.op != "=":
            out.append(edit)
            continue
        tokens = edit.text.split(" ")
        before = index > 0
        after = index < len(edits) - 1
        keep = words * (int(before) + int(after))
        if len(tokens) <= keep + 1:
            out.append(edit)
        elif before and after:
            out.append(Edit("=", " ".join([*tokens[: words + 1], "…", *tokens[-words - 1 :]])))
        elif after:
            out.append(Edit("=", " ".join(["…", *tokens[-words - 1 :]])))
        else:
            out.append(Edit("=", " ".join([*tokens[: words + 1], "…"])))
    return out


def _spaced(edits: Sequence[Edit]) -> list[Edit]:
    """A space on each side of a deleted piece where nothing separates it ("<s>also</s> <b>further</b>")."""
    out: list[Edit] = []
    for edit in edits:
        previous = out[-1] if out else None
        touching = previous is not None and not previous.text[-1:].isspace() and edit.text[:1] not in _CLOSERS
        if touching and (edit.op == "-" or (previous is not None and previous.op == "-")):
            out.append(Edit("=", " "))
        out.append(edit)
    return out


def _plain_edits(edits: Sequence[Edit]) -> str:
    marks = {"=": "{}", "+": "[+{}+]", "-": "[-{}-]"}
    return "".join(marks[e.op].format(e.text) for e in _spaced(edits))


def _heading(change: Change) -> str:
    old, new = change.old, change.new
    if change.kind == "added" and new:
        return f"New {new.id}"
    if change.kind == "deleted" and old:
        return f"{old.id} dropped"
    if change.kind == "moved" and old and new:
        return f"{old.id} is now {new.id} (same words)"
    if change.kind == "amended" and old and new:
        return f"{new.id} reworded" if old.id == new.id else f"{old.id} reworded, now {new.id}"
    return f"{change.paragraph.id} unchanged"


def plain(diff: TextDiff, old_label: str, new_label: str) -> str:
    """The summary, then each change: [-deleted-] and [+inserted+] words in their context."""
    lines = [diff.summary(old_label, new_label)]
    for change in diff.notable:
        lines.append("")
        lines.append(_heading(change))
        if change.kind == "amended":
            lines.append(_plain_edits(_context(change.edits)))
        elif change.kind in ("added", "deleted"):
            lines.append(change.paragraph.text)
    for change in diff.notes:
        lines.append("")
        lines.append(f"Note on {change.paragraph.id}: {change.note}")
    return "\n".join(lines)


def _html_edits(edits: Sequence[Edit], inserted: str, deleted: str) -> str:
    out = []
    for edit in _spaced(edits):
        text = html.escape(edit.text, quote=False)
        tag = inserted if edit.op == "+" else deleted
        out.append(text if edit.op == "=" else f"<{tag}>{text}</{tag}>")
    return "".join(out)


def _telegram_change(change: Change) -> tuple[str, str]:
    """(HTML, its visible text) for one change."""
    head = html.escape(_heading(change), quote=False)
    if change.kind == "amended":
        edits = _context(change.edits)
        return f"<b>{head}</b>\n{_html_edits(edits, 'b', 's')}", f"{_heading(change)}\n{_visible(edits)}"
    if change.kind in ("added", "deleted"):
        body = _clip(change.paragraph.text, SHOWN_CHARS)
        style = "i" if change.kind == "added" else "s"
        return (
            f"<b>{head}</b>\n<{style}>{html.escape(body, quote=False)}</{style}>",
            f"{_heading(change)}\n{body}",
        )
    return f"<b>{head}</b>", _heading(change)


def _visible(edits: Sequence[Edit]) -> str:
    return "".join(e.text for e in _spaced(edits))


@dataclass(frozen=True)
class TelegramDiff:
    """A diff as one Telegram message; `left_out` changes did not fit (send the document with them)."""

    html: str
    left_out: int


def telegram_html(diff: TextDiff, old_label: str, new_label: str, limit: int = MESSAGE_LIMIT) -> TelegramDiff:
    """Telegram HTML (b, i, s only) whose visible text fits `limit` UTF-16 units, cut between changes."""
    summary = _clip(diff.summary(old_label, new_label), limit // 2)
    parts = [f"<b>{html.escape(summary, quote=False)}</b>"]
    used = utf16_len(summary)
    changes = diff.notable
    for index, change in enumerate(changes):
        markup, visible = _telegram_change(change)
        more = f"…and {len(changes) - index} more changes"
        reserve = 2 + utf16_len(more) if index < len(changes) - 1 else 0
        if used + 2 + utf16_len(visible) + reserve > limit:
            parts.append(f"<i>{more}</i>")
            return TelegramDiff("\n\n".join(parts), len(changes) - index)
        parts.append(markup)
        used += 2 + utf16_len(visible)
    return TelegramDiff("\n\n".join(parts), 0)


_POLICY = "default-src 'none'; style-src 'unsafe-inline'"  # nothing runs, nothing is loaded
_STYLE = """
body { font: 15px/1.5 Georgia, serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.3em; } .summary { font-weight: bold; }
.change { border-left: 4px solid #ccc; padding: 0.2em 0.8em; margin: 1em 0; }
.amended { border-color: #c80; } .added { border-color: #080; } .deleted { border-color: #c00; }
.moved { border-color: #06c; } .unchanged { border-color: #eee; color: #555; }
.id { font-family: monospace; font-weight: bold; } ins { background: #dfd; } del { background: #fdd; }
.note { font-size: 0.9em; color: #666; }
"""


def html_document(diff: TextDiff, title: str, old_label: str, new_label: str) -> str:
    """A standalone page (no script, nothing loaded from elsewhere) with every paragraph of the new text
    and each deleted one where it stood: amended words marked with <del> and <ins>."""
    esc = html.escape
    rows = []
    for change in diff.changes:
        if change.kind == "amended":
            body = _html_edits(change.edits, "ins", "del")
        elif change.kind == "deleted":
            body = f"<del>{esc(change.paragraph.text)}</del>"
        else:
            body = esc(change.paragraph.text)
        heading = esc(_heading(change))
        note = f'<p class="note">{esc(change.note)}</p>' if change.note else ""
        rows.append(
            f'<div class="change {change.kind}"><p><span class="id">{heading}</span></p>'
            f"<p>{body}</p>{note}</div>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{esc(title)}</h1><p class="summary">{esc(diff.summary(old_label, new_label))}</p>'
        + "".join(rows)
        + "</body></html>\n"
    )
