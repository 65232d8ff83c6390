"""What notifiers and commands may reach: the config, the store, and (in the daemon) its controls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.config import AppConfig
from state.store import Store


@dataclass(frozen=True)
class PollReport:
    """How one source's poll went, for the CLI, /poll and logs."""

    source: str
    ok: bool
    outcome: str
    message: str = ""
    events: int = 0
    items: int = 0


class Controls(Protocol):
    """Operator actions the daemon offers to bot commands."""

    def pause(self, source: str) -> None: ...

    def resume(self, source: str) -> None: ...

    async def poll_now(self, source: str | None = None) -> list[PollReport]: ...


@dataclass
class Runtime:
    config: AppConfig
    store: Store
    controls: Controls | None = None
