"""The outbox drainer: hands each channel its due rows, records acks and failures.

Each channel has its own drainer, and the daemon runs each in its own task, so a channel that waits (a
Telegram 429 with retry_after, an SMTP outage) holds up nobody else. A send the channel confirmed is
acked at once; if the store cannot write that ack (disk full, read-only, I/O error), the drainer
remembers the row as sent, never hands it out again, and pauses the channel until the ack commits: a
store outage costs time, never a duplicate post.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot import failpoints, metrics
from bot.notifiers.base import DeliveryError, Notifier
from state.errors import StoreError, explain
from state.model import OutboxEntry
from state.store import Store

log = logging.getLogger("hrcwatch.delivery")

BATCH = 500  # rows handed to a notifier at once (an email digest holds at most this many)
MAX_BATCHES = 20  # per drain call, so one channel's backlog cannot starve the others for long


@dataclass(frozen=True)
class DrainReport:
    channel: str
    sent: int
    pending_left: int
    error: str = ""
    paused: str = ""  # why the channel is paused (the store cannot write its acks)


class _AckNotWritten(Exception):
    """The store refused an ack; the send is remembered, delivery stops."""


class Drainer:
    """One channel's delivery, with the sends whose acks are not written yet."""

    def __init__(self, store: Store, notifier: Notifier) -> None:
        self.store = store
        self.notifier = notifier
        self.channel = notifier.kind
        self.unacked: dict[int, str | None] = {}
        self.paused = ""

    def _flush(self) -> bool:
        """Writes the remembered acks; False (and the reason in `paused`) while the store refuses."""
        by_external: dict[str | None, list[int]] = {}
        for entry_id, external in self.unacked.items():
            by_external.setdefault(external, []).append(entry_id)
        try:
            for external, ids in by_external.items():
                self.store.ack(ids, external, datetime.now(UTC))
                for entry_id in ids:
                    del self.unacked[entry_id]
        except (sqlite3.Error, OSError) as exc:
            self._pause(exc)
            return False
        if self.paused:
            log.info("channel %s: the store takes acks again; delivery resumes", self.channel)
        self.paused = ""
        return True

    def _pause(self, exc: BaseException) -> None:
        reason = str(explain(self.store.path, exc))
        if reason != self.paused:
            log.error(
                "channel %s: delivery paused, %d sent alerts not yet recorded: %s",
                self.channel,
                len(self.unacked),
                reason,
            )
        self.paused = reason

    async def drain(self, now: datetime | None = None) -> DrainReport:
        """Delivers what is due, batch after batch until the queue is empty (so a flood from one source
        does not hold back the others' alerts for long); the first failure stops it, keeping order."""
        now = now or datetime.now(UTC)
        if self.unacked and not self._flush():
            return DrainReport(self.channel, 0, -1, paused=self.paused)
        try:
            if not self.notifier.due(now):
                return DrainReport(self.channel, 0, len(self._pending(now)))
            sent = 0
            for batch in range(MAX_BATCHES):
                entries = self._pending(now)
                if not entries and batch:  # an empty first call still lets a digest send "nothing new"
                    break
                acked, error = await self._deliver_batch(entries)
                sent += acked
                if error or acked < len(entries) or not entries:
                    metrics.OUTBOX_PENDING.labels(self.channel).set(len(entries) - acked)
                    return DrainReport(self.channel, sent, len(entries) - acked, error, self.paused)
            left = len(self._pending(now))
        except (sqlite3.Error, StoreError) as exc:  # reading the outbox failed
            self._pause(exc)
            return DrainReport(self.channel, 0, -1, paused=self.paused)
        metrics.OUTBOX_PENDING.labels(self.channel).set(left)
        return DrainReport(self.channel, sent, left)

    def _pending(self, now: datetime) -> list[OutboxEntry]:
        return self.store.pending(self.channel, now, limit=BATCH, skip=list(self.unacked))

    async def _deliver_batch(self, entries: list[OutboxEntry]) -> tuple[int, str]:
        """One call of the notifier: how many entries it acked, and the error that stopped it, if any."""
        queued_at = {e.id: e.notice.created_at for e in entries}
        acked: set[int] = set()

        def ack(entry_ids: Sequence[int], external_id: str | None = None) -> None:
            failpoints.reach(failpoints.BEFORE_ACK)
            sent_at = datetime.now(UTC)
            acked.update(entry_ids)
            metrics.SENT.labels(self.channel).inc(len(entry_ids))
            for entry_id in entry_ids:
                metrics.SEND_LATENCY.labels(self.channel).observe(
                    (sent_at - queued_at[entry_id]).total_seconds()
                )
            try:
                self.store.ack(entry_ids, external_id, sent_at)
            except (sqlite3.Error, OSError) as exc:
                self.unacked.update(dict.fromkeys(entry_ids, external_id))
                self._pause(exc)
                raise _AckNotWritten(self.paused) from exc

        try:
            await self.notifier.deliver(entries, ack)
        except _AckNotWritten as exc:
            return len(acked), str(exc)
        except Exception as exc:
            if isinstance(exc, DeliveryError):
                error, retry_after = str(exc), exc.retry_after
            else:
                log.exception("channel %s: unexpected error while delivering", self.channel)
                error, retry_after = f"{type(exc).__name__}: {exc}", None
            unsent = [e.id for e in entries if e.id not in acked]
            log.warning("channel %s: delivery failed, %d left pending: %s", self.channel, len(unsent), error)
            if unsent:
                try:
                    self.store.fail(unsent[:1], error, datetime.now(UTC), retry_after)
                except (sqlite3.Error, OSError) as store_exc:
                    self._pause(store_exc)
                metrics.RETRIES.labels(self.channel).inc()
            return len(acked), error
        return len(acked), ""


def drainers(store: Store, notifiers: Mapping[str, Notifier]) -> dict[str, Drainer]:
    return {name: Drainer(store, notifier) for name, notifier in notifiers.items()}


async def drain(channels: Mapping[str, Drainer]) -> list[DrainReport]:
    """One pass over every channel; a channel's failure never holds up another."""
    return [await drainer.drain() for drainer in channels.values()]
