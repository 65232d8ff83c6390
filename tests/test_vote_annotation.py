"""A vote alert carries the change since the previous vote on its initiative, computed once at poll time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.happening_text import describe
from bot.poller import annotate_votes
from state.store import Store
from state.vote_history import VoteHistory
from watchers.base import Item, Snapshot


def test_a_new_vote_is_compared_with_the_previous_one_and_recorded(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    history = VoteHistory(store.connection)
    (shipped_46_13,) = [v for v in history.shipped() if v.symbol == "A/HRC/RES/46/13"]
    # The same initiative voted again later: two members change their vote.
    data = shipped_46_13.to_json()
    data.update(symbol="A/HRC/RES/52/99", draft_symbol="A/HRC/52/L.99", date="2023-04-04")
    data["checks"] = {**data.get("checks", {}), "session": "52"}
    movers = [iso for iso, choice in data["roll_call"].items() if choice == "yes"][:2]
    for iso in movers:
        data["roll_call"][iso] = "abstain"
    data["yes"] -= 2
    data["abstain"] += 2
    item = Item("vote:A/HRC/RES/52/99", "vote", {**data, "authority": 2})  # an official roll-call

    annotated = annotate_votes(Snapshot(items=(item,)), store)
    (fields,) = [i.fields for i in annotated.items]
    assert fields["previous_vote"] == {"symbol": "A/HRC/RES/46/13", "date": "2021-03-23"}
    text = "\n".join(fields["since_previous"])
    assert "yes -> abstain" in text.lower() or "yes → abstain" in text.lower(), text
    notices = store.apply("votes", annotated, datetime.now(UTC), announce_existing=True).notices
    assert [n.kind for n in notices] == ["action", "roll_call"]
    told = "\n".join(describe(notices[1]).lines)
    assert fields["since_previous"][2] in told, "the roll-call says who moved since the last vote"
    assert "Previous vote on this initiative: A/HRC/RES/46/13 (2021-03-23)" in describe(notices[0]).lines
    assert [v.key_symbol for v in VoteHistory(store.connection).search("A/HRC/RES/52/99")][-1] == (
        "A/HRC/RES/52/99"
    ), "the new vote joins the history, so the next one compares with it"


def test_a_vote_known_only_by_its_resolution_joins_its_draft(tmp_path: Path):
    store = Store(tmp_path / "s.sqlite3", channels=("console",))
    now = datetime.now(UTC)
    adopted = Item("A/HRC/RES/61/26", "document", {"symbol": "A/HRC/RES/61/26", "draft": "A/HRC/61/L.14"})
    store.apply("session-page", Snapshot(items=(adopted,)), now)
    history = VoteHistory(store.connection)
    (vote,) = [v for v in history.shipped() if v.symbol == "A/HRC/RES/46/13"]
    data = {**vote.to_json(), "symbol": "A/HRC/RES/61/26", "draft_symbol": None, "date": "2026-03-30"}
    annotated = annotate_votes(Snapshot(items=(Item("vote:A/HRC/RES/61/26", "vote", data),)), store)
    (item,) = annotated.items
    assert item.key == "vote:A/HRC/61/L.14", "the same key the press report of the draft uses"
    assert item.fields["draft_symbol"] == "A/HRC/61/L.14"
