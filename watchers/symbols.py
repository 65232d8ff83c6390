"""The Human Rights Council's document symbols: parse, normalise, group into families, order.

Every item of a document is keyed by its normalised symbol, so two sources that spell one symbol
differently ("A/HRC.35/L.13/Rev 1", "A/HRC/35/L.13/Rev.1") must meet on one key. Only symbols of the
Council itself are accepted: drafts (L.), adopted resolutions / decisions / President's statements,
summary records (SR.) and numbered session documents (A/HRC/{S}/{n}). Subsidiary bodies that share the
prefix (A/HRC/WG.6/... of the UPR working group, A/HRC/AC/... of the Advisory Committee, A/HRC/EMRIP/...)
are deliberately not HRC symbols here: they are not Council texts and are never put to a Council vote.
Other series (A/C.3/78/L.49, E/CN.4/...) never match.

Every regex below is a chain of bounded quantifiers with no nested repetition, so matching is linear
in the length of the text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Series = Literal["L", "RES", "DEC", "PRST", "SR", "DOC"]
SuffixKind = Literal["Rev", "Add", "Corr"]

MAX_TEXT = 5_000_000  # find_symbols reads at most this many characters of untrusted text
MAX_SYMBOL_TEXT = 200  # parse_symbol refuses longer strings: a symbol is short

_SERIES_ORDER: dict[str, int] = {"L": 0, "RES": 1, "DEC": 2, "PRST": 3, "SR": 4, "DOC": 5}
_ADOPTED_SERIES = ("RES", "DEC", "PRST")

_SP = r"\s{0,2}"
_SEP = rf"{_SP}[/.]{_SP}"
_SESSION = r"(?:S\s{0,2}[-‐‑–—]?\s{0,2}[0-9]{1,2}|[0-9]{1,3})(?![0-9])"
_SUFFIX = rf"{_SP}[/.]?{_SP}(?:Rev|Add|Corr?){_SP}\.?{_SP}[0-9]{{1,2}}(?![0-9])"

_SYMBOL = re.compile(
    rf"""
    (?<![A-Za-z0-9])
    A{_SEP}HRC{_SEP}
    (?:
        (?P<adopted>RES|DEC|PRST){_SEP}(?P<asession>{_SESSION}){_SEP}(?P<anum>[0-9]{{1,4}})
      | (?P<session>{_SESSION}){_SEP}
        (?:(?P<series>L|SR){_SP}\.?{_SP}(?P<lnum>[0-9]{{1,4}})|(?P<dnum>[0-9]{{1,4}}))
    )
    (?![0-9])
    (?P<suffixes>(?:{_SUFFIX}){{0,4}})
    (?![A-Za-z0-9])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ONE_SUFFIX = re.compile(rf"(?P<kind>Rev|Add|Corr?){_SP}\.?{_SP}(?P<num>[0-9]{{1,2}})", re.IGNORECASE)

