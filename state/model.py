"""The records the diff store hands to notifiers: events and the outbox rows that carry them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

EventType = Literal["new", "changed", "removed", "source_failing", "source_recovered"]

HEALTH_EVENTS: frozenset[str] = frozenset({"source_failing", "source_recovered"})


@dataclass(frozen=True)
class Event:
    """Something a person should hear about.

    For item events `key` is the item key and `fields` the item's merged fields after the event (for
    "removed", the last fields it had). `changes` maps each changed field to (before, after).
    Health events ("source_failing", "source_recovered") have key "source:NAME", item_kind "source" and
    fields {"source", "error", "failures", "since"}; they are for operators, not subscribers.
    """

    id: int
    type: EventType
    key: str
    item_kind: str
    source: str
    fields: Mapping[str, Any]
    changes: Mapping[str, tuple[Any, Any]]
    created_at: datetime

    @property
    def for_operators(self) -> bool:
        return self.type in HEALTH_EVENTS


@dataclass(frozen=True)
class OutboxEntry:
    """One event waiting for one channel."""

    id: int
    channel: str
    event: Event
    attempts: int
