"""A vote report in any of the layouts people copy it in, read into `Vote`s without guessing.

Layouts: the webcast vote screen (VOTE<TAB>COUNTRY pairs), OHCHR Search Library MARCXML, and prose:
meeting summaries and news reporting one or many votes, results pages with one symbol line per item,
headed, numbered and bulleted country lists, lists written before their label, action texts. Page chrome
is dropped first (chrome.py); each vote is read from its own segment (segments.py), with the meeting's
date (dates.py), its session (sessions.py) and its title (titles.py). Whatever the text leaves out stays
None or "not_shown"; whatever it contradicts becomes a warning (checks.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from watchers.symbols import Symbol, find_symbols, parse_symbol
from watchers.votes.checks import finish
from watchers.votes.chrome import strip_chrome
from watchers.votes.countries import Registry, registry
from watchers.votes.dates import meeting_date
from watchers.votes.model import Choice, Vote, session_of
from watchers.votes.prose import (
    Category,
    ListResult,
    adjacent_votes,
    announces_results,
    find_lists,
    trailing_lists,
)
from watchers.votes.segments import Segment, find_segments, history_spans, sentence_bounds
from watchers.votes.sessions import session_in_words, session_on
from watchers.votes.titles import title_in_prose, title_on_symbol_line

MAX_TEXT = 200_000
MAX_VOTES = 100
_SHEET_VOTES: dict[str, Choice] = {
    "YES": "yes",
    "Y": "yes",
    "NO": "no",
    "N": "no",
    "ABST": "abstain",
    "ABSTAIN": "abstain",
    "ABSTENTION": "abstain",
    "A": "abstain",
    "": "not_shown",
    "ABSENT": "not_voting",
    "NV": "not_voting",
    ".": "not_voting",
}
_SHORT_SYMBOL = re.compile(r"(?<![\w/])(RES|DEC)/(S-\d{1,2}|\d{1,3})/(\d{1,3})\b", re.IGNORECASE)
# A UN document's own heading: "Decision 4/103. Human rights and ...", "37/23. Promoting ...".
_HEADING_NUMBER = re.compile(
    r"^[ \t]{0,4}(?P<kind>Resolution|Decision)?[ \t]{0,2}"
    r"(?P<session>S-\d{1,2}|\d{1,2})/(?P<n>\d{1,3})\.[ \t]",
    re.IGNORECASE | re.MULTILINE,
)
_ORDINAL_SESSION = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)\s{1,3}(?:regular\s{1,3}|HRC\s{1,3})?session\b", re.IGNORECASE
)
_REJECTED = re.compile(
    r"\b(?:rejected|defeated|voted\s{1,3}down|Council\s{1,3}refus(?:ed|es)\s{1,3}to|voted\s{1,3}against\s{1,3}(?:holding|a|the)"
    r"|voted\s{1,3}\d{1,2}\s?[-–]\s?\d{1,2}\s{1,3}against)\b",
    re.IGNORECASE,
)
_ADOPTED = re.compile(
    r"\b(?:adopted|adopting|adopts|approved|passed|extended|renewed|decided|established|endorsed)\b",
    re.IGNORECASE,
)


def _sheet_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) >= 2 and any(c.upper() in _SHEET_VOTES and c for c in cells[::2]):
            rows.append(cells)
    return rows


def _parse_sheet(rows: list[list[str]], reg: Registry) -> tuple[dict[str, Choice], list[str], list[str]]:
    roll_call: dict[str, Choice] = {}
    unrecognised: list[str] = []
    warnings: list[str] = []
    for cells in rows:
        for i in range(0, len(cells) - 1, 2):
            vote_cell, name = cells[i].upper(), cells[i + 1]
            if not name:
                continue
            iso3 = reg.lookup(name)
            choice = _SHEET_VOTES.get(vote_cell)
            if iso3 is None:
                unrecognised.append(name[:80])
            elif choice is None:
                unrecognised.append(f"{cells[i][:20]} {name[:60]}")
            elif iso3 in roll_call:
                warnings.append(f"{reg.name(iso3)} appears twice on the vote screen")
            else:
                roll_call[iso3] = choice
    return roll_call, unrecognised, warnings


def _symbols(text: str) -> tuple[Symbol | None, Symbol | None]:
    """The adopted text's symbol and the draft's, each the first the text names.

    An adopted symbol from another session than the draft is a text the report cites ("follow-up to
    Human Rights Council resolution 8/4 (A/HRC/35/L.2)"), not the one voted on: a draft of session N
    is adopted as A/HRC/RES/N/x. A bare number counts only as a document's own heading.
    """
    found = find_symbols(text)
    for kind, session, number in _SHORT_SYMBOL.findall(text):
        short = parse_symbol(f"A/HRC/{kind}/{session}/{number}")
        if short is not None and short not in found:
            found.append(short)
    for heading in _HEADING_NUMBER.finditer(text):
        series = "DEC" if (heading["kind"] or "").lower() == "decision" else "RES"
        own = parse_symbol(f"A/HRC/{series}/{heading['session']}/{heading['n']}")
        if own is not None and own not in found:
            found.append(own)
    draft = next((s for s in found if s.is_draft), None)
    adopted = next(
        (s for s in found if s.is_adopted_text and (draft is None or s.session == draft.session)), None
    )
    return adopted, draft


def _session_in_text(text: str, given: int | str | None) -> str | None:
    """The caller's session, else the one the text names for its meeting ("closed its thirty-fourth
    special session", "the 25th session of the HRC")."""
    if given is not None:
        return str(given).upper()
    ordinal = _ORDINAL_SESSION.search(text)
    return session_in_words(text) or (ordinal.group(1) if ordinal else None)


def _session(given: int | str | None, symbol: str | None, in_text: str | None, day: str | None) -> str | None:
    """The caller's, else the symbol's, else the text's own words, else the record's voting day."""
    if given is not None:
        return str(given).upper()
    return session_of(symbol) or in_text or session_on(day)


def _outcome(sentence: str, lede: str) -> str | None:
    """The outcome word of the result's own sentence, else of the text's headline."""
    for place in (sentence, lede):
        rejected, adopted = bool(_REJECTED.search(place)), bool(_ADOPTED.search(place))
        if rejected != adopted:
            return "rejected" if rejected else "adopted"
    return None


def _heading_title(text: str) -> str | None:
    """The title after a document's own number: "Decision 4/103. Human rights and unilateral ..."."""
    heading = _HEADING_NUMBER.search(text)
    if heading is None:
        return None
    rest = text[heading.end() :].split("\n", 1)[0].strip()
    return rest[:300] if len(rest.split()) >= 2 else None


def _offset(text: str, segment: Segment | None) -> int | None:
    """Where, inside its sentence, the segment's result is stated."""
    if segment is None:
        return None
    return segment.anchor - sentence_bounds(text, segment.anchor)[0]


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with `spans` blanked (kept the same length, so positions still hold)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def parse_vote_texts(text: str, session: int | str | None = None, published: str | None = None) -> list[Vote]:
    """Every recorded vote a text reports, in order; `published` is the date of the page or feed entry
    (ISO), which dates a summary that says "this afternoon"."""
    text = text[:MAX_TEXT]
    if text.lstrip().startswith("<"):
        from watchers.votes.marc import parse_voting_records

        try:
            return parse_voting_records(text.encode("utf-8"))
        except ValueError:
            pass
    sheet = _sheet_rows(text)
    if len(sheet) >= 3:
        return [_parse_sheet_vote(text, sheet, session)]
    text = strip_chrome(text)
    day = meeting_date(text, published)
    reading = Reading(
        text=text,
        without_history=_blank(text, history_spans(text)),
        meeting=day,
        given_session=session,
        session_in_text=_session_in_text(text, session),
        day_for_session=day or (published or "")[:10] or None,
    )
    segments = find_segments(text)[:MAX_VOTES]
    if not segments:
        return [_read_segment(reading, None)] if _has_lists(text) else []
    return [_read_segment(reading, segment) for segment in segments]


def _has_lists(text: str) -> bool:
    return bool(find_lists(text, registry()).lists)


def parse_vote_text(text: str, session: int | None = None) -> Vote:
    """The vote a text reports; if it reports several, the first, with a warning naming the rest."""
    votes = parse_vote_texts(text, session)
    if not votes:
        return Vote(warnings=("the text holds no vote record",), source="text")
    first = votes[0]
    if len(votes) > 1:
        others = ", ".join(v.key_symbol or v.title or "?" for v in votes[1:])
        note = f"the text reports {len(votes)} votes; this is the first (others: {others})"
        first = first.with_changes(warnings=(*first.warnings, note))
    return first


def _parse_sheet_vote(text: str, sheet: list[list[str]], session: int | str | None) -> Vote:
    reg = registry()
    roll_call, unrecognised, warnings = _parse_sheet(sheet, reg)
    adopted, draft = _symbols(text)
    symbol = adopted.normalised if adopted else None
    draft_symbol = draft.normalised if draft else None
    own = [s for s in (draft, adopted) if s is not None]
    day = meeting_date(text)
    vote = Vote(
        symbol=symbol,
        draft_symbol=draft_symbol,
        title=title_on_symbol_line(text, own),
        date=day,
        session=_session(session, symbol or draft_symbol, _session_in_text(text, session), day),
        outcome=_outcome("", text[:300]),
        roll_call=roll_call,
        unrecognised=tuple(dict.fromkeys(unrecognised)),
        warnings=tuple(warnings),
        checks={"layout": "vote screen"},
        source="text",
    )
    return finish(vote, {})


@dataclass(frozen=True)
class Reading:
    """What every vote of one text shares: the text, the text with its history blanked, the meeting's
    date when the text gives it, the caller's session, the session the text names in words, and the day
    that places a vote in a session when nothing else does (the meeting's, else the page's publication
    day)."""

    text: str
    without_history: str
    meeting: str | None
    given_session: int | str | None
    session_in_text: str | None
    day_for_session: str | None


def _read_segment(reading: Reading, segment: Segment | None) -> Vote:
    reg = registry()
    text = reading.text
    start, end = (segment.start, segment.end) if segment else (0, len(text))
    piece = reading.without_history[start:end]
    warnings: list[str] = []
    checks: dict[str, Any] = {}
    stated: dict[Category, int] = segment.counts() if segment else {}
    lists = find_lists(piece, reg)
    trailing_lists(piece, reg, lists)
    roll_call = _roll_call(piece, lists, reg, warnings)
    for category, value in lists.stated.items():
        stated.setdefault(category, value)
    checks["layout"] = "lists" if lists.lists else ("counts" if stated else "prose")
    if announces_results(piece) and not lists.lists:
        warnings.append("the text announces the country lists but does not include them")
    adopted, draft = _symbols(piece)
    symbol = adopted.normalised if adopted else None
    draft_symbol = draft.normalised if draft else None
    if symbol is None and draft_symbol is None:
        warnings.append("the text names no symbol: it cannot be matched to an official record")
    own = [s for s in (draft, adopted) if s is not None]
    sentence = text[slice(*sentence_bounds(text, segment.anchor))] if segment else piece
    # The headline speaks for the text's first vote; a later vote's segment begins with its own words.
    opening = piece[:300]
    vote = Vote(
        symbol=symbol,
        draft_symbol=draft_symbol,
        title=title_on_symbol_line(piece, own)
        or _heading_title(piece)
        or title_in_prose(sentence, near=_offset(text, segment))
        or title_in_prose(piece),
        date=reading.meeting,
        session=_session(
            reading.given_session, symbol or draft_symbol, reading.session_in_text, reading.day_for_session
        ),
        outcome=_outcome(sentence, opening),  # type: ignore[arg-type]
        roll_call=roll_call,
        unrecognised=tuple(dict.fromkeys(lists.unrecognised)),
        warnings=tuple(warnings),
        checks=checks,
        source="text",
    )
    return finish(vote, dict(stated))


def _roll_call(piece: str, lists: ListResult, reg: Registry, warnings: list[str]) -> dict[str, Choice]:
    roll_call: dict[str, Choice] = {}
    for category, codes in lists.lists.items():
        _add(roll_call, codes, category, reg, warnings)
    for iso3, category in adjacent_votes(piece, reg, lists.spans):
        _add(roll_call, [iso3], category, reg, warnings)
    return roll_call


def _add(
    roll_call: dict[str, Choice],
    codes: list[str],
    category: Category,
    reg: Registry,
    warnings: list[str],
) -> None:
    """A state named under two different votes is reported and left out, never picked."""
    for iso3 in codes:
        previous = roll_call.get(iso3)
        if previous is None:
            roll_call[iso3] = category
        elif previous != category:
            warnings.append(f"{reg.name(iso3)} is listed as both {previous} and {category}")
            roll_call[iso3] = "not_shown"
