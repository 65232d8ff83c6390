"""The outbox drainer: hands each channel its due rows, records acks and failures."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot import metrics
from bot.notifiers.base import DeliveryError, Notifier
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


async def drain_channel(store: Store, notifier: Notifier, now: datetime | None = None) -> DrainReport:
    """Delivers what is due on one channel, batch after batch until the queue is empty (so a flood from
    one source does not hold back the others' alerts for long); the first failure stops it, keeping order.
    """
    now = now or datetime.now(UTC)
    channel = notifier.kind
    if not notifier.due(now):
        return DrainReport(channel, 0, len(store.pending(channel, now)))
    sent = 0
    for batch in range(MAX_BATCHES):
        entries = store.pending(channel, now, limit=BATCH)
        if not entries and batch:  # an empty first call still lets a digest send "nothing new"
            break
        acked, error = await _deliver_batch(store, notifier, entries)
        sent += acked
        if error or acked < len(entries) or not entries:
            metrics.OUTBOX_PENDING.labels(channel).set(len(entries) - acked)
            return DrainReport(channel, sent, len(entries) - acked, error)
    left = len(store.pending(channel, now, limit=BATCH))
    metrics.OUTBOX_PENDING.labels(channel).set(left)
    return DrainReport(channel, sent, left)


async def _deliver_batch(store: Store, notifier: Notifier, entries: list[OutboxEntry]) -> tuple[int, str]:
    """One call of the notifier: how many entries it acked, and the error that stopped it, if any."""
    channel = notifier.kind
    queued_at = {e.id: e.event.created_at for e in entries}
    acked: set[int] = set()

    def ack(entry_ids: Sequence[int], external_id: str | None = None) -> None:
        sent_at = datetime.now(UTC)
        store.ack(entry_ids, external_id, sent_at)
        acked.update(entry_ids)
        metrics.SENT.labels(channel).inc(len(entry_ids))
        for entry_id in entry_ids:
            metrics.SEND_LATENCY.labels(channel).observe((sent_at - queued_at[entry_id]).total_seconds())

    try:
        await notifier.deliver(entries, ack)
    except Exception as exc:
        if isinstance(exc, DeliveryError):
            error, retry_after = str(exc), exc.retry_after
        else:
            log.exception("channel %s: unexpected error while delivering", channel)
            error, retry_after = f"{type(exc).__name__}: {exc}", None
        unsent = [e.id for e in entries if e.id not in acked]
        log.warning("channel %s: delivery failed, %d left pending: %s", channel, len(unsent), error)
        if unsent:
            store.fail(unsent[:1], error, datetime.now(UTC), retry_after)
            metrics.RETRIES.labels(channel).inc()
        return len(acked), error
    return len(acked), ""


async def drain(store: Store, notifiers: Mapping[str, Notifier]) -> list[DrainReport]:
    """One pass over every channel; a channel's failure never holds up another."""
    return [await drain_channel(store, notifier) for notifier in notifiers.values()]
