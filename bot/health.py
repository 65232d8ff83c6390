"""Is the bot doing its job? The rule behind /healthz, kept apart from the HTTP server that serves it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import AppConfig
from state.errors import StoreError, explain
from state.store import Store


@dataclass(frozen=True)
class HealthVerdict:
    ok: bool
    reasons: tuple[str, ...]


def assess(
    config: AppConfig, store: Store, now: datetime, started_at: datetime, problems: Sequence[str] = ()
) -> HealthVerdict:
    """Healthy when every enabled, unpaused source succeeded within three of its intervals (a source not
    yet due since start counts as fine), no channel's oldest pending alert is older than the limit, and
    the daemon knows of no other problem (`problems`: the store refusing writes, a paused channel). A
    store that cannot even be read is one reason, never an exception."""
    reasons: list[str] = list(problems)
    try:
        return _assess(config, store, now, started_at, reasons)
    except (sqlite3.Error, StoreError, OSError) as exc:
        reasons.append(str(explain(store.path, exc)))
        return HealthVerdict(False, tuple(reasons))


def _assess(
    config: AppConfig, store: Store, now: datetime, started_at: datetime, reasons: list[str]
) -> HealthVerdict:
    health = store.health(counts=False)
    for source in config.sources:
        if not source.enabled:
            continue
        h = health.get(source.name)
        if h and h.paused:
            continue
        window = 3 * source.every
        last = h.last_success if h else None
        if last is None:
            if now - started_at > window:
                reasons.append(f"source {source.name}: no success since start ({_age(now - started_at)})")
        elif now - last > window:
            error = f"; last error: {h.last_error}" if h and h.last_error else ""
            reasons.append(f"source {source.name}: last success {_age(now - last)} ago{error}")
    limit = config.health.outbox_max_age
    for channel, oldest in store.oldest_pending().items():
        if channel in config.channels and now - oldest > limit:
            reasons.append(f"channel {channel}: oldest pending alert waiting {_age(now - oldest)}")
    return HealthVerdict(not reasons, tuple(reasons))


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"
