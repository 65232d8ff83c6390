"""The vote chart as PNG bytes for a notifier; a chart that cannot be drawn costs the post its picture only.

The comparison with the previous vote is not drawn here: the poller puts it in the vote's fields
(`since_previous`) and bot.event_text words it, so every channel says the same thing.
"""

from __future__ import annotations

import io
import logging

from bot.vote_chart import render_vote_chart
from state.model import Event
from watchers.votes.model import Vote

log = logging.getLogger("hrcwatch.votes")


def vote_png(event: Event) -> bytes | None:
    if event.item_kind != "vote" or event.type == "removed":
        return None
    vote = Vote.from_json(event.fields)
    try:
        png = io.BytesIO()
        render_vote_chart(vote, png)
    except Exception:
        log.exception("vote %s: no chart", vote.key_symbol)
        return None
    return png.getvalue()
