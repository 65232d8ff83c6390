"""Tallies and country lists as reports write them in prose.

Counts: "23 in favour, 2 against and 22 abstentions", "a 23-2 vote. Twenty-two countries abstained",
"Yes - 39, No - 3", "27 For". Lists: "Against: ...; Abstaining: ...", "Voting YES were:" followed by a
numbered list, "5 against (Algeria, Russia, ...)", "the US voting against". All patterns are bounded
so that garbage of any length is read in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from watchers.votes.countries import Registry, normalise
from watchers.votes.lexicon import NUMBER, to_int

Category = Literal["yes", "no", "abstain", "not_voting"]
CATEGORIES: tuple[Category, ...] = ("yes", "no", "abstain", "not_voting")
STATEMENT_GAP = 200
MAX_LIST_CHARS = 4000

_YES = r"in\s{1,3}favou?r|for|yes"
_NO = r"against|no|oppos(?:ed|ing)"
_ABST = r"abst[a-z]{0,10}"
_ABSENT = (
    r"absent(?:ing)?|not\s{1,3}voting|non-?\s?voting"
    r"|did\s{1,3}not\s{1,3}(?:vote|participate|cast\s{1,3}a\s{1,3}vote)"
)
_CAT = rf"(?P<cat>{_YES}|{_NO}|{_ABST}|{_ABSENT})\b"
# A count and its label never stand on two sides of a paragraph break ("Votes In Favor: 20" then
# "Votes Against: 07" below it is not "20 ... Against").
_GAP = r"(?:[ \t\xa0]|\n(?![ \t]*\n))"
_FILLER = (
    r"(?:(?:votes?|countries|country|states|members|member|nations|delegations|voted|were|in\s{1,3}all)"
    rf"{_GAP}{{1,3}}){{0,3}}"
)

_NUMBER_FIRST = re.compile(rf"(?P<n>{NUMBER}){_GAP}{{0,3}}{_FILLER}{_CAT}", re.IGNORECASE)
_CATEGORY_FIRST = re.compile(
    rf"\b{_CAT}\s{{0,3}}(?:[-–:]|\(|votes?\s{{0,2}}[-–:(]?)\s{{0,3}}(?P<n>{NUMBER})",
    re.IGNORECASE,
)
_DASH_VOTE = re.compile(
    r"(?:(?:voted|vote\s{1,3}of|by|an?)\s{1,3}(?P<a>\d{1,2})\s?[-–]\s?(?P<b>\d{1,2})(?!\d))"
    r"|(?:(?<![\d.])(?P<c>\d{1,2})\s?[-–]\s?(?P<d>\d{1,2})\s{1,3}(?:vote|margin))",
    re.IGNORECASE,
)
# "recorded vote of 32 to 12, with 1 abstention", "recorded vote of 23 to 19 with 3 abstentions",
# "(33 to 13, with no abstentions)".
_TO_VOTE = re.compile(
    rf"vote\s{{0,3}}(?:of\s{{1,3}})?[(|:]?\s{{0,3}}(?P<a>{NUMBER})\s{{1,3}}to\s{{1,3}}(?P<b>{NUMBER})"
    rf"(?:\s{{0,3}},?\s{{0,3}}with\s{{1,3}}(?P<c>no|{NUMBER})\s{{1,3}}abst)?",
    re.IGNORECASE,
)
# "voted 21-18 against a resolution", "voted 19-17 against the move": the first figure is against.
_AGAINST_DASH = re.compile(
    r"voted\s{1,3}(?P<a>\d{1,2})\s?[-–]\s?(?P<b>\d{1,2})\s{1,3}against\b", re.IGNORECASE
)
# "one against and no abstentions", "with no abstentions": none is a figure, 0.
_NO_ABSTENTIONS = re.compile(r"\b(?:with\s{1,3})?no\s{1,3}abstentions?\b", re.IGNORECASE)
# "The resolution was supported by 25 countries", "supported by 33 delegations".
_SUPPORTED_BY = re.compile(
    rf"\bsupported\s{{1,3}}by\s{{1,3}}(?P<n>{NUMBER})\s{{1,3}}(?:countries|delegations|states|members)\b",
    re.IGNORECASE,
)

_HEAD = re.compile(
    r"\b(?P<head>(?:voting|voted)\s{1,3}(?:yes|no|in\s{1,3}favou?r|for|against)"
    r"|in\s{1,3}favou?r|against|abstaining|abstentions?|abstained|abstain|absent"
    r"|not\s{1,3}voting|did\s{1,3}not\s{1,3}vote|non-voting|yes|no|for)\b",
    re.IGNORECASE,
)
_OPENER = re.compile(
    r"[ \t]{0,3}(?:\(\s{0,2}(?P<count>\d{1,3})\s{0,2}\))?[ \t]{0,3}(?:[-–][ \t]{0,3}\d{1,3})?"
    r"(?P<filler>[^:()\n.;]{0,40}?)(?P<open>:|\(|\n|$)"
)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n){1,3}")
_BULLET = re.compile(r"^\s{0,8}(?:[-•*·‣▪]|\(?\d{1,3}[.)])?\s{0,8}")
_ADJACENT = re.compile(
    r"\b(?:(?:voting|voted)\s{1,3}(?P<v>against|in\s{1,3}favou?r|for|yes|no)|(?P<a>abstain(?:ing|ed)))\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;](?=\s|$)|\n\s*\n|\n")
_LEFTOVER_STOP = frozenset(
    [
        "and",
        "the",
        "or",
        "also",
        "as",
        "well",
        "including",
        "plus",
        "while",
        "with",
        "were",
        "are",
        "was",
        "of",
        ",",
    ]
)


def category_of(word: str) -> Category:
    """Maps a heading or tally word to its category."""
    w = " ".join(word.lower().split())
    if w.startswith("abst"):
        return "abstain"
    if any(k in w for k in ("absent", "not vot", "non", "did not")):
        return "not_voting"
    if any(k in w for k in ("against", "oppos")) or w.endswith(" no") or w == "no":
        return "no"
    return "yes"


@dataclass
class Statement:
    """Counts stated together in one place of the text."""

    start: int
    counts: dict[Category, int] = field(default_factory=dict)


def _mentions(text: str) -> list[tuple[int, int, Category, int]]:
    found: list[tuple[int, int, Category, int]] = []
    for match in _TO_VOTE.finditer(text):
        found.append((match.start("a"), match.end(), "yes", to_int(match["a"]) or 0))
        found.append((match.start("b"), match.end(), "no", to_int(match["b"]) or 0))
        if match["c"]:
            found.append((match.start("c"), match.end(), "abstain", to_int(match["c"]) or 0))
    reversed_at: set[int] = set()
    for match in _AGAINST_DASH.finditer(text):
        reversed_at.add(match.start())
        found.append((match.start(), match.end(), "no", int(match["a"])))
        found.append((match.start() + 1, match.end(), "yes", int(match["b"])))
    for match in _NO_ABSTENTIONS.finditer(text):
        found.append((match.start(), match.end(), "abstain", 0))
    for match in _SUPPORTED_BY.finditer(text):
        found.append((match.start(), match.end(), "yes", to_int(match["n"]) or 0))
    for match in _DASH_VOTE.finditer(text):
        if match.start() in reversed_at:
            continue
        a, b = (match["a"], match["b"]) if match["a"] else (match["c"], match["d"])
        found.append((match.start(), match.end(), "yes", int(a)))
        found.append((match.start() + 1, match.end(), "no", int(b)))
    for pattern in (_CATEGORY_FIRST, _NUMBER_FIRST):
        for match in pattern.finditer(text):
            value = to_int(match["n"])
            if value is not None:
                found.append((match.start(), match.end(), category_of(match["cat"]), value))
    found.sort()
    kept: list[tuple[int, int, Category, int]] = []
    for mention in found:
        if not any(m[2] == mention[2] and mention[0] < m[1] for m in kept[-4:]):
            kept.append(mention)
    return kept


def statements(text: str) -> list[Statement]:
    """Count mentions grouped into statements: a repeated category or a long gap starts another."""
    groups: list[Statement] = []
    last_end = -STATEMENT_GAP - 1
    for start, end, category, value in _mentions(text):
        if not groups or category in groups[-1].counts or start - last_end > STATEMENT_GAP:
            groups.append(Statement(start))
        groups[-1].counts[category] = value
        last_end = end
    return groups


@dataclass
class ListResult:
    """Countries found under vote headings, what could not be read, and where the lists were."""

    lists: dict[Category, list[str]] = field(default_factory=dict)
    unrecognised: list[str] = field(default_factory=list)
    stated: dict[Category, int] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _countries_in(region: str, registry: Registry, result: ListResult) -> list[str]:
    tokens = normalise(region).split()
    found: list[str] = []
    cursor = 0
    for match in [*registry.find(tokens), None]:
        stop = match.start if match else len(tokens)
        _leftovers(tokens[cursor:stop], registry, found, result)
        if match is not None:
            found.append(match.iso3)
            cursor = match.end
    return found


def _leftovers(tokens: list[str], registry: Registry, found: list[str], result: ListResult) -> None:
    """Words between recognised names: a typo of one state, or reported as unrecognised."""
    piece: list[str] = []
    for token in [*tokens, ","]:
        if token in (",", "and", "plus"):
            words = [t for t in piece if t not in _LEFTOVER_STOP]
            if words:
                iso3 = registry.lookup(" ".join(piece))
                if iso3:
                    found.append(iso3)
                else:
                    result.unrecognised.append(" ".join(words)[:80])
            piece = []
        else:
            piece.append(token)


def _paren_end(text: str, start: int) -> int:
    depth = 1
    limit = min(len(text), start + MAX_LIST_CHARS)
    for i in range(start, limit):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return limit


def _starts_with_country(text: str, registry: Registry) -> bool:
    tokens = normalise(text[:80]).split()
    found = registry.find(tokens[:9])
    return bool(found) and found[0].start == 0


def _inline_end(text: str, start: int, registry: Registry) -> int:
    """A list runs to the end of its sentence, and on while the next sentence starts with a state."""
    limit = min(len(text), start + MAX_LIST_CHARS)
    pos = start
    while pos < limit:
        stop = _SENTENCE_END.search(text, pos, limit)
        head = _HEAD.search(text, pos, stop.start() if stop else limit)
        while head is not None and not _opens_list(text, head):
            head = _HEAD.search(text, head.end(), stop.start() if stop else limit)
        if head is not None:
            return head.start()
        if stop is None:
            return limit
        if text[stop.start()] in ";\n" or not _starts_with_country(text[stop.end() :], registry):
            return stop.start()
        pos = stop.end()
    return limit


def _opens_list(text: str, head: re.Match[str]) -> re.Match[str] | None:
    opener = _OPENER.match(text, head.end())
    if opener is None:
        return None
    word = head["head"].lower()
    filler = opener["filler"].strip()
    kind = opener["open"]
    line_start = text.rfind("\n", 0, head.start()) + 1
    at_line_start = not _BULLET.sub("", text[line_start : head.start()]).strip()
    if kind in ("\n", "") and not (at_line_start and not filler):
        return None
    if kind == "(" and filler:
        return None
    if word in ("yes", "no", "for") and not (kind == ":" and not filler) and kind not in ("\n", ""):
        return None
    if kind == ":" and word in ("yes", "no", "for") and filler:
        return None
    return opener


def _bullet_end(text: str, start: int, registry: Registry) -> int:
    pos = start
    limit = min(len(text), start + MAX_LIST_CHARS)
    while pos < limit:
        newline = text.find("\n", pos, limit)
        end = newline if newline >= 0 else limit
        line = _BULLET.sub("", text[pos:end], count=1).strip()
        head = _HEAD.match(line)
        if not line or (head and _opens_list(line, head)) or any(ch.isdigit() for ch in line):
            return pos
        if len(line.split()) > 6 and not _starts_with_country(line, registry):
            return pos
        pos = end + 1
    return limit


def find_lists(text: str, registry: Registry) -> ListResult:
    """Every country list under a vote heading; a heading whose list is empty is remembered."""
    result = ListResult()
    pos = 0
    while True:
        head = _HEAD.search(text, pos)
        if head is None:
            break
        opener = _opens_list(text, head)
        if opener is None:
            pos = head.end()
            continue
        category = category_of(head["head"])
        body = opener.end()
        if opener["open"] == "(":
            end = _paren_end(text, body)
        elif opener["open"] in ("\n", "") or not text[body : text.find("\n", body)].strip():
            if text[body - 1 : body] != "\n":
                newline = text.find("\n", body)
                body = newline + 1 if newline >= 0 else len(text)
            blank = _BLANK_LINES.match(text, body)
            body = blank.end() if blank else body
            end = _bullet_end(text, body, registry)
        else:
            end = _inline_end(text, body, registry)
        countries = _countries_in(text[body:end], registry, result)
        if countries:
            result.lists.setdefault(category, []).extend(countries)
            result.spans.append((head.start(), end))
        if opener["count"]:
            result.stated[category] = int(opener["count"])
        pos = max(end, head.end())
    return result


def adjacent_votes(text: str, registry: Registry, skip: list[tuple[int, int]]) -> list[tuple[str, Category]]:
    """ "the US voting against", "Ghana abstaining": one named state and its vote."""
    found: list[tuple[str, Category]] = []
    for match in _ADJACENT.finditer(text):
        if any(a <= match.start() < b for a, b in skip):
            continue
        before = normalise(text[max(0, match.start() - 60) : match.start()]).split()
        matches = registry.find(before)
        if matches and matches[-1].end == len(before):
            word = match["v"] or match["a"]
            found.append((matches[-1].iso3, category_of(word)))
    return found


_TRAILING_LABEL = re.compile(
    r"(?P<label>,?[ \t]{1,3}(?:voted|votes?)\s{1,3}(?P<v>for|against|in\s{1,3}favou?r|yes|no)\b"
    r"|[ \t]{1,3}(?P<a>abstained)\b"
    r"|[ \t]{1,3}(?P<s>supported)\s{1,3}the\s{1,3}(?:resolution|text|draft)\b"
    r"|[ \t]{0,3}\(\s{0,2}(?:which|who)\s{1,3}(?P<w>opposed|abstained|absented\s{1,3}itself|supported|voted"
    r"\s{1,3}(?:for|against|in\s{1,3}favou?r))\s{0,2}\))",
    re.IGNORECASE,
)
_ITEM_WORDS = 3


def _run_before(region: str, registry: Registry, result: ListResult) -> list[str]:
    """The countries that end `region`: comma- or "and"-separated names, back to the first item that is
    no name (a sentence's own words); an unknown short item in between is reported, not guessed."""
    tokens = normalise(region).split()
    items: list[list[str]] = [[]]
    for token in tokens:
        if token in (",", "and"):
            items.append([])
        else:
            items[-1].append(token)
    found: list[str] = []
    for item in reversed([i for i in items if i]):
        iso3 = registry.lookup(" ".join(item))
        if iso3 is not None:
            found.append(iso3)
            continue
        matches = registry.find(item)
        if matches and matches[-1].end == len(item):
            found.append(matches[-1].iso3)
            break
        if len(item) > _ITEM_WORDS or not found:
            break
        result.unrecognised.append(" ".join(item)[:80])
    return found[::-1]


def trailing_lists(text: str, registry: Registry, result: ListResult) -> None:
    """Lists written before their label: "..., Switzerland and United States, voted for.", "...,
    Venezuela (which opposed)", "China and Eritrea voted against", "Delegations of ... abstained"."""
    for match in _TRAILING_LABEL.finditer(text):
        start = match.start()
        if any(a <= start < b for a, b in result.spans):
            continue
        region_start = max(0, start - MAX_LIST_CHARS // 4)
        stop = max(text.rfind(c, region_start, start) for c in (".\n", ". ", "\n", ";", ":", ")"))
        region = text[stop + 1 if stop >= 0 else region_start : start]
        countries = _run_before(region, registry, result)
        if not countries:
            continue
        word = match["v"] or match["a"] or match["s"] or match["w"]
        category: Category = "yes" if match["s"] else category_of(word)
        if "absent" in word.lower():
            category = "not_voting"
        result.lists.setdefault(category, []).extend(countries)
        result.spans.append((stop + 1 if stop >= 0 else region_start, match.end()))


def announces_results(text: str) -> bool:
    """ "The results of the vote were as follows:" with nothing after it."""
    match = re.search(r"results?\s{1,3}of\s{1,3}the\s{1,3}vote[^:\n]{0,40}:\s*$", text, re.I | re.M)
    if match is None:
        return False
    rest = text[match.end() :].lstrip()
    return not rest or rest.startswith("===")
