"""Sponsor lists as catalogues write them: "A, B, Netherlands (Kingdom of the) and South Africa"."""

from __future__ import annotations

import re

from watchers.votes.countries import registry

MAX_SPONSORS = 200
_PREFIX = re.compile(r"^\s{0,3}(?:additional\s{1,3})?(?:main\s{1,3})?sponsors?\s{0,3}:\s{0,3}", re.I)


def _split_and(last: str) -> list[str]:
    """ "Chile and Bosnia and Herzegovina": split at the " and " that leaves known names on both sides."""
    reg = registry()
    if reg.lookup(last):
        return [last]
    parts = last.split(" and ")
    for cut in range(1, len(parts)):
        left, right = " and ".join(parts[:cut]), " and ".join(parts[cut:])
        if reg.lookup(left) and reg.lookup(right):
            return [left, right]
    if len(parts) > 1:
        return [" and ".join(parts[:-1]), parts[-1]]
    return [last]


def split_sponsors(text: str) -> list[str]:
    """Names in the order written; the "Additional sponsors:" style prefix and final "and" removed."""
    cleaned = _PREFIX.sub("", " ".join(text[:20000].split())).strip(" .;/")
    if not cleaned:
        return []
    names = [n.strip() for n in cleaned.split(",") if n.strip()]
    if names:
        names[-1:] = _split_and(names[-1])
    return [n for n in names if n][:MAX_SPONSORS]
