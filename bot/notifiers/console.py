"""Alerts as plain text on stdout, or appended to a file: the channel that works with no account."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from bot.happening_text import as_plain_text, describe
from bot.notifiers.base import Ack, DeliveryError, Notifier, NotifierConfig
from bot.notifiers.registry import register
from state.model import OutboxEntry


@dataclass(frozen=True)
class ConsoleConfig(NotifierConfig):
    enabled: bool = True
    path: str = ""


@register
class ConsoleNotifier(Notifier):
    kind = "console"
    Config = ConsoleConfig

    def _write(self, text: str) -> None:
        if not self.config.path:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        with open(self.config.path, "a", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())

    async def deliver(self, entries: Sequence[OutboxEntry], ack: Ack) -> None:
        for entry in entries:
            notice = entry.notice
            what = notice.kind if notice.type == "happening" else notice.type
            block = f"[{notice.created_at:%Y-%m-%d %H:%M} UTC] #{notice.id} {what} ({notice.source})\n"
            block += as_plain_text(describe(notice)) + "\n\n"
            try:
                self._write(block)
            except OSError as exc:
                target = self.config.path or "stdout"
                raise DeliveryError(f"console: cannot write to {target}: {exc}") from exc
            ack([entry.id])
