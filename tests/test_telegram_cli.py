"""`python -m bot test-notify telegram` against the fake Bot API: success, and failures said plainly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from tests.fake_telegram import TOKEN, running_fake
from tests.telegram_fixtures import CHANNEL, config_text


async def run_cli(tmp_path: Path, text: str) -> int:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return await asyncio.to_thread(main, ["test-notify", "telegram", "--config", str(path)])


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    monkeypatch.setenv("HRCWATCH_TEST_TELEGRAM_TOKEN", TOKEN)


async def test_test_notify_sends_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with running_fake() as fake:
        assert await run_cli(tmp_path, config_text(fake, tmp_path / "s.sqlite3")) == 0
        assert "sent a test message to " + CHANNEL in capsys.readouterr().out
        (sent,) = fake.sent(CHANNEL)
        assert "HRC Watch test message" in sent.text


async def test_test_notify_says_what_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async with running_fake() as fake:
        fake.unknown_chats.add(CHANNEL)
        assert await run_cli(tmp_path, config_text(fake, tmp_path / "s.sqlite3")) == 1
        assert f"telegram: FAILED: telegram: unknown chat {CHANNEL}" in capsys.readouterr().err
        fake.token = "someone-else"
        assert await run_cli(tmp_path, config_text(fake, tmp_path / "s.sqlite3")) == 1
        err = capsys.readouterr().err
        assert "bad token" in err and "$HRCWATCH_TEST_TELEGRAM_TOKEN" in err
        assert TOKEN not in err
    unreachable = config_text(fake, tmp_path / "s.sqlite3")
    assert await run_cli(tmp_path, unreachable) == 1
    assert "Telegram API at http://127.0.0.1" in capsys.readouterr().err


async def test_missing_token_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HRCWATCH_TEST_TELEGRAM_TOKEN")
    async with running_fake() as fake:
        assert await run_cli(tmp_path, config_text(fake, tmp_path / "s.sqlite3")) == 2
    err = capsys.readouterr().err
    assert "[telegram]: token_env: environment variable HRCWATCH_TEST_TELEGRAM_TOKEN is not set" in err
