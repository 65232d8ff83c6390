"""The contract between the outbox and a channel.

The outbox drainer hands a notifier the due entries of its channel, oldest first. The notifier sends
them in order and calls `ack` right after each confirmed delivery (that commits the row as sent, so a
crash after it never repeats the message). On the first failure it raises DeliveryError; the drainer
keeps the remaining rows pending and retries them later with back-off, in the same order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from state.model import OutboxEntry

if TYPE_CHECKING:
    from bot.runtime import Runtime


class DeliveryError(Exception):
    """A send that did not go through. `retry_after` (seconds) when the peer said when to come back."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Ack(Protocol):
    def __call__(self, entry_ids: Sequence[int], external_id: str | None = None) -> None:
        """Marks entries sent (with the channel's message id, if any) in its own transaction."""


@dataclass(frozen=True)
class NotifierConfig:
    """Every notifier section has `enabled`; kinds subclass this with their own keys."""

    # A channel with a schedule of its own (the email digest's slots) is run by every poll, rows or not.
    scheduled: ClassVar[bool] = False
    enabled: bool = False


class Notifier(ABC):
    """A channel. `kind` is both its config.toml section name and its outbox channel name."""

    kind: ClassVar[str]
    Config: ClassVar[type[NotifierConfig]] = NotifierConfig

    def __init__(self, config: Any, runtime: Runtime):
        self.config = config
        self.runtime = runtime

    def due(self, now: datetime) -> bool:
        """Whether pending entries should be delivered now (a digest waits for its hour)."""
        return True

    async def start(self, *, interactive: bool = True) -> None:
        """Connects whatever the channel needs, once per process.

        interactive=True in the daemon (a bot also answers commands); False for a one-shot `poll`, which
        only sends.
        """

    async def stop(self) -> None:
        """Releases it."""

    @abstractmethod
    async def deliver(self, entries: Sequence[OutboxEntry], ack: Ack) -> None:
        """Sends `entries` in order, calling `ack` after each confirmed send; raises DeliveryError."""
