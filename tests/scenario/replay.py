"""The scenario's pages read by the real watchers and applied to a real store, in-process.

What `python -m bot poll` does for each source, minus HTTP: each page goes through its watcher kind's
parser, votes are annotated by the poller's `annotate_votes`, and the snapshot is applied under the
watcher's own name for itself (label, authority). Used where a test is about the store's decisions
rather than about the network.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.poller import annotate_votes
from state.happenings import SourceInfo
from state.model import Notice
from state.store import Store
from tests.scenario.timeline import SOURCES, Step
from watchers.base import Page, Snapshot
from watchers.pages import is_feed
from watchers.registry import load_kind

BASE = "https://replay.example.org"
T0 = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def apply_page(
    store: Store, source_name: str, body: str, now: datetime, announce: bool = False
) -> list[Notice]:
    """One source's page at one moment, through its watcher, into the store."""
    source = next(s for s in SOURCES if s.name == source_name)
    kind = load_kind(source.kind)
    url = BASE + source.path.replace("{date}", "2026-03-30")
    watcher = kind(source.name, url, kind.Options())
    page = Page(url, 200, {"content-type": source.content_type}, body.encode(), now)
    snapshot = Snapshot(items=tuple(watcher.parse(page)), complete=not is_feed(page))
    if source.kind == "webtv_schedule":
        snapshot = Snapshot(items=snapshot.items, complete=False)
    if any(item.kind == "vote" for item in snapshot.items):
        snapshot = annotate_votes(snapshot, store)
    info = SourceInfo(source.name, watcher.told_as(), watcher.authority)
    return list(store.apply(info, snapshot, now, announce_existing=announce).notices)


def apply_step(store: Store, step: Step, previous: Step | None, now: datetime) -> list[Notice]:
    """Every source whose page changed since the previous step, in the order of SOURCES; then every
    channel is taken to have sent what was queued (as a delivery cycle between two steps would)."""
    notices: list[Notice] = []
    for i, name in enumerate(step.changed(previous)):
        notices += apply_page(store, name, step.pages[name], now + timedelta(seconds=i))
    for channel in store.channels:
        entries = store.pending(channel, now + timedelta(minutes=1))
        for entry in entries:
            store.ack([entry.id], str(1000 + entry.id), now + timedelta(minutes=1))
    return notices
