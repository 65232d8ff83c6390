"""An event told in plain words: a headline, detail lines and links. Notifiers escape and lay it out.

Everything here comes from scraped fields, so it is plain text; no markup is produced here.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from state.model import Event

_STATUS_WORDS = {
    "adopted_without_vote": "adopted without a vote",
    "adopted_by_vote": "adopted by a recorded vote",
    "rejected": "rejected",
    "rejected_by_vote": "rejected by a recorded vote",
    "withdrawn": "withdrawn",
    "not_considered": "not considered",
    "read_out": "read out by the President",
    "other": "acted on",
}
_MAX_FIELD = 600
# A title is what a reader came for: kept whole (a channel splits long messages), bounded against garbage.
_MAX_TITLE = 10_000


@dataclass(frozen=True)
class EventText:
    headline: str
    lines: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = field(default=())


def _short(value: Any, limit: int = _MAX_FIELD) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(value: Any) -> str:
    return _short(value, _MAX_TITLE)


def _status(value: Any) -> str:
    return _STATUS_WORDS.get(str(value), str(value).replace("_", " "))


def _links(fields: Mapping[str, Any], url_label: str = "Document") -> tuple[tuple[str, str], ...]:
    labels = (("url", url_label), ("pdf_url", "PDF"), ("record_url", "Record"))
    return tuple(
        (label, str(fields[name]))
        for name, label in labels
        if isinstance(fields.get(name), str) and str(fields[name]).startswith(("https://", "http://"))
    )


def _document(event: Event) -> EventText:
    f = event.fields
    symbol = _short(f.get("symbol") or event.key)
    title = _title(f["title"]) if f.get("title") else ""
    lines: list[str] = [title] if title else []
    lines.extend(_sponsor_lines(f))
    if event.type == "new":
        headline = _new_document_headline(symbol, f)
        if f.get("revision_of"):
            lines.insert(0, f"{symbol} replaces {_short(f['revision_of'])}")
    elif event.type == "removed":
        headline = f"{symbol} no longer listed by {event.source}"
    elif "status" in event.changes:
        headline = f"{symbol} {_status(event.changes['status'][1])}"
    else:
        headline = f"{symbol} changed"
    if f.get("action"):
        lines.append(_short(f["action"]))
    if "resolution" in event.changes and f.get("resolution"):
        lines.append(f"Adopted text: {_short(f['resolution'])}")
    told = _ACTION_FIELDS if "status" in event.changes or "resolution" in event.changes else frozenset()
    lines.extend(_change_lines(event, skip=told))
    return EventText(headline, tuple(lines), _links(f))


def _sponsor_lines(fields: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, label in (("sponsors", "Sponsors"), ("additional_sponsors", "Additional sponsors")):
        value = fields.get(name)
        if value:
            lines.append(f"{label}: " + _short(", ".join(value) if isinstance(value, list) else value))
    return lines


def _new_document_headline(symbol: str, f: Mapping[str, Any]) -> str:
    """A revision, addendum or corrigendum is news about its draft, not an unrelated new document."""
    family = _short(f.get("family") or symbol)
    if f.get("revision_of"):
        return f"{family} revised: {symbol.removeprefix(family + '/') or symbol}"
    if f.get("addendum_to"):
        return f"Addendum to {_short(f['addendum_to'])}: {symbol}"
    if f.get("corrigendum_to"):
        return f"Corrigendum to {_short(f['corrigendum_to'])}: {symbol}"
    if f.get("status"):
        return f"{symbol} {_status(f['status'])}"
    return f"New draft {symbol}" if f.get("is_draft") else f"New document {symbol}"


_INTERNAL_FIELDS = frozenset({"authority"})
# Said in words by the status line and the action text, so not repeated as raw changes.
_ACTION_FIELDS = frozenset(
    {"status", "action", "action_date", "meeting", "meeting_text", "orally_revised", "resolution"}
)


def _change_lines(event: Event, skip: Set[str]) -> list[str]:
    if event.type != "changed":
        return []
    skip = skip | _INTERNAL_FIELDS
    return [
        f"{name}: {_short(before) if before not in (None, '') else '(none)'} → "
        f"{_short(after) if after not in (None, '') else '(none)'}"
        for name, (before, after) in event.changes.items()
        if name not in skip
    ]


def _vote(event: Event) -> EventText:
    f = event.fields
    symbol = _short(f.get("symbol") or f.get("draft_symbol") or event.key.removeprefix("vote:"))
    outcome = f.get("outcome") or "voted on"
    tallies = "-".join(str(f.get(k, "?")) for k in ("yes", "no", "abstain"))
    lines = [_title(f["title"])] if f.get("title") else []
    lines.append(
        f"In favour {f.get('yes', '?')}, against {f.get('no', '?')}, abstaining {f.get('abstain', '?')}"
    )
    roll_call = event.changes.get("roll_call", (None, None))[1]
    if event.type == "changed" and roll_call:
        lines.insert(0, f"Roll-call published: how each of the {len(roll_call)} members voted")
    lines.extend(_short(line) for line in (f.get("since_previous") or [])[:20])
    checks = f.get("checks") or {}
    if checks.get("source"):
        lines.append(f"Source: {_short(checks['source'])}")
    lines.extend(f"Warning: {_short(w)}" for w in f.get("warnings", [])[:5])
    lines.extend(_change_lines(event, skip={"since_previous", "previous_vote", "roll_call", "checks"}))
    return EventText(f"{symbol} {outcome} ({tallies})", tuple(lines), _links(f))


def _when(iso: Any) -> str:
    """'2026-03-30T10:00:00+00:00' -> '30 March 2026, 10:00 UTC'; anything else as it came."""
    try:
        moment = datetime.fromisoformat(str(iso)).astimezone(UTC)
    except ValueError:
        return _short(iso)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _meeting(event: Event) -> EventText:
    f = event.fields
    title = _title(f.get("title") or event.key)
    live_now = event.type == "changed" and event.changes.get("live", (None, None))[1] is True
    headline = f"Live now: {title}" if live_now else f"Meeting: {title}"
    lines = [f"Starts {_when(f['start_utc'])}"] if f.get("start_utc") else []
    if f.get("summary_record"):
        lines.append(f"Summary record: {_short(f['summary_record'])}")
    lines.extend(_change_lines(event, skip={"live"}))
    return EventText(headline, tuple(lines), _links(f, "Webcast"))


def _article(event: Event) -> EventText:
    f = event.fields
    lines = [f"Reports: {_short(s)}" for s in (f.get("vote_sentences") or [])[:5]]
    if f.get("symbols"):
        lines.append("Documents named: " + _short(", ".join(f["symbols"])))
    return EventText(f"Press: {_title(f.get('title') or event.key)}", tuple(lines), _links(f, "Article"))


def _health(event: Event) -> EventText:
    f = event.fields
    if event.type == "source_failing":
        headline = f"Source {f.get('source')} is failing ({f.get('failures')} polls in a row)"
        lines = [f"Last error: {_short(f.get('error'))}"]
        if f.get("last_success"):
            lines.append(f"Last success: {f['last_success']}")
        return EventText(headline, tuple(lines))
    return EventText(
        f"Source {f.get('source')} recovered after {f.get('failures')} failed polls",
        (f"Last error was: {_short(f.get('error'))}",),
    )


def describe_item(key: str, kind: str, fields: Mapping[str, Any]) -> EventText:
    """An item as it stands now (for a lookup such as /doc or /vote), not as news."""
    if kind == "vote":
        return _vote(Event(0, "new", key, kind, "", fields, {}, datetime.now(UTC)))
    headline = _short(fields.get("symbol") or fields.get("title") or key)
    if fields.get("status"):
        headline += f": {_status(fields['status'])}"
    lines = [_title(fields["title"])] if fields.get("title") and kind != "meeting" else []
    lines.extend(_sponsor_lines(fields))
    if fields.get("action"):
        lines.append(_short(fields["action"]))
    return EventText(headline, tuple(lines), _links(fields))


def describe(event: Event) -> EventText:
    if event.for_operators:
        return _health(event)
    if event.item_kind == "vote":
        return _vote(event)
    if event.item_kind == "meeting":
        return _meeting(event)
    if event.item_kind == "article":
        return _article(event)
    return _document(event)


def as_plain_text(text: EventText) -> str:
    parts = [text.headline, *text.lines, *(f"{label}: {url}" for label, url in text.links)]
    return "\n".join(parts)
