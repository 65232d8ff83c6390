"""What the store hands to channels: notices (a happening to tell, a confirmation, a correction, an
operator note) and the outbox rows that carry them to one channel each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

NoticeType = Literal["happening", "confirmed", "correction", "source_failing", "source_recovered"]

OPERATOR_NOTICES: frozenset[str] = frozenset({"source_failing", "source_recovered"})


@dataclass(frozen=True)
class Notice:
    """One thing to tell. `payload` is frozen when the notice is queued, so a retry tells the same.

    For "happening", "confirmed" and "correction": payload = {"story": {"id", "anchor", "title",
    "session"}, "kind", "ordinal", "facts", "source_label", "official"}; a confirmation adds
    "confirmed_by" (a source label), a correction adds "was" (the facts it corrects) and "was_source".
    Operator notices ("source_failing", "source_recovered"): payload = {"source", "error", "failures",
    "last_success"}; they are for operators, never for subscribers.
    """

    id: int
    type: NoticeType
    source: str
    payload: Mapping[str, Any]
    created_at: datetime
    story_id: int | None = None
    happening_id: int | None = None

    @property
    def for_operators(self) -> bool:
        return self.type in OPERATOR_NOTICES

    @property
    def kind(self) -> str:
        """The happening's kind ("tabled", "action", ...), or the operator notice's type."""
        return str(self.payload.get("kind") or self.type)

    @property
    def facts(self) -> Mapping[str, Any]:
        facts = self.payload.get("facts")
        return facts if isinstance(facts, Mapping) else {}

    @property
    def story(self) -> Mapping[str, Any]:
        story = self.payload.get("story")
        return story if isinstance(story, Mapping) else {}


@dataclass(frozen=True)
class OutboxEntry:
    """One notice waiting for one channel."""

    id: int
    channel: str
    notice: Notice
    attempts: int
