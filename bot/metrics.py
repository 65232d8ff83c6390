"""Prometheus metrics. Labels are source and channel names from config.toml, never scraped text.

They are made by `enable`, which the daemon calls as it starts: only the daemon serves /metrics, and
importing prometheus_client is a tenth of a one-shot `poll`'s CPU (docs/PERFORMANCE.md). Until then
every metric here is `_OFF`, which records nothing.
"""

from __future__ import annotations

from typing import Any


class _Off:
    """A metric that is not kept: every call does nothing."""

    def labels(self, *values: str) -> _Off:
        return self

    def inc(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, value: float) -> None:
        pass


_OFF = _Off()

POLLS: Any = _OFF
PARSES: Any = _OFF
POLL_FAILURES: Any = _OFF
ITEMS: Any = _OFF
NOTICES: Any = _OFF
OUTBOX_PENDING: Any = _OFF
SENT: Any = _OFF
SEND_LATENCY: Any = _OFF
RETRIES: Any = _OFF


def enable() -> None:
    """Makes the metrics, once per process (prometheus_client's registry refuses a name twice)."""
    global POLLS, PARSES, POLL_FAILURES, ITEMS, NOTICES, OUTBOX_PENDING, SENT, SEND_LATENCY, RETRIES
    if POLLS is not _OFF:
        return
    from prometheus_client import Counter, Gauge, Histogram

    POLLS = Counter("hrcwatch_polls_total", "Polls by source and outcome", ["source", "outcome"])
    PARSES = Counter(
        "hrcwatch_pages_parsed_total", "Pages read into items (unchanged pages are not)", ["source"]
    )
    POLL_FAILURES = Counter("hrcwatch_poll_failures_total", "Failed polls by source", ["source"])
    ITEMS = Gauge("hrcwatch_items", "Items the source listed in its last healthy poll", ["source"])
    NOTICES = Counter(
        "hrcwatch_notices_total",
        "Notices queued, by source and what they tell (tabled, action, ..., confirmed, correction)",
        ["source", "kind"],
    )
    OUTBOX_PENDING = Gauge("hrcwatch_outbox_pending", "Outbox rows waiting, by channel", ["channel"])
    SENT = Counter("hrcwatch_sent_total", "Outbox rows delivered, by channel", ["channel"])
    SEND_LATENCY = Histogram(
        "hrcwatch_send_latency_seconds",
        "From the notice being queued to its channel confirming delivery",
        ["channel"],
        buckets=(0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300, 1800, 3600, 21600),
    )
    RETRIES = Counter("hrcwatch_delivery_retries_total", "Failed delivery attempts, by channel", ["channel"])
