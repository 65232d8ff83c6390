"""Helpers for the Telegram tests: a config pointing at the fake Bot API, a real store, items, draining."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_config
from bot.delivery import Drainer
from bot.notifiers.telegram import TelegramNotifier
from bot.runtime import PollReport, Runtime
from state.happenings import SourceInfo
from state.store import Store
from tests.fake_telegram import TOKEN, FakeTelegram, running_fake
from watchers.base import Item, Snapshot
from watchers.symbols import document_fields, parse_symbol

CHANNEL = "-1001234567890"
ADMIN = 4242
STRANGER = 777

_clock = count()


def config_text(fake: FakeTelegram, store: Path, **overrides: Any) -> str:
    settings: dict[str, Any] = {
        "enabled": True,
        "token_env": "HRCWATCH_TEST_TELEGRAM_TOKEN",
        "channel": CHANNEL,
        "admins": [ADMIN],
        "api_base": fake.base_url,
        "burst_threshold": 0,
        "timeout": "2s",
        "messages_per_second": 1000,
        "channel_messages_per_minute": 100000,
    }
    settings.update(overrides)

    def toml(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(toml(v) for v in value) + "]"
        return f'"{value}"' if isinstance(value, str) else str(value)

    body = "\n".join(f"{key} = {toml(value)}" for key, value in settings.items())
    return f'[store]\npath = "{store}"\n\n[console]\nenabled = false\n\n[telegram]\n{body}\n'


@dataclass
class Setup:
    fake: FakeTelegram
    store: Store
    runtime: Runtime
    notifier: TelegramNotifier

    def apply(
        self, items: Sequence[Item], source: str = "drafts", authority: int = 1, label: str = ""
    ) -> None:
        """Items as one poll of `source` saw them; a first poll announces them (announce_existing)."""
        now = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=next(_clock))
        info = SourceInfo(source, label or f"the {source} page", authority)
        self.store.apply(info, Snapshot(items=tuple(items)), now, announce_existing=True)

    async def drain_all(self, rounds: int = 50) -> int:
        """Drains until nothing is pending, skipping the back-off waits; returns the rounds it took."""
        drainer = Drainer(self.store, self.notifier)
        for done in range(1, rounds + 1):
            later = datetime.now(UTC) + timedelta(hours=2)
            report = await drainer.drain(now=later)
            if report.pending_left == 0 and not self.store.pending("telegram", later):
                return done
        raise AssertionError(f"still pending after {rounds} rounds")


class FakeControls:
    """The daemon's controls as commands see them; records what operators asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def pause(self, source: str) -> None:
        self.calls.append(("pause", source))

    def resume(self, source: str) -> None:
        self.calls.append(("resume", source))

    async def poll_now(self, source: str | None = None) -> list[PollReport]:
        self.calls.append(("poll", source))
        return [PollReport(source or "drafts", True, "ok", events=2, items=12)]


@asynccontextmanager
async def telegram_setup(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    interactive: bool = False,
    extra_config: str = "",
    **overrides: Any,
) -> AsyncIterator[Setup]:
    """A fake Bot API, a store in tmp_path and a started notifier configured for both (and any
    `extra_config` sections)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monkeypatch.setenv("HRCWATCH_TEST_TELEGRAM_TOKEN", TOKEN)
    async with running_fake() as fake:
        path = tmp_path / "config.toml"
        text = config_text(fake, tmp_path / "store.sqlite3", **overrides) + extra_config
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        store = Store(config.store_path, channels=("telegram",))
        runtime = Runtime(config, store, controls=FakeControls())
        notifier = TelegramNotifier(config.notifiers["telegram"], runtime)
        await notifier.start(interactive=interactive)
        try:
            yield Setup(fake, store, runtime, notifier)
        finally:
            await notifier.stop()
            store.close()


def document(symbol: str, **fields: Any) -> Item:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    return Item(parsed.normalised, "document", {**document_fields(parsed), **fields})


def draft(n: int, title: str = "", session: int = 61, **fields: Any) -> Item:
    return document(f"A/HRC/{session}/L.{n}", title=title or f"Draft resolution number {n}", **fields)
