"""The vote picture as PNG bytes for a notifier; a chart that cannot be drawn costs the post its picture only.

An action taken by a recorded vote is drawn as its tally bar (or, when the roll-call is already known,
the members by regional group); a published roll-call as the members by group. The comparison with the
previous vote is in the words (bot.happening_text), so every channel says the same thing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from typing import Any

from bot.vote_chart import render_vote_chart
from state.model import Notice
from watchers.votes.model import CHOICES, Vote

log = logging.getLogger("hrcwatch.votes")

_BY_VOTE = {"adopted_by_vote": "adopted", "rejected": "rejected"}


def _figure(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def vote_of(facts: Mapping[str, Any]) -> Vote:
    """The vote a happening's facts describe, for the chart."""
    roll_call = facts.get("roll_call") if isinstance(facts.get("roll_call"), Mapping) else {}
    return Vote(
        symbol=facts.get("adopted_as"),
        draft_symbol=facts.get("acted_on"),
        title=facts.get("title"),
        date=facts.get("date"),
        outcome=_BY_VOTE.get(str(facts.get("outcome"))),  # type: ignore[arg-type]
        yes=_figure(facts.get("yes")),
        no=_figure(facts.get("no")),
        abstain=_figure(facts.get("abstain")),
        non_voting=_figure(facts.get("non_voting")),
        roll_call={k: v for k, v in roll_call.items() if v in CHOICES},
    )


def wants_picture(notice: Notice) -> bool:
    """A vote's post is a picture: an action by recorded vote, or a roll-call."""
    if notice.for_operators or notice.type == "correction":
        return False
    if notice.kind == "roll_call":
        return True
    return notice.kind == "action" and str(notice.facts.get("outcome")) in (
        "adopted_by_vote",
        "rejected",
        "voted",
    )


def vote_png(notice: Notice) -> bytes | None:
    if not wants_picture(notice):
        return None
    vote = vote_of(notice.facts)
    try:
        png = io.BytesIO()
        render_vote_chart(vote, png)
    except Exception:
        log.exception("vote %s: no chart", vote.key_symbol)
        return None
    return png.getvalue()
