"""A happening told in plain words: a headline, detail lines and links. Every channel words it the same.

Everything here comes from scraped facts, so it is plain text; notifiers escape it and lay it out.
Every line is prose: no field names, no Python values, and a figure a source did not give is "not
stated". A vote says where it came from and whether that source is official.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from state.model import Notice
from watchers.symbols import parse_symbol

_MAX_FIELD = 600
_MAX_TITLE = 10_000  # a title is what a reader came for: kept whole, bounded against garbage
_ADOPTED_NOUN = {"RES": "resolution", "DEC": "decision", "PRST": "President's statement"}
ACTION_WORDS = {
    "adopted_without_vote": "adopted without a vote",
    "adopted_by_vote": "adopted by a recorded vote",
    "rejected": "rejected by a recorded vote",
    "withdrawn": "withdrawn",
    "not_considered": "not considered",
    "postponed": "postponed",
    "read_out": "read out by the President",
    "voted": "put to a recorded vote (outcome not stated)",
}
_BY_VOTE = frozenset({"adopted_by_vote", "rejected", "voted"})
_CHOICE_WORDS = (
    ("yes", "In favour"),
    ("no", "Against"),
    ("abstain", "Abstaining"),
    ("not_voting", "Not voting"),
)


@dataclass(frozen=True)
class HappeningText:
    headline: str
    lines: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = field(default=())


def short(value: Any, limit: int = _MAX_FIELD) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _figure(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "not stated"


def tally(facts: Mapping[str, Any]) -> str:
    """ "28-17-1", with "?" only where a figure is not stated (the lines say so in words)."""
    return "-".join(_figure(facts.get(k)).replace("not stated", "?") for k in ("yes", "no", "abstain"))


def _when(iso: Any) -> str:
    """'2026-03-30T10:00:00+00:00' -> '30 March 2026, 10:00 UTC'; a date -> '30 March 2026'."""
    text = str(iso)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return short(text, 60)
    if len(text) <= 10:
        return f"{moment.day} {moment:%B %Y}"
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _links(facts: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    out = []
    for pair in facts.get("links") or []:
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and str(pair[1]).startswith(("https://", "http://"))
        ):
            out.append((short(pair[0], 40), str(pair[1])[:2000]))
    return tuple(out)


def _adopted_as(symbol: Any) -> str | None:
    parsed = parse_symbol(str(symbol or ""))
    if parsed is None or not parsed.is_adopted_text:
        return None
    return f"{_ADOPTED_NOUN[parsed.series]} {parsed.normalised}"


def subject(story: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    """What a happening is about: the draft's symbol, or for a text no source named by symbol, its title."""
    symbol = facts.get("acted_on") or facts.get("symbol") or story.get("anchor") or ""
    if facts.get("amends") and facts.get("acted_on"):  # an amendment's action in the draft's story
        return f"amendment {short(facts['acted_on'], 80)} to {short(facts['amends'], 80)}"
    if parse_symbol(str(symbol)) is not None:
        return short(symbol, 80)
    title = facts.get("title") or story.get("title") or "a text"
    return f"a text on {short(title, 300)}"


def _source_line(facts: Mapping[str, Any], label: str, official: bool) -> str:
    if facts.get("confirmed_by"):
        return short(f"Source: {label}, confirmed by {facts['confirmed_by']} (official record)")
    kind = "official record" if official else "press report, not official yet"
    return short(f"Source: {label} ({kind})")


def _vote_lines(facts: Mapping[str, Any]) -> list[str]:
    parts = [
        f"{word.lower() if i else word} {_figure(facts.get(key))}"
        for i, (key, word) in enumerate(_CHOICE_WORDS[:3])
    ]
    line = ", ".join(parts)
    if isinstance(facts.get("non_voting"), int) and facts["non_voting"]:
        line += f", not voting {facts['non_voting']}"
    return [line]


def _listed_lines(facts: Mapping[str, Any]) -> list[str]:
    """The countries a press report names under each vote, said to be as reported."""
    listed = facts.get("listed")
    if not isinstance(listed, Mapping) or not listed:
        return []
    from watchers.votes.countries import registry  # the country registry only when a list is told

    reg = registry()
    lines = []
    for key, word in _CHOICE_WORDS:
        codes = listed.get(key) or []
        if codes:
            names = ", ".join(sorted(reg.name(str(c)) for c in codes))
            lines.append(short(f"{word}, as reported: {names}", 2000))
    return lines


