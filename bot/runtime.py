"""What notifiers and commands may reach: the config, the store, the process's one HTTP client, and (in
the daemon) its controls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.config import AppConfig
from state.store import Store, StoreRules
from watchers.fetch import HttpFetcher


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
    fetcher: HttpFetcher | None = None

    @property
    def http(self) -> HttpFetcher:
        """The shared client (its per-host gap covers every fetch of the process); one is made if none."""
        if self.fetcher is None:
            self.fetcher = HttpFetcher(self.config.http)
        return self.fetcher


def open_store(config: AppConfig) -> Store:
    rules = StoreRules(
        config.schedule.failure_alert_after,
        config.schedule.remove_after,
        config.schedule.shrink_guard,
        compare_texts=config.texts.compare,
    )
    return Store(config.store_path, channels=config.channels, rules=rules)
