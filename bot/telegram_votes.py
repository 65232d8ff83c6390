"""What a vote post adds to the event text: the change since the last vote on the initiative, and the chart.

Both come from other modules (state.vote_history, bot.vote_chart); a failure in either costs the post
its extra, never the post itself.
"""

from __future__ import annotations

import io
import logging

from bot.vote_chart import render_vote_chart
from state.model import Event
from state.vote_history import VoteHistory, compare
from watchers.votes.model import Vote

log = logging.getLogger("hrcwatch.telegram")


def vote_extras(event: Event, history: VoteHistory) -> tuple[tuple[str, ...], bytes | None]:
    """Comparison lines and a PNG for a new or changed vote; records the vote for the next comparison."""
    if event.item_kind != "vote" or event.type == "removed":
        return (), None
    vote = Vote.from_json(event.fields)
    lines: tuple[str, ...] = ()
    try:
        previous = history.previous(vote)
        if previous is not None:
            lines = tuple(compare(previous, vote).lines())
        history.add(vote)
    except Exception:
        log.exception("vote %s: no comparison with the previous vote", vote.key_symbol)
    try:
        png = io.BytesIO()
        render_vote_chart(vote, png)
    except Exception:
        log.exception("vote %s: no chart", vote.key_symbol)
        return lines, None
    return lines, png.getvalue()