def _previous_lines(facts: Mapping[str, Any], roll_call: bool) -> list[str]:
    """The comparison with the previous vote on the initiative: tallies for the action, movers for the
    roll-call."""
    lines = [short(str(line)) for line in facts.get("since_previous") or []]
    head = [line for line in lines if line.startswith(("Previous vote", "Tallies:"))]
    rest = [line for line in lines if line not in head and not line.startswith("No country-by-country")]
    return rest if roll_call else head


def _action(story: Mapping[str, Any], facts: Mapping[str, Any], label: str, official: bool) -> HappeningText:
    outcome = str(facts.get("outcome") or "voted")
    what = subject(story, facts)
    words = ACTION_WORDS.get(outcome, outcome.replace("_", " "))
    reported = "Vote reported for " if what.startswith("a text on ") else ""
    if outcome in _BY_VOTE:
        headline = (
            f"{reported}{what}: {words}, {tally(facts)}" if reported else f"{what} {words}: {tally(facts)}"
        )
    else:
        headline = f"{what} {words}"
    headline = headline[:1].upper() + headline[1:]
    lines: list[str] = []
    title = story.get("title") or facts.get("title")  # the draft's own title over a press wording
    if title and not what.startswith("a text on "):
        lines.append(short(title, _MAX_TITLE))
    if outcome in _BY_VOTE:
        lines.extend(_vote_lines(facts))
        lines.extend(_listed_lines(facts))
    adopted = _adopted_as(facts.get("adopted_as"))
    if adopted and outcome.startswith(("adopted", "read")):
        lines.append(f"Adopted as {adopted}")
    if facts.get("orally_revised"):
        lines.append("As orally revised")
    when = facts.get("date")
    meeting = facts.get("meeting")
    if when or meeting:
        at = f"at the {_ordinal(meeting)} meeting" if isinstance(meeting, int) else ""
        lines.append(" ".join(p for p in ("Taken", at, f"on {_when(when)}" if when else "") if p))
    lines.extend(_previous_lines(facts, roll_call=False))
    if outcome in _BY_VOTE:
        lines.append(_source_line(facts, label, official))
        lines.extend(f"Check: {short(w)}" for w in (facts.get("warnings") or [])[:3])
    return HappeningText(headline, tuple(lines), _links(facts))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _roll_call(story: Mapping[str, Any], facts: Mapping[str, Any], label: str) -> HappeningText:
    from watchers.votes.countries import registry  # the country registry only when a roll-call is told

    reg = registry()
    what = short(facts.get("adopted_as") or subject(story, facts), 300)
    roll_call: Mapping[str, str] = facts.get("roll_call") or {}
    lines: list[str] = []
    lines.extend(_previous_lines(facts, roll_call=True))
    for key, word in _CHOICE_WORDS:
        names = sorted(reg.name(iso3) for iso3, choice in roll_call.items() if choice == key)
        if names:
            lines.append(short(f"{word} ({len(names)}): {', '.join(names)}", 2000))
    lines.append(_source_line(facts, label, official=True))
    return HappeningText(f"How each member voted on {what} ({tally(facts)})", tuple(lines), _links(facts))


def _document(kind: str, story: Mapping[str, Any], facts: Mapping[str, Any]) -> HappeningText:
    symbol = short(facts.get("symbol") or story.get("anchor") or "", 80)
    title = facts.get("title") or story.get("title")
    lines = [short(title, _MAX_TITLE)] if title else []
    to = short(facts.get("to") or story.get("anchor") or "", 80)
    if kind == "tabled":
        headline = f"New draft {symbol}"
        if facts.get("sponsors"):
            lines.append("Sponsors: " + short(", ".join(str(s) for s in facts["sponsors"])))
    elif kind == "revised":
        family = short(story.get("anchor") or to, 80)
        headline = f"{family} revised: {symbol.removeprefix(family + '/')}"
        lines.append(f"{symbol} replaces {to}")
    elif kind == "addendum":
        headline = f"Addendum to {to}: {symbol}"
    elif kind == "corrigendum":
        headline = f"Corrigendum to {to}: {symbol}"
    elif kind == "amendment":
        headline = f"Amendment {symbol} to {short(facts.get('amends') or story.get('anchor'), 80)} tabled"
    else:
        headline = f"New document {symbol}"
    return HappeningText(headline, tuple(lines), _links(facts))


