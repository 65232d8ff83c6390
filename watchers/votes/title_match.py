"""Joining a vote reported by title to the draft of that session it is about, or to none.

A summary names a resolution in its own words ("the situation of human rights in Iran", "the mandate of
the Special Rapporteur on the situation of human rights in Belarus"); the draft's official title is
"Situation of human rights in the Islamic Republic of Iran". Titles are compared as sets of content
words, with every country name read as the state it names (so "Syria" is "the Syrian Arab Republic").
Two titles naming different states never match ("... in Belarus" is not "... in Burundi"). A draft is
chosen only when its similarity reaches THRESHOLD and no other draft of the session comes within MARGIN
of it: a vote is never joined to the wrong draft; below that it stays "reported for a text on ...".
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.votes.countries import normalise, registry

THRESHOLD = 0.75
MARGIN = 0.1
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "its",
        "their",
        "draft",
        "resolution",
        "decision",
        "council",
        "human",
        "rights",
    ]
)


def title_terms(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """(content words, states named) of a title; "human rights" is in every title and says nothing."""
    tokens = [t for t in normalise(title).split() if t != ","]
    states: set[str] = set()
    words: list[str] = []
    cursor = 0
    for match in [*registry().find(tokens), None]:
        stop = match.start if match else len(tokens)
        words.extend(tokens[cursor:stop])
        if match is not None:
            states.add(match.iso3)
            cursor = match.end
    return frozenset(w for w in words if w not in _STOP and len(w) > 1), frozenset(states)


def title_similarity(first: str, second: str) -> float:
    """0..1: the mean of the overlap over the union and over the shorter title's terms; 0 when the two
    name different states."""
    words_a, states_a = title_terms(first)
    words_b, states_b = title_terms(second)
    if states_a != states_b:
        return 0.0
    terms_a = words_a | {f"state:{s}" for s in states_a}
    terms_b = words_b | {f"state:{s}" for s in states_b}
    if not terms_a or not terms_b:
        return 0.0
    common = len(terms_a & terms_b)
    return (common / len(terms_a | terms_b) + common / min(len(terms_a), len(terms_b))) / 2


def match_draft(title: str, drafts: Sequence[tuple[str, str]]) -> str | None:
    """The symbol of the one draft (symbol, official title) whose title is the reported one, or None."""
    scored = sorted(
        ((title_similarity(title, draft_title), symbol) for symbol, draft_title in drafts if draft_title),
        reverse=True,
    )
    if not scored or scored[0][0] < THRESHOLD:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MARGIN and scored[1][1] != scored[0][1]:
        return None
    return scored[0][1]
