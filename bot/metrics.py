"""Prometheus metrics. Labels are source and channel names from config.toml, never scraped text."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

POLLS = Counter("hrcwatch_polls_total", "Polls by source and outcome", ["source", "outcome"])
PARSES = Counter("hrcwatch_pages_parsed_total", "Pages read into items (unchanged pages are not)", ["source"])
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
