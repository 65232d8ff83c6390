"""One poll of one source: watcher -> snapshot -> store. Runs in a worker thread; never raises.

The pages the poll fetched anew are written to the store's page cache in the same transaction as the
snapshot parsed from them, so a crash between the fetch and the store cannot leave validators that
hide an unannounced change.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from bot import failpoints, metrics
from bot.config import AppConfig, SourceConfig
from bot.runtime import PollReport
from state.errors import StoreError, explain
from state.happenings import SourceInfo
from state.model import Notice
from state.store import Store
from watchers.base import Item, PollContext, Snapshot, SourceError, Watcher, merge_items
from watchers.fetch import HttpFetcher
from watchers.poll_fetch import PollFetcher
from watchers.registry import load_kind

log = logging.getLogger("hrcwatch.poller")


def make_watcher(source: SourceConfig) -> Watcher:
    return load_kind(source.kind)(source.name, source.url, source.options, source.allow_redirects_to)


def annotate_votes(snapshot: Snapshot, store: Store) -> Snapshot:
    """Joins each vote to its draft, adds the change since the previous vote on its initiative, and
    records it in the history.

    A vote reported with only its adopted symbol is re-keyed to the draft when the store knows the pair
    (an OHCHR session page or a catalogue record said so), and one reported by title only is re-keyed to
    the draft of its session whose title it is (watchers.votes.title_match), so every source of a vote
    gives one vote item, in its draft's story; a title that matches no draft well enough stays a vote
    "reported for a text on ...", never joined to the wrong draft.
    Recording first is safe: `previous` never returns the vote itself, so a retry annotates the same way.
    """
    from state.vote_history import VoteHistory, compare  # the country registry: only when votes come
    from watchers.votes.items import vote_item
    from watchers.votes.model import Vote

    history = VoteHistory(store.connection)
    items: dict[str, Item] = {}
    for item in snapshot.items:
        if item.kind == "vote":
            vote = Vote.from_json(item.fields)
            draft = _draft_of(store, vote)
            if draft is not None:
                vote = vote.with_changes(draft_symbol=draft)
                item = vote_item(vote, int(item.fields.get("authority") or 0)) or item
            previous = history.previous(vote)
            fields = dict(item.fields)
            if previous is not None:
                fields["previous_vote"] = {"symbol": previous.key_symbol, "date": previous.date}
                fields["since_previous"] = compare(previous, vote).lines()
            history.add(vote)
            item = dataclasses.replace(item, fields=fields)
        items[item.key] = merge_items(items[item.key], item) if item.key in items else item
    return dataclasses.replace(snapshot, items=tuple(items.values()))


def _draft_of(store: Store, vote: Any) -> str | None:
    """The draft a vote named without one is about: from its adopted symbol, else from its title."""
    if vote.draft_symbol:
        return None
    if vote.symbol:
        adopted = store.item(vote.symbol)
        draft = adopted.fields.get("draft") if adopted is not None else None
        return draft if isinstance(draft, str) else None
    if not vote.title or not vote.session:
        return None
    from watchers.votes.title_match import match_draft

    return match_draft(vote.title, session_drafts(store, vote.session))


def session_drafts(store: Store, session: str) -> list[tuple[str, str]]:
    """(family root, title) of each draft of a session the store knows; a family titled by its first
    version that has a title."""
    titles: dict[str, str] = {}
    for item in store.items(kind="document", key_prefix=f"A/HRC/{session}/L.", limit=10_000):
        family, title = item.fields.get("family") or item.key, item.fields.get("title")
        if isinstance(family, str) and isinstance(title, str) and title and family not in titles:
            titles[family] = title
    return sorted(titles.items())


def _store_failure(source: SourceConfig, store: Store, exc: BaseException) -> PollReport:
    error = explain(store.path, exc) if not isinstance(exc, StoreError) else exc
    log.error("source %s: poll not recorded: %s", source.name, error)
    _count_poll(source.name, "store_error")
    return PollReport(source.name, False, "store_error", str(error))


def poll_source(
    source: SourceConfig, watcher: Watcher, http: HttpFetcher, store: Store, now: datetime | None = None
) -> PollReport:
    """A failure of any kind is recorded as the source's health; the items stay as they were. When the
    store itself cannot be written, nothing is recorded and the report says why."""
    now = now or datetime.now(UTC)
    info = SourceInfo(source.name, watcher.told_as(), watcher.authority)
    fetcher = PollFetcher(http, store.page_validators, store.cached_page)
    context = PollContext(
        now=now, known_keys=store.known_keys, observed=lambda key: store.observation(source.name, key)
    )
    try:
        try:
            snapshot = watcher.poll(fetcher, context)
        except SourceError as exc:
            notices = store.record_failure(source.name, now, exc.outcome, str(exc), exc.retry_after)
            _count_notices(source.name, notices)
            _count_poll(source.name, exc.outcome)
            log.warning("source %s: %s: %s", source.name, exc.outcome, exc)
            return PollReport(source.name, False, exc.outcome, str(exc))
        except (sqlite3.Error, StoreError):
            raise
        except Exception as exc:
            message = f"{type(exc).__name__} in the {source.kind} watcher: {str(exc)[:300]}"
            log.exception("source %s: watcher crashed", source.name)
            _count_notices(source.name, store.record_failure(source.name, now, "parse_error", message))
            _count_poll(source.name, "parse_error")
            return PollReport(source.name, False, "parse_error", message)
        failpoints.reach(failpoints.AFTER_FETCH)
        metrics.PARSES.labels(source.name).inc(snapshot.parsed)
        if any(item.kind == "vote" for item in snapshot.items):
            snapshot = annotate_votes(snapshot, store)
        result = store.apply(
            info,
            snapshot,
            now,
            announce_existing=source.announce_existing,
            cache=list(fetcher.writes.values()),
        )
    except (sqlite3.Error, StoreError, OSError) as exc:
        return _store_failure(source, store, exc)
    except Exception as exc:  # a fault of ours in reading the snapshot: the poll is a failure, not a crash
        message = f"{type(exc).__name__} while recording the snapshot: {str(exc)[:300]}"
        log.exception("source %s: %s", source.name, message)
        try:
            store.record_failure(source.name, now, "parse_error", message)
        except (sqlite3.Error, StoreError, OSError) as store_exc:
            return _store_failure(source, store, store_exc)
        _count_poll(source.name, "parse_error")
        return PollReport(source.name, False, "parse_error", message)
    failpoints.reach(failpoints.AFTER_APPLY)
    ok = result.outcome != "broken"
    _count_poll(source.name, result.outcome)
    _count_notices(source.name, result.notices)
    if ok:
        metrics.ITEMS.labels(source.name).set(result.listed)
        log.info(
            "source %s: %s, %d items, %d notices%s",
            source.name,
            result.outcome,
            result.listed,
            len(result.notices),
            " (baseline)" if result.baseline else "",
        )
    else:
        log.warning("source %s: %s: %s", source.name, result.outcome, result.message)
    return PollReport(source.name, ok, result.outcome, result.message, len(result.notices), result.listed)


POLL_THREADS = 4  # sources on different hosts polled at once; the fetcher serialises one host's requests


def disabled(config: AppConfig, name: str) -> PollReport:
    return PollReport(name, False, "disabled", f"source {name} is disabled in {config.path}")


def poll_all(config: AppConfig, store: Store, only: str | None = None) -> list[PollReport]:
    """Every enabled source (or `only`), at the same time: `python -m bot poll`, which needs neither the
    daemon's event loop nor its notifiers unless the polls leave something to deliver."""
    names = [only] if only else [source.name for source in config.sources if source.enabled]
    http = HttpFetcher(config.http)

    def one(name: str) -> PollReport:
        source = config.source(name)
        return (
            poll_source(source, make_watcher(source), http, store)
            if source.enabled
            else disabled(config, name)
        )

    with ThreadPoolExecutor(POLL_THREADS, thread_name_prefix="poll") as pool:
        return list(pool.map(one, names))


def _count_poll(source: str, outcome: str) -> None:
    metrics.POLLS.labels(source, outcome).inc()
    if outcome not in ("ok", "not_modified"):
        metrics.POLL_FAILURES.labels(source).inc()


def _count_notices(source: str, notices: Iterable[Notice]) -> None:
    for notice in notices:
        metrics.NOTICES.labels(source, notice.kind if notice.type == "happening" else notice.type).inc()
