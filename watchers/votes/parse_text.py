"""A vote report in any of the layouts people copy it in, read into a `Vote` without guessing.

Layouts: the webcast vote screen (VOTE<TAB>COUNTRY pairs), headed country lists, counts in prose,
and the OHCHR action text. Whatever the text leaves out stays None or "not_shown"; whatever it
contradicts (lists against totals, non-members, members in no list) becomes a warning.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from watchers.symbols import Symbol, find_symbols, parse_symbol, symbol_spans
from watchers.votes.action_text import parse_action_text
from watchers.votes.checks import finish
from watchers.votes.countries import Registry, registry
from watchers.votes.lexicon import find_date
from watchers.votes.model import Choice, Vote, session_of
from watchers.votes.prose import (
    CATEGORIES,
    Category,
    adjacent_votes,
    announces_results,
    find_lists,
    statements,
)

MAX_TEXT = 200_000
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
_ORDINAL_SESSION = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)\s{1,3}(?:regular\s{1,3}|HRC\s{1,3})?session\b", re.IGNORECASE
)
_OUTCOME = re.compile(r"\b(adopted|rejected|approved|defeated)\b", re.IGNORECASE)


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
    is adopted as A/HRC/RES/N/x.
    """
    found = find_symbols(text)
    for kind, session, number in _SHORT_SYMBOL.findall(text):
        short = parse_symbol(f"A/HRC/{kind}/{session}/{number}")
        if short is not None and short not in found:
            found.append(short)
    draft = next((s for s in found if s.is_draft), None)
    adopted = next(
        (s for s in found if s.is_adopted_text and (draft is None or s.session == draft.session)), None
    )
    return adopted, draft


def _span(line: str, symbol: Symbol) -> tuple[int, int] | None:
    """Where `symbol` is first written in `line`, whatever the spelling."""
    return next(((start, end) for start, end, seen in symbol_spans(line) if seen == symbol), None)


def _title(text: str, own: list[Symbol]) -> str | None:
    """The words beside the vote's own symbol, or a short first line that reads like a title."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:40]:
        if len(line.split()) > 25:
            continue
        span = next((found for s in own if (found := _span(line, s)) is not None), None)
        if span is None:
            short = _SHORT_SYMBOL.search(line)
            span = short.span() if short else None
        if span is None:
            continue
        rest = (line[: span[0]] + " " + line[span[1] :]).strip(" -–—:()[].")
        rest = re.sub(r"\(\s*\)|^[-–—:.\s]+|[-–—:\s]+$", "", rest).strip()
        if "\t" not in rest and len(rest.split()) >= 3:
            return rest[:300]
    if lines:
        first = lines[0]
        if len(first.split()) <= 20 and not re.search(r"\d", first) and first[-1] not in ":.":
            return first[:300]
    return None


def _session(text: str, symbol: str | None, given: int | str | None) -> str | None:
    if given is not None:
        return str(given).upper()
    from_symbol = session_of(symbol)
    if from_symbol:
        return from_symbol
    ordinal = _ORDINAL_SESSION.search(text)
    return ordinal.group(1) if ordinal else None


def _merge_statements(text: str, warnings: list[str]) -> dict[Category, int]:
    """Consistent statements are combined; one that contradicts the first is reported, not used."""
    merged: dict[Category, int] = {}
    conflicting: list[str] = []
    for statement in statements(text):
        clash = any(merged.get(k, v) != v for k, v in statement.counts.items())
        if clash:
            conflicting.append("-".join(str(statement.counts.get(c, "?")) for c in CATEGORIES[:3]))
            continue
        merged.update(statement.counts)
    if conflicting:
        kept = "-".join(str(merged.get(c, "?")) for c in CATEGORIES[:3])
        warnings.append(
            f"the text states other tallies too ({', '.join(conflicting)}); kept the first ({kept})"
        )
    return merged


def _segments(text: str) -> list[str]:
    """One segment per voted item when a page reports several (one symbol line each)."""
    starts = [0]
    for match in re.finditer(r"^[^\n]*\(\s?A\s?/\s?HRC[^\n]*$", text, re.MULTILINE):
        starts.append(match.start())
    bounds = [*sorted(set(starts)), len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    voted = [p for p in pieces if statements(p) and find_symbols(p)]
    return voted if len(voted) >= 2 else [text]


def parse_vote_texts(text: str, session: int | str | None = None) -> list[Vote]:
    """Every recorded vote a text reports, in order (a session summary can report many)."""
    text = text[:MAX_TEXT]
    if text.lstrip().startswith("<"):
        from watchers.votes.marc import parse_voting_records

        try:
            return parse_voting_records(text.encode("utf-8"))
        except ValueError:
            pass
    return [_parse_one(piece, session) for piece in _segments(text)]


def parse_vote_text(text: str, session: int | None = None) -> Vote:
    """The vote a text reports; if it reports several, the first, with a warning naming the rest."""
    votes = parse_vote_texts(text, session)
    if not votes:
        return Vote(warnings=("the text holds no vote record",), source="text")
    first = votes[0]
    if len(votes) > 1:
        others = ", ".join(v.key_symbol or "?" for v in votes[1:])
        note = f"the text reports {len(votes)} votes; this is the first (others: {others})"
        first = first.with_changes(warnings=(*first.warnings, note))
    return first


def _parse_one(text: str, session: int | str | None) -> Vote:
    reg = registry()
    warnings: list[str] = []
    unrecognised: list[str] = []
    checks: dict[str, Any] = {}
    roll_call: dict[str, Choice] = {}
    sheet = _sheet_rows(text)
    prose_text = text
    if len(sheet) >= 3:
        checks["layout"] = "vote screen"
        roll_call, unrecognised, warnings = _parse_sheet(sheet, reg)
        prose_text = "\n".join(line for line in text.splitlines() if "\t" not in line)
    stated = _merge_statements(prose_text, warnings)
    action = parse_action_text(prose_text) if "recorded vote" in prose_text.lower() else None
    if not roll_call:
        lists = find_lists(prose_text, reg)
        checks["layout"] = "lists" if lists.lists else ("counts" if stated else "prose")
        unrecognised.extend(lists.unrecognised)
        for category, value in lists.stated.items():
            stated.setdefault(category, value)
        for category, codes in lists.lists.items():
            _add(roll_call, codes, category, reg, warnings)
        for iso3, category in adjacent_votes(prose_text, reg, lists.spans):
            _add(roll_call, [iso3], category, reg, warnings)
        if announces_results(prose_text) and not lists.lists:
            warnings.append("the text announces the country lists but does not include them")
    adopted, draft_text = _symbols(text)
    symbol = adopted.normalised if adopted else None
    draft = draft_text.normalised if draft_text else None
    if symbol is None and draft is None:
        warnings.append("the text names no symbol: it cannot be matched to an official record")
    outcome = _OUTCOME.search(prose_text)
    vote = Vote(
        symbol=symbol,
        draft_symbol=draft,
        title=_title(text, [s for s in (draft_text, adopted) if s is not None]),
        date=(action.date if action else None) or find_date(text),
        session=_session(text, symbol or draft, session),
        outcome=_outcome_word(outcome.group(1)) if outcome else None,
        roll_call=roll_call,
        unrecognised=tuple(dict.fromkeys(unrecognised)),
        warnings=tuple(warnings),
        checks=checks,
        source="text",
    )
    return finish(vote, stated)


def _outcome_word(word: str) -> str:
    return "adopted" if word.lower() in ("adopted", "approved") else "rejected"


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
