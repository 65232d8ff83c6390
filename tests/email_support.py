"""Helpers for the email tests: a real Store in tmp_path, notices made through `Store.apply`, a notifier.

Titles and symbols here are SYNTHETIC, shaped like the Council's (docs/SOURCES.md §1).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import AppConfig, HttpConfig, ScheduleConfig, StoreConfig
from bot.delivery import Drainer, DrainReport
from bot.notifiers.email import EmailNotifier
from bot.notifiers.email_config import EmailConfig
from bot.runtime import Runtime
from state.happenings import SourceInfo
from state.model import Notice
from state.store import Store
from tests.smtp_fixtures import PASSWORD, USERNAME, SmtpServer
from watchers.base import Item, Snapshot
from watchers.symbols import document_fields, parse_symbol

PASSWORD_ENV = "HRCWATCH_TEST_SMTP_PASSWORD"
SENDER = "HRC Watch <digest@hrcwatch.test>"
ALICE = "alice@example.org"
BOB = "bob@example.org"
GENEVA = ZoneInfo("Europe/Zurich")  # Geneva keeps Zurich time


def geneva(days: int, hour: int, minute: int = 0) -> datetime:
    """A Geneva wall-clock time `days` after today. Tests run on the real clock's future: the store
    stamps outbox rows and back-off with the real time, so a drain "now" must not be in its past."""
    day = datetime.now(GENEVA).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), GENEVA)


MORNING = geneva(1, 8, 30)


def email_config(server: SmtpServer, **overrides: Any) -> EmailConfig:
    config = EmailConfig(
        enabled=True,
        host="127.0.0.1",
        port=server.port,
        security=server.security,
        username=USERNAME,
        password_env=PASSWORD_ENV,
        sender=SENDER,
        recipients=(ALICE,),
        digest_at="08:00",
        timezone="Europe/Zurich",
        ca_file=server.ca_file,
        timeout=timedelta(seconds=3),
    )
    return dataclasses.replace(config, **overrides)


def make_notifier(
    tmp_path: Path, server: SmtpServer, monkeypatch: pytest.MonkeyPatch, **overrides: Any
) -> EmailNotifier:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    store = Store(tmp_path / "store.sqlite3", channels=("email",))
    app = AppConfig(
        path=tmp_path / "config.toml",
        store=StoreConfig(),
        http=HttpConfig(),
        schedule=ScheduleConfig(timezone="Europe/Zurich"),
        sources=(),
    )
    return EmailNotifier(email_config(server, **overrides), Runtime(app, store))


def _document(symbol: str, **fields: Any) -> Item:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    return Item(parsed.normalised, "document", {**document_fields(parsed), **fields})


def draft(n: int, title: str, session: int = 61, **fields: Any) -> Item:
    symbol = f"A/HRC/{session}/L.{n}"
    url = f"https://documents.un.org/api/symbol/access?s={symbol}&l=en&t=pdf"
    return _document(symbol, title=title, url=url, **fields)


def revision(n: int, rev: int, title: str, session: int = 61) -> Item:
    return _document(f"A/HRC/{session}/L.{n}/Rev.{rev}", title=title)


def adopted(n: int, title: str, session: int = 61, draft_n: int | None = None) -> Item:
    """An adopted text as an OHCHR session page lists it: with its status and, if given, its draft."""
    draft_symbol = f"A/HRC/{session}/L.{draft_n}" if draft_n else None
    return _document(
        f"A/HRC/RES/{session}/{n}", title=title, status="adopted_without_vote", draft=draft_symbol
    )


def vote(draft_n: int, title: str, yes: int, no: int, abstain: int, session: int = 61) -> Item:
    draft_symbol = f"A/HRC/{session}/L.{draft_n}"
    fields = {
        "symbol": None,
        "draft_symbol": draft_symbol,
        "title": title,
        "date": "2026-04-02",
        "outcome": "adopted" if yes > no else "rejected",
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "non_voting": 0,
        "roll_call": {},
        "unrecognised": [],
        "warnings": [],
        "checks": {"session": str(session), "source": "synthetic"},
    }
    return Item(f"vote:{draft_symbol}", "vote", fields)


def meeting(asset: str, title: str) -> Item:
    fields = {"title": title, "start_utc": "2026-03-16T09:00:00+00:00", "live": True}
    return Item(f"meeting:{asset}", "meeting", fields)


def add_notices(store: Store, items: list[Item], source: str = "synthetic") -> None:
    """Additive snapshots announced in full (`announce_existing`): every happening is a notice."""
    info = SourceInfo(source, "the synthetic page", 1)
    store.apply(
        info, Snapshot(items=tuple(items), complete=False), datetime.now(GENEVA), announce_existing=True
    )


def queued(store: Store) -> list[Notice]:
    """Every notice waiting for the email channel, in order."""
    return [e.notice for e in store.pending("email", datetime.now(GENEVA) + timedelta(days=3), limit=10_000)]


async def drain(notifier: EmailNotifier, now: datetime) -> DrainReport:
    return await Drainer(notifier.runtime.store, notifier).drain(now)


def pending(store: Store) -> int:
    return store.outbox_counts().get("email", {}).get("pending", 0)
