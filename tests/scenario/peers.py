"""The bot's peers for a scenario, each in a background thread: the fake Telegram server and aiosmtpd."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from aiosmtpd.controller import Controller

from tests.fake_telegram import FakeTelegram, Request, running_fake
from tests.smtp_fixtures import FaultyHandler, TlsFiles, start_server


class TelegramThread:
    """tests/fake_telegram.py's server on its own event loop; `call` runs a function on that loop."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._fake: FakeTelegram | None = None
        self._thread = threading.Thread(
            target=self._loop.run_until_complete, args=(self._main(),), daemon=True
        )

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        async with running_fake() as fake:
            self._fake = fake
            self._ready.set()
            await self._stop.wait()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:  # requests still held by a scripted hang
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def __enter__(self) -> TelegramThread:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake Telegram server did not start")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def fake(self) -> FakeTelegram:
        assert self._fake is not None
        return self._fake

    def call(self, function: Callable[[], object]) -> None:
        """Runs `function` on the server's loop (the fake is not thread-safe)."""
        self._loop.call_soon_threadsafe(function)

    def sent(self, chat: str) -> list[Request]:
        """Accepted messages and photos to `chat`, in order."""
        return [r for r in list(self.fake.requests) if r.chat_id == chat and r.status == 200 and r.message_id]


class SmtpThread:
    """aiosmtpd on 127.0.0.1 without TLS or AUTH (tests/smtp_fixtures.py's handler and its faults)."""

    def __init__(self) -> None:
        unused = Path("/nonexistent")  # security "none" never loads a certificate
        self._controller: Controller
        self._controller, server = start_server(TlsFiles(unused, unused), "none")
        self.port = server.port
        self.handler: FaultyHandler = server.handler

    def __enter__(self) -> SmtpThread:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._controller.stop()
