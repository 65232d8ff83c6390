"""The [telegram] section, kept apart so a config can be validated without importing python-telegram-bot."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

from bot.notifiers.base import NotifierConfig
from bot.typed_config import check_env_name, shown

DEFAULT_API_BASE = "https://api.telegram.org/bot"
_CHANNEL = re.compile(r"^(-100\d{5,}|@[A-Za-z][A-Za-z0-9_]{4,31})$")


@dataclass(frozen=True)
class TelegramConfig(NotifierConfig):
    enabled: bool = False
    token_env: str = "TELEGRAM_BOT_TOKEN"  # noqa: S105 (the name of the variable, not a secret)
    channel: str = ""
    admins: tuple[int, ...] = ()
    api_base: str = DEFAULT_API_BASE
    commands: bool = True
    burst_threshold: int = 15
    timeout: timedelta = timedelta(seconds=20)
    messages_per_second: float = 25.0
    channel_messages_per_minute: float = 20.0

    def validate(self) -> None:
        if self.timeout <= timedelta(0):
            raise ValueError("timeout must be more than 0s")
        if not self.enabled:
            return
        if not os.environ.get(self.token_env):
            check_env_name("token_env", self.token_env)
            raise ValueError(
                f"token_env: environment variable {self.token_env} is not set (it must hold the bot token)"
            )
        if not _CHANNEL.match(self.channel):
            raise ValueError(
                f"channel: expected the channel's numeric id (-100...) or @name, got {shown(self.channel)}"
            )
        if not self.api_base.startswith(("https://", "http://")):
            raise ValueError(f"api_base: expected an http(s) URL, got {shown(self.api_base)}")
        if self.burst_threshold < 0:
            raise ValueError("burst_threshold must not be negative")
        if self.messages_per_second <= 0 or self.channel_messages_per_minute <= 0:
            raise ValueError("messages_per_second and channel_messages_per_minute must be positive")

    @property
    def token(self) -> str:
        return os.environ.get(self.token_env, "")