def _live(facts: Mapping[str, Any]) -> HappeningText:
    lines = [f"Started {_when(facts['start_utc'])}"] if facts.get("start_utc") else []
    if facts.get("summary_record"):
        lines.append(f"Summary record: {short(facts['summary_record'], 80)}")
    return HappeningText(
        f"Live now: {short(facts.get('title') or 'a Council meeting', _MAX_TITLE)}",
        tuple(lines),
        _links(facts),
    )


def _text_changes(story: Mapping[str, Any], facts: Mapping[str, Any]) -> HappeningText:
    """A comparison of a new text with the one before it: the summary, then each change in words."""
    lines = [short(line, 2000) for line in facts.get("lines") or []]
    headline = short(facts.get("summary") or f"What the text of {story.get('anchor')} changes", 600)
    return HappeningText(headline, tuple(lines), _links(facts))


def tell(
    kind: str, story: Mapping[str, Any], facts: Mapping[str, Any], label: str = "", official: bool = False
) -> HappeningText:
    """One happening as it stands, in words."""
    if kind == "action":
        return _action(story, facts, label, official)
    if kind == "roll_call":
        return _roll_call(story, facts, label)
    if kind == "live":
        return _live(facts)
    if kind == "text_changes":
        return _text_changes(story, facts)
    return _document(kind, story, facts)


def _correction(notice: Notice) -> HappeningText:
    facts, was = notice.facts, notice.payload.get("was") or {}
    label = str(notice.payload.get("source_label") or notice.source)
    what = subject(notice.story, facts)
    if "outcome" in was:
        now = ACTION_WORDS.get(str(facts.get("outcome")), str(facts.get("outcome")))
        then = ACTION_WORDS.get(str(was["outcome"]), str(was["outcome"]))
    elif "roll_call" in was:
        now, then = "another roll-call", "a different roll-call"
    else:
        now, then = tally(facts), tally({**facts, **was})
    told = tell(notice.kind, notice.story, facts, label, bool(notice.payload.get("official")))
    lines = (f"{notice.payload.get('was_source')} had reported {then}", *told.lines)
    return HappeningText(short(f"Correction on {what}: {label} gives {now}"), lines, told.links)


def _operator(notice: Notice) -> HappeningText:
    p = notice.payload
    if notice.type == "source_failing":
        lines = [f"Last error: {short(p.get('error'))}"]
        if p.get("last_success"):
            lines.append(f"Last success: {_when(p['last_success'])}")
        return HappeningText(
            f"Source {p.get('source')} is failing ({p.get('failures')} polls in a row)", tuple(lines)
        )
    return HappeningText(
        f"Source {p.get('source')} recovered after {p.get('failures')} failed polls",
        (f"Last error was: {short(p.get('error'))}",),
    )


def as_post(notice: Notice) -> HappeningText:
    """The happening's post as it stands now: what a confirmation edits the first post into."""
    label = str(notice.payload.get("source_label") or notice.source)
    return tell(notice.kind, notice.story, notice.facts, label, bool(notice.payload.get("official")))


def describe(notice: Notice) -> HappeningText:
    """A notice in words: a happening, a confirmation of one ("Confirmed by ...: headline", then the
    post as it now stands), a correction, an operator note."""
    if notice.for_operators:
        return _operator(notice)
    if notice.type == "correction":
        return _correction(notice)
    post = as_post(notice)
    if notice.type == "confirmed":
        headline = short(f"Confirmed by {notice.payload.get('confirmed_by')}: {post.headline}")
        return HappeningText(headline, post.lines, post.links)
    return post


def as_plain_text(text: HappeningText) -> str:
    parts = [text.headline, *text.lines, *(f"{label}: {url}" for label, url in text.links)]
    return "\n".join(parts)
