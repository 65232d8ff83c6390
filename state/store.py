"""The diff store: one SQLite database, one transaction per snapshot.

`apply` records a source's snapshot as observations, merges them into items, places each item in its
draft's story, turns what the items report into happenings (state/happenings.py), and queues the notices
they make with their outbox rows and the page cache rows of the pages the snapshot was parsed from, all
in one transaction: a crash can neither lose an alert nor announce one twice, and the cache never runs
ahead of what was announced. The tables are created and upgraded by state/schema.py only.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from state import health, outbox, page_cache, text_work
from state.happenings import Happenings, NoticeDraft, SourceInfo, StoryInfo
from state.health import SourceHealth
from state.model import Notice, OutboxEntry
from state.observations import Observations, parse_time
from state.reports import Report, combined, in_story, reports_of
from state.schema import migrate
from state.stories import Stories, placement
from state.text_work import TextWork
from watchers.base import Item, Snapshot
from watchers.fetch import CachedPage

log = logging.getLogger("hrcwatch.store")

__all__ = ["ApplyResult", "SourceHealth", "Store", "StoreRules", "StoredItem"]


def _with_relations(fields: dict[str, Any], merged: Mapping[str, Any] | None) -> dict[str, Any]:
    """A source's fields with the amendment relation another source stated: every source's report of an
    amendment is then of an amendment (state/reports.py), not of a draft tabled."""
    amends = (merged or {}).get("amendment_to")
    if not amends or fields.get("amendment_to"):
        return fields
    return {**fields, "amendment_to": amends}


@dataclass(frozen=True)
class StoredItem:
    key: str
    kind: str
    fields: dict[str, Any]
    first_seen: datetime
    updated_at: datetime
    removed_at: datetime | None


@dataclass(frozen=True)
class StoredHappening:
    id: int
    kind: str
    ordinal: str
    facts: dict[str, Any]
    source: str
    reports: dict[str, Any]
    announced: bool
    created_at: datetime


@dataclass(frozen=True)
class ApplyResult:
    notices: tuple[Notice, ...]
    baseline: bool
    outcome: str = "ok"
    message: str = ""
    gone: tuple[str, ...] = ()
    listed: int = 0  # items the source lists now (for a page unchanged since, the ones it listed then)


@dataclass(frozen=True)
class StoreRules:
    """The diff rules an operator tunes in [schedule]."""

    failure_alert_after: int = 3
    remove_after: int = 3
    shrink_guard: float = 0.5
    compare_texts: bool = False  # queue a comparison of each new draft text with the text before it


def _item(row: sqlite3.Row) -> StoredItem:
    return StoredItem(
        key=row["key"],
        kind=row["kind"],
        fields=json.loads(row["fields"]),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        removed_at=parse_time(row["removed_at"]),
    )


def _source_info(source: SourceInfo | str) -> SourceInfo:
    return source if isinstance(source, SourceInfo) else SourceInfo(source, source, 0)


class Store:
    """One SQLite database; a connection per thread (pollers run in worker threads)."""

    def __init__(self, path: Path | str, channels: Sequence[str] = (), rules: StoreRules | None = None):
        self.path = Path(path)
        self.channels = tuple(channels)
        self.rules = rules or StoreRules()
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        migrate(self.connection())

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=True)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: writers queue instead of failing half-way."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- snapshots ---------------------------------------------------------------------------------

    def apply(
        self,
        source: SourceInfo | str,
        snapshot: Snapshot,
        now: datetime,
        announce_existing: bool = False,
        cache: Sequence[CachedPage] = (),
    ) -> ApplyResult:
        """Records a healthy snapshot, its happenings and their notices, and the pages it came from; a
        listing that suddenly lists nothing, or loses more than `shrink_guard` of its items at once, is
        recorded as broken and changes nothing."""
        info = _source_info(source)
        name = info.name
        with self.transaction() as conn:
            health.ensure(conn, name)
            baseline = health.baseline_pending(conn, name)
            observations = Observations(conn)
            stamp = outbox.iso(now)
            if snapshot.not_modified:  # the page the last snapshot came from: what it lacked, it still lacks
                absent, listed = observations.absent(name)
                gone = observations.count_missing(name, set(), absent, self.rules.remove_after, stamp)
                drafts = health.record_success(conn, name, now, "not_modified")
                notices = tuple(self._queue(conn, drafts, now))
                self._log_gone(name, gone)
                return ApplyResult(notices, False, "not_modified", gone=tuple(gone), listed=listed)
            previous = observations.previous(name)
            broken = self._broken(snapshot, previous) if snapshot.complete else None
            if broken:
                rules = self.rules
                drafts = health.record_failure(conn, name, now, "broken", broken, rules.failure_alert_after)
                return ApplyResult(tuple(self._queue(conn, drafts, now)), False, "broken", broken)
            touched = observations.record(name, snapshot.items, previous, stamp)
            merged = observations.remerge(touched, stamp)
            gone: list[str] = []
            if snapshot.complete:
                seen = {item.key for item in snapshot.items}
                gone = observations.count_missing(name, seen, previous, self.rules.remove_after, stamp)
            drafts = self._happenings(conn, info, touched, merged, not baseline or announce_existing, stamp)
            if self.rules.compare_texts:
                text_work.queue(conn, drafts, now)
            drafts += health.record_success(conn, name, now, "ok")
            page_cache.write(conn, cache)
            notices = tuple(self._queue(conn, drafts, now))
        self._log_gone(name, gone)
        return ApplyResult(notices, baseline, gone=tuple(gone), listed=len(snapshot.items))

    @staticmethod
    def _log_gone(source: str, gone: Sequence[str]) -> None:
        for key in gone:
            log.info("source %s: %s is no longer listed by any source", source, key)

    def _broken(self, snapshot: Snapshot, previous: dict[str, Any]) -> str | None:
        present = {key for key, p in previous.items() if p.missing == 0}
        if not present:
            return None
        if not snapshot.items:
            return f"no items where there were {len(present)} (page broken or layout changed)"
        lost = present - {item.key for item in snapshot.items}
        if len(lost) > self.rules.shrink_guard * len(present):
            return (
                f"{len(lost)} of its {len(present)} items vanished at once (more than the shrink_guard "
                f"of {self.rules.shrink_guard:.0%}): a broken page is not taken for mass removal"
            )
        return None

    def _happenings(
        self,
        conn: sqlite3.Connection,
        source: SourceInfo,
        touched: Sequence[Item],
        merged: dict[str, dict[str, Any]],
        announce: bool,
        stamp: str,
    ) -> list[NoticeDraft]:
        """Places each touched item in its story and reconciles what it reports, story by story.

        Documents come first so that a story is named after its draft, not after a press wording.
        """
        stories = Stories(conn)
        reports: dict[int, list[Report]] = {}
        placed = [
            (item, where)
            for item in sorted(touched, key=lambda i: i.kind != "document")
            if (where := placement(item.key, item.kind, merged.get(item.key, item.fields))) is not None
        ]
        stories.preload(k for item, where in placed for k in (item.key, where.anchor, *where.links))
        for item, where in placed:
            title = item.fields.get("title")
            story_id = stories.place(item.key, where, stamp, title if isinstance(title, str) else None)
            anchor = stories.anchor_of(story_id)
            told = reports_of(item.key, item.kind, _with_relations(item.fields, merged.get(item.key)))
            reports.setdefault(story_id, []).extend(in_story(report, anchor) for report in told)
        happenings = Happenings(conn, batch_quiet=not announce)  # a baseline: thousands, none told
        happenings.preload(reports)
        drafts: list[NoticeDraft] = []
        for story_id, story_reports in reports.items():
            if not story_reports:
                continue
            story: StoryInfo = stories.info(story_id)
            drafts += happenings.observe(
                story, source, combined(story_reports), announce=announce, stamp=stamp
            )
        happenings.flush()
        return drafts

    def record_failure(
        self, source: str, now: datetime, outcome: str, message: str, retry_after: float | None = None
    ) -> tuple[Notice, ...]:
        """A poll that produced no trustworthy snapshot: health only, items untouched."""
        with self.transaction() as conn:
            health.ensure(conn, source)
            drafts = health.record_failure(
                conn, source, now, outcome, message, self.rules.failure_alert_after, retry_after
            )
            return tuple(self._queue(conn, drafts, now))

    def _queue(self, conn: sqlite3.Connection, drafts: Sequence[NoticeDraft], now: datetime) -> list[Notice]:
        return outbox.queue(conn, drafts, self.channels, now)

    # -- texts and their comparisons ---------------------------------------------------------------

    def text(self, symbol: str) -> dict[str, Any] | None:
        """A document's parsed text, if it was fetched before."""
        return text_work.kept(self.connection(), symbol)

    def keep_text(self, symbol: str, parsed: dict[str, Any]) -> None:
        with self.transaction() as conn:
            text_work.keep(conn, symbol, parsed, datetime.now(UTC))

    def due_text_work(self, now: datetime, limit: int) -> list[TextWork]:
        return text_work.due(self.connection(), now, limit)

    def tell_text_changes(
        self, work: TextWork, facts: dict[str, Any], source: SourceInfo, now: datetime
    ) -> tuple[Notice, ...]:
        """The comparison's result as the story's "text_changes" happening, told in the draft's thread."""
        with self.transaction() as conn:
            story = Stories(conn).info(work.story_id)
            reports = {("text_changes", work.symbol): facts}
            drafts = Happenings(conn).observe(story, source, reports, announce=True, stamp=outbox.iso(now))
            text_work.finish(conn, work.id)
            return tuple(self._queue(conn, drafts, now))

    def text_work_done(self, work: TextWork, state: str = "done", error: str = "") -> None:
        with self.transaction() as conn:
            text_work.finish(conn, work.id, state, error)

    def text_work_later(self, work: TextWork, error: str, when: datetime) -> None:
        with self.transaction() as conn:
            text_work.later(conn, work.id, error, when)

    # -- health ------------------------------------------------------------------------------------

    def set_paused(self, source: str, paused: bool) -> None:
        with self.transaction() as conn:
            health.set_paused(conn, source, paused)

    def health(self, counts: bool = True) -> dict[str, SourceHealth]:
        """Every source's health; `counts` adds how many items each lists (a GROUP BY over them all)."""
        return health.every(self.connection(), counts)

    def source_health(self, source: str) -> SourceHealth | None:
        return health.one(self.connection(), source)

    # -- outbox ------------------------------------------------------------------------------------

    def pending(
        self, channel: str, now: datetime, limit: int = 500, skip: Sequence[int] = ()
    ) -> list[OutboxEntry]:
        return outbox.pending(self.connection(), channel, now, limit, skip)

    def ack(self, entry_ids: Sequence[int], external_id: str | None, now: datetime) -> None:
        with self.transaction() as conn:
            outbox.ack(conn, entry_ids, external_id, now)

    def fail(self, entry_ids: Sequence[int], error: str, now: datetime, retry_after: float | None) -> None:
        with self.transaction() as conn:
            outbox.fail(conn, entry_ids, error, now, retry_after)

    def outbox_counts(self) -> dict[str, dict[str, int]]:
        return outbox.counts(self.connection())

    def oldest_pending(self) -> dict[str, datetime]:
        return outbox.oldest_pending(self.connection())

    def thread_root(self, story_id: int, channel: str) -> str | None:
        return outbox.thread_root(self.connection(), story_id, channel)

    def post_of(self, happening_id: int, channel: str) -> str | None:
        return outbox.post_of(self.connection(), happening_id, channel)

    # -- what was told -----------------------------------------------------------------------------

    def notices(self, *, limit: int = 20, subscribers_only: bool = True) -> list[Notice]:
        """Newest first."""
        where = "WHERE type IN ('happening', 'confirmed', 'correction')" if subscribers_only else ""
        rows = self.connection().execute(
            f"SELECT id AS nid, * FROM notices {where} ORDER BY id DESC LIMIT ?",  # noqa: S608
            (limit,),
        )
        return [outbox.notice_of(r) for r in rows]

    def story_of(self, key: str) -> StoryInfo | None:
        conn = self.connection()
        story_id = Stories(conn).of_key(key)
        return Stories(conn).info(story_id) if story_id is not None else None

    def happenings(self, story_id: int) -> list[StoredHappening]:
        """A story's happenings in the order they were first reported."""
        rows = self.connection().execute(
            "SELECT * FROM happenings WHERE story_id = ? ORDER BY id", (story_id,)
        )
        return [
            StoredHappening(
                r["id"],
                r["kind"],
                r["ordinal"],
                json.loads(r["facts"]),
                r["source"],
                json.loads(r["reports"]),
                bool(r["announced"]),
                datetime.fromisoformat(r["created_at"]),
            )
            for r in rows
        ]

    # -- items -------------------------------------------------------------------------------------

    def item(self, key: str) -> StoredItem | None:
        row = self.connection().execute("SELECT * FROM items WHERE key = ?", (key,)).fetchone()
        return _item(row) if row else None

    def items(self, *, kind: str | None = None, key_prefix: str = "", limit: int = 1000) -> list[StoredItem]:
        sql = "SELECT * FROM items WHERE removed_at IS NULL AND substr(key, 1, ?) = ?"
        params: list[Any] = [len(key_prefix), key_prefix]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY key LIMIT ?"
        return [_item(r) for r in self.connection().execute(sql, [*params, limit])]

    def known_keys(self, prefix: str) -> list[str]:
        return [i.key for i in self.items(key_prefix=prefix, limit=100_000)]

    def meeting_live(self, since: datetime) -> bool:
        """Whether a source that succeeded since `since` last said a Council meeting is live."""
        row = (
            self.connection()
            .execute(
                "SELECT 1 FROM observations o JOIN sources s ON s.name = o.source WHERE o.kind = 'meeting'"
                " AND json_extract(o.fields, '$.live') = 1 AND s.last_success >= ? LIMIT 1",
                (outbox.iso(since),),
            )
            .fetchone()
        )
        return row is not None

    def observation(self, source: str, key: str) -> dict[str, Any] | None:
        """What `source` last reported about `key`, if it reported it."""
        row = (
            self.connection()
            .execute("SELECT fields FROM observations WHERE source = ? AND key = ?", (source, key))
            .fetchone()
        )
        return json.loads(row["fields"]) if row else None

    # -- pages and small state ---------------------------------------------------------------------

    def cached_page(self, url: str) -> tuple[CachedPage, str] | None:
        """The page `url` was last parsed from, with its body hash."""
        return page_cache.read(self.connection(), url)

    def page_validators(self, url: str) -> page_cache.Validators | None:
        """The validators and body hash of that page, without reading its body."""
        return page_cache.validators(self.connection(), url)

    def get_meta(self, key: str) -> str | None:
        row = self.connection().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