# "Human Rights Council resolution 43/21": a short form is taken only when the Council is named right
# before it; a bare "60/251" is as likely to be a General Assembly resolution, and a bare "Council" may
# be the Security or the Economic and Social Council.
_SHORT = re.compile(
    rf"""
    (?<![A-Za-z0-9])
    (?:Human\s{{1,3}}Rights\s{{1,3}}Council|HRC)(?:['’]s)?\s{{1,3}}
    (?P<kind>resolution|decision|President['’]s\s{{1,3}}statement)s?\s{{1,3}}
    (?:No\.?\s{{0,2}})?
    (?P<session>{_SESSION})\s{{0,2}}/\s{{0,2}}(?P<num>[0-9]{{1,4}})
    (?![0-9/])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SHORT_KIND: dict[str, Series] = {"resolution": "RES", "decision": "DEC"}
_HRC_HEAD = re.compile(r"hrc(?:['’]s)?\s{1,3}(?:resolution|decision|president)")
_UNICODE_CASES = "ıİſ"  # match i, i and s under IGNORECASE, but lowercase to other letters
_BEFORE_COUNCIL = 20  # "Human" starts at most 17 characters before "Council"
_AFTER_HEAD = 120  # and a short form ends within about 70 characters of "Council" or "HRC"

# Every spelling either pattern matches holds "HRC" or "Council" (same case rules): a text without
# either names no symbol, and is answered without running the patterns above.
MAY_NAME = re.compile(r"hrc|council", re.IGNORECASE)

# A bare adopted number in a cell that is known to hold one (OHCHR res-dec-stat tables): "55/2", "S-34/1".
_BARE_ADOPTED = re.compile(
    rf"\s{{0,8}}(?P<session>{_SESSION})\s{{0,2}}/\s{{0,2}}(?P<num>[0-9]{{1,4}})\s{{0,8}}"
)


@dataclass(frozen=True, order=False)
class Symbol:
    """One HRC symbol. Equal symbols have equal `normalised` strings and vice versa."""

    series: Series
    session: str  # "43" or "S-34"
    number: int
    suffixes: tuple[tuple[SuffixKind, int], ...] = ()
    # The original document all revisions, addenda and corrigenda belong to (no suffixes), and the
    # canonical spelling, e.g. "A/HRC/43/L.13/Rev.1", "A/HRC/RES/S-34/1": every symbol read is keyed by
    # them, so they are made with it (functools.cached_property takes a lock on every first read).
    family: str = field(init=False, repr=False, compare=False)
    normalised: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.series in _ADOPTED_SERIES:
            family = f"A/HRC/{self.series}/{self.session}/{self.number}"
        elif self.series == "DOC":
            family = f"A/HRC/{self.session}/{self.number}"
        else:
            family = f"A/HRC/{self.session}/{self.series}.{self.number}"
        object.__setattr__(self, "family", family)
        suffixes = "".join(f"/{kind}.{num}" for kind, num in self.suffixes) if self.suffixes else ""
        object.__setattr__(self, "normalised", family + suffixes)

    def __str__(self) -> str:
        return self.normalised

    @property
    def is_draft(self) -> bool:
        """An L-document: a draft resolution, decision or amendment, or one of their Rev./Add./Corr."""
        return self.series == "L"

    @property
    def is_adopted_text(self) -> bool:
        return self.series in _ADOPTED_SERIES

    @property
    def is_special_session(self) -> bool:
        return self.session.startswith("S-")

    @property
    def revision(self) -> int:
        """The highest Rev. number in the chain, 0 for the original text."""
        return max((n for kind, n in self.suffixes if kind == "Rev"), default=0)

    @property
    def addendum(self) -> int | None:
        return self._last("Add")

    @property
    def corrigendum(self) -> int | None:
        return self._last("Corr")

    def _last(self, kind: SuffixKind) -> int | None:
        found = [n for k, n in self.suffixes if k == kind]
        return found[-1] if found else None

    @property
    def parent(self) -> Symbol | None:
        """The symbol this one is attached to: L.13/Rev.1/Add.1 -> L.13/Rev.1; None for a family root."""
        if not self.suffixes:
            return None
        return Symbol(self.series, self.session, self.number, self.suffixes[:-1])

    @property
    def revision_of(self) -> Symbol | None:
        """For a revised text, the version it replaces: Rev.1 -> original, Rev.2 -> Rev.1."""
        if not self.suffixes or self.suffixes[-1][0] != "Rev":
            return None
        head, (_, num) = self.suffixes[:-1], self.suffixes[-1]
        if num > 1:
            return Symbol(self.series, self.session, self.number, (*head, ("Rev", num - 1)))
        return Symbol(self.series, self.session, self.number, head)

    @property
    def session_sort(self) -> tuple[int, int]:
        """Regular sessions first in number order, then special sessions."""
        if self.is_special_session:
            return (1, int(self.session[2:]))
        return (0, int(self.session))

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Orders by session, series, number, then revision, addendum, corrigendum within a family."""
        chain = tuple((_SUFFIX_ORDER[kind], num) for kind, num in self.suffixes)
        return (*self.session_sort, _SERIES_ORDER[self.series], self.number, self.revision, chain)


_SUFFIX_ORDER: dict[str, int] = {"Rev": 0, "Add": 1, "Corr": 2}


def _session(text: str) -> str | None:
    """'43' -> '43', 's – 34' -> 'S-34'; None for session 0."""
    if text.isascii() and text.isdigit():  # the usual spelling, read without a character loop
        return str(int(text)) if int(text) else None
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if not digits or int(digits) == 0:
        return None
    prefix = "S-" if text.strip()[:1] in ("S", "s", "ſ") else ""
    return f"{prefix}{int(digits)}"


def _suffixes(text: str | None) -> tuple[tuple[SuffixKind, int], ...] | None:
    if not text:
        return ()
    out: list[tuple[SuffixKind, int]] = []
    for match in _ONE_SUFFIX.finditer(text):
        word = match.group("kind").lower()
        kind: SuffixKind = "Rev" if word == "rev" else "Add" if word == "add" else "Corr"
        num = int(match.group("num"))
        if num == 0:
            return None
        out.append((kind, num))
    return tuple(out)


def _from_match(match: re.Match[str]) -> Symbol | None:
    suffixes = _suffixes(match.group("suffixes"))
    if suffixes is None:
        return None
    if match.group("adopted"):
        series: Series = match.group("adopted").upper()  # type: ignore[assignment]
        session = _session(match.group("asession"))
        number = int(match.group("anum"))
    else:
        session = _session(match.group("session"))
        if match.group("series"):
            series = match.group("series").upper()  # type: ignore[assignment]
            number = int(match.group("lnum"))
        else:
            series = "DOC"
            number = int(match.group("dnum"))
    if session is None or number == 0:
        return None
    return Symbol(series, session, number, suffixes)


def parse_symbol(text: str) -> Symbol | None:
    """The HRC symbol that `text` is (whitespace and closing punctuation around it allowed), else None."""
    if not isinstance(text, str) or len(text) > MAX_SYMBOL_TEXT:
        return None
    return _parse_symbol(text)


@functools.lru_cache(maxsize=65536)
def _parse_symbol(text: str) -> Symbol | None:
    """Symbols are immutable and every item names its own several times: parse each spelling once (a
    spelling already read in a page's text is that symbol: the store parses the keys a watcher made)."""
    cleaned = text.strip().rstrip(".,;:)]").strip()
    known = _SPELLINGS.get(cleaned, _UNREAD)  # one lookup: another poll thread may empty the memo
    if known is not _UNREAD:
        return known
    match = _SYMBOL.fullmatch(cleaned)
    return _from_match(match) if match else None


def parse_adopted_number(text: str, series: Series = "RES") -> Symbol | None:
    """A cell known to hold an adopted text's number: "55/2" (short) or a full symbol of `series`."""
    if not isinstance(text, str) or len(text) > MAX_SYMBOL_TEXT:
        return None
    full = parse_symbol(text)
    if full is not None:
        return full if full.series in _ADOPTED_SERIES else None
    match = _BARE_ADOPTED.fullmatch(text)
    if not match:
        return None
    session = _session(match.group("session"))
    number = int(match.group("num"))
    if session is None or number == 0 or series not in _ADOPTED_SERIES:
        return None
    return Symbol(series, session, number)


_SPELLINGS: dict[str, Symbol | None] = {}
_MAX_SPELLINGS = 20_000
_UNREAD = Symbol("L", "1", 1)  # a marker: a spelling not read yet (None is a spelling that is no symbol)


def _spelled(match: re.Match[str]) -> Symbol | None:
    """The symbol a matched spelling stands for, read once per spelling: a page names each symbol in
    its text and its link, and a daemon sees the same spellings every poll. A spelling reads the same
    wherever it was matched (no group depends on the text around it), so the first match of a spelling
    stands for all; the memo is emptied when it is full, never grown without bound."""
    spelling = match.group()
    try:
        return _SPELLINGS[spelling]
    except KeyError:
        pass
    if len(_SPELLINGS) >= _MAX_SPELLINGS:
        _SPELLINGS.clear()
    symbol = _SPELLINGS[spelling] = _from_match(match)
    return symbol


def _short_spans(text: str) -> Iterator[tuple[int, int, Symbol]]:
    for match in _SHORT.finditer(text):
        kind = match.group("kind").lower()
        series: Series = _SHORT_KIND.get(kind, "PRST")
        session = _session(match.group("session"))
        number = int(match.group("num"))
        if session is not None and number:
            yield match.start(), match.end(), Symbol(series, session, number)


def symbol_spans(text: str) -> list[tuple[int, int, Symbol]]:
    """Every sighting of an HRC symbol in free text as (start, end, symbol), in order, repeats kept."""
    if not isinstance(text, str) or not MAY_NAME.search(text, 0, MAX_TEXT):
        return []
    text = text[:MAX_TEXT]
    spans = [(m.start(), m.end(), s) for m in _SYMBOL.finditer(text) if (s := _spelled(m))]
    short = list(_short_spans(text))
    return sorted(spans + short, key=lambda sighting: sighting[0]) if short else spans


def same_place_lowercase(text: str) -> str | None:
    """`text` lowercased, when each letter stays where it was and a case-blind pattern finds nothing a
    search of the lowercased text would miss; else None (the letters in _UNICODE_CASES, or a letter whose
    lowercase is longer, as İ's is)."""
    low = text.lower()
    if len(low) != len(text) or any(ch in text for ch in _UNICODE_CASES):
        return None
    return low


def has_short_form(text: str) -> bool:
    """Whether `text` names a symbol in its short form ("Human Rights Council resolution 43/21").

    A short form holds "Council", or "HRC" before its kind: only the few places where the lowercased
    text has one are matched. Letters that match another case only in Unicode (ı, İ, ſ) send the text
    to the full search.
    """
    text = text[:MAX_TEXT]
    low = same_place_lowercase(text)
    if low is None:
        return _SHORT.search(text) is not None
    start = low.find("council")
    while start >= 0:
        if _SHORT.search(text, max(0, start - _BEFORE_COUNCIL), start + _AFTER_HEAD):
            return True
        start = low.find("council", start + 1)
    return any(_SHORT.search(text, m.start(), m.start() + _AFTER_HEAD) for m in _HRC_HEAD.finditer(low))


def find_symbols(text: str) -> list[Symbol]:
    """Every HRC symbol in free text, in order of first appearance, each once."""
    seen: dict[str, Symbol] = {}
    for _, _, symbol in symbol_spans(text):
        seen.setdefault(symbol.normalised, symbol)
    return list(seen.values())


def document_fields(symbol: Symbol) -> dict[str, Any]:
    """The symbol-derived fields every document item carries, named the same by every watcher kind.

    `revision_of` / `addendum_to` / `corrigendum_to` name the version this one revises or is attached
    to, so a message can say "A/HRC/43/L.13 revised: Rev.1" instead of "new document".
    """
    fields: dict[str, Any] = {
        "symbol": symbol.normalised,
        "family": symbol.family,
        "series": symbol.series,
        "session": symbol.session,
        "is_draft": symbol.is_draft,
    }
    if symbol.suffixes:
        kind, num = symbol.suffixes[-1]
        parent = symbol.parent
        assert parent is not None
        if kind == "Rev":
            previous = symbol.revision_of
            fields["revision"] = num
            fields["revision_of"] = previous.normalised if previous else parent.normalised
        elif kind == "Add":
            fields["addendum"] = num
            fields["addendum_to"] = parent.normalised
        else:
            fields["corrigendum"] = num
            fields["corrigendum_to"] = parent.normalised
    return fields


def remove_symbols(text: str) -> str:
    """`text` with every HRC symbol spelling cut out (to leave the title around a symbol)."""
    if not isinstance(text, str):
        return ""
    if not MAY_NAME.search(text, 0, MAX_TEXT):
        return text[:MAX_TEXT]
    return _SHORT.sub(" ", _SYMBOL.sub(" ", text[:MAX_TEXT]))


# An amendment is an L-document of its own that names the draft it amends: "Amendment A/HRC/61/L.43 to
# draft resolution A/HRC/61/L.27/Rev.1", "Amendment to A/HRC/39/L.20 A/HRC/39/L.26", a catalogue title
# "… : amendment to draft resolution A/HRC/61/L.28" (docs/SOURCES.md §1).
_AMENDMENT_WORD = re.compile(r"\bamendments?\b", re.IGNORECASE)
_TO_DRAFT = re.compile(
    r"\bto\s+(?:the\s+)?(?:revised\s+)?(?:draft\s+(?:resolution|decision)\s+)?$", re.IGNORECASE
)
_AMENDMENT_REACH = 120  # how far before the amended draft the word "amendment" may stand
_AMENDMENT_NEAR = 300  # how far from the amended draft the amendment's own symbol may stand


def amendments_in(text: str) -> dict[str, str]:
    """Amendment symbol -> the draft it amends, when `text` says "amendment … to [draft resolution] Y":
    each other draft of Y's session named near Y is an amendment to Y. Any other text: {}."""
    spans = symbol_spans(text)
    for start, _, target in spans:
        if not target.is_draft or not _TO_DRAFT.search(text, max(0, start - 40), start):
            continue
        if not _AMENDMENT_WORD.search(text, max(0, start - _AMENDMENT_REACH), start):
            continue
        return {
            s.normalised: target.normalised
            for at, _, s in spans
            if s.is_draft
            and s.session == target.session
            and s.family != target.family
            and abs(at - start) <= _AMENDMENT_NEAR
        }
    return {}
