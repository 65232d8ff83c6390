"""One poll of one source: watcher -> snapshot -> store. Runs in a worker thread; never raises."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from bot import metrics
from bot.config import SourceConfig
from bot.runtime import PollReport
from state.model import Event
from state.store import Store
from watchers.base import Item, PageFetcher, PollContext, Snapshot, SourceError, Watcher, merge_items
from watchers.registry import load_kind

log = logging.getLogger("hrcwatch.poller")


def make_watcher(source: SourceConfig) -> Watcher:
    return load_kind(source.kind)(source.name, source.url, source.options, source.allow_redirects_to)


def annotate_votes(snapshot: Snapshot, store: Store) -> Snapshot:
    """Joins each vote to its draft, adds the change since the previous vote on its initiative, and
    records it in the history.

    A vote reported with only its adopted symbol is re-keyed to the draft when the store knows the pair
    (an OHCHR session page or a catalogue record said so), so two sources give one vote item.
    Recording first is safe: `previous` never returns the vote itself, so a retry annotates the same way.
    """
    from state.vote_history import VoteHistory, compare  # the country registry: only when votes come
    from watchers.votes.items import vote_item
    from watchers.votes.model import Vote

    history = VoteHistory(store.connection())
    items: dict[str, Item] = {}
    for item in snapshot.items:
        if item.kind == "vote":
            vote = Vote.from_json(item.fields)
            adopted = store.item(vote.symbol) if vote.symbol and not vote.draft_symbol else None
            if adopted is not None and isinstance(adopted.fields.get("draft"), str):
                vote = vote.with_changes(draft_symbol=adopted.fields["draft"])
                item = vote_item(vote) or item
            previous = history.previous(vote)
            fields = dict(item.fields)
            if previous is not None:
                fields["previous_vote"] = {"symbol": previous.key_symbol, "date": previous.date}
                fields["since_previous"] = compare(previous, vote).lines()
            history.add(vote)
            item = dataclasses.replace(item, fields=fields)
        items[item.key] = merge_items(items[item.key], item) if item.key in items else item
    return dataclasses.replace(snapshot, items=tuple(items.values()))


def poll_source(
    source: SourceConfig, watcher: Watcher, fetcher: PageFetcher, store: Store, now: datetime | None = None
) -> PollReport:
    """A failure of any kind is recorded as the source's health; the items stay as they were."""
    now = now or datetime.now(UTC)
    try:
        context = PollContext(
            now=now,
            known_keys=store.known_keys,
            observed=lambda key: store.observation(source.name, key),
        )
        snapshot = watcher.poll(fetcher, context)
    except SourceError as exc:
        _count_events(source.name, store.record_failure(source.name, now, exc.outcome, str(exc)))
        _count_poll(source.name, exc.outcome)
        log.warning("source %s: %s: %s", source.name, exc.outcome, exc)
        return PollReport(source.name, False, exc.outcome, str(exc))
    except Exception as exc:
        message = f"{type(exc).__name__} in the {source.kind} watcher: {str(exc)[:300]}"
        log.exception("source %s: watcher crashed", source.name)
        _count_events(source.name, store.record_failure(source.name, now, "parse_error", message))
        _count_poll(source.name, "parse_error")
        return PollReport(source.name, False, "parse_error", message)
    if any(item.kind == "vote" for item in snapshot.items):
        snapshot = annotate_votes(snapshot, store)
    result = store.apply(source.name, snapshot, now, announce_existing=source.announce_existing)
    ok = result.outcome != "broken"
    _count_poll(source.name, result.outcome)
    _count_events(source.name, result.events)
    if ok and not snapshot.not_modified:
        metrics.ITEMS.labels(source.name).set(len(snapshot.items))
    if ok:
        log.info(
            "source %s: %s, %d items, %d events%s",
            source.name,
            result.outcome,
            len(snapshot.items),
            len(result.events),
            " (baseline)" if result.baseline else "",
        )
    else:
        log.warning("source %s: %s: %s", source.name, result.outcome, result.message)
    return PollReport(
        source.name, ok, result.outcome, result.message, len(result.events), len(snapshot.items)
    )


def _count_poll(source: str, outcome: str) -> None:
    metrics.POLLS.labels(source, outcome).inc()
    if outcome not in ("ok", "not_modified"):
        metrics.POLL_FAILURES.labels(source).inc()


def _count_events(source: str, events: Iterable[Event]) -> None:
    for event in events:
        metrics.EVENTS.labels(source, event.type).inc()
