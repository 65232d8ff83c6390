"""The [email] section, kept apart so a config can be validated without importing the digest machinery."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.notifiers.base import NotifierConfig
from bot.typed_config import check_env_name, shown

if TYPE_CHECKING:
    from bot.smtp_send import SmtpSettings

# The digest and SMTP modules are imported only when email is enabled: every `poll` loads this section.

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class EmailConfig(NotifierConfig):
    scheduled: ClassVar[bool] = True  # a slot is served (marked, or "nothing new" mailed) without rows
    host: str = ""
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    password_env: str = ""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    digest_at: str = "08:00"
    timezone: str = ""
    action_days: tuple[str, ...] = ()
    send_empty: bool = False
    operator_notes: bool = True
    subject_prefix: str = "HRC Watch"
    unsubscribe: str = ""
    ca_file: str = ""
    timeout: timedelta = timedelta(seconds=30)

    def validate(self) -> None:
        if not _CLOCK.match(self.digest_at):
            raise ValueError(f"digest_at: expected a 24-hour time like '08:00', got {shown(self.digest_at)}")
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"timezone: unknown time zone {shown(self.timezone)}") from None
        for day in self.action_days:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ValueError(f"action_days: expected dates like '2026-04-01', got {shown(day)}") from None
        if not 0 < self.port < 65536:
            raise ValueError(f"port: expected 1-65535, got {self.port}")
        if not timedelta(seconds=1) <= self.timeout <= timedelta(minutes=10):
            raise ValueError("timeout: expected between 1s and 10m")
        if any(ch in self.unsubscribe for ch in '\r\n <>"') or (
            self.unsubscribe and not self.unsubscribe.startswith(("https://", "http://", "mailto:"))
        ):
            raise ValueError("unsubscribe: expected an https:// or mailto: URI without spaces")
        if any(ch in self.subject_prefix for ch in "\r\n"):
            raise ValueError("subject_prefix: must be one line")
        if self.enabled:
            self._validate_enabled()

    def _validate_enabled(self) -> None:
        from bot.email_digest import parse_address

        if not self.host:
            raise ValueError("host: required when email is enabled")
        try:
            parse_address(self.sender)
        except ValueError:
            raise ValueError(
                f"sender: expected an address like 'HRC Watch <bot@example.org>', got {shown(self.sender)}"
            ) from None
        if not self.recipients:
            raise ValueError("recipients: list at least one address")
        for recipient in self.recipients:
            try:
                parse_address(recipient)
            except ValueError:
                raise ValueError(f"recipients: not an email address: {shown(recipient)}") from None
        if self.username and not self.password_env:
            raise ValueError("password_env: required with username (the name of the variable holding it)")
        if self.password_env and not os.environ.get(self.password_env):
            check_env_name("password_env", self.password_env)
            raise ValueError(f"password_env: environment variable {self.password_env} is not set or empty")
        if self.security == "none" and self.username and self.host not in _LOOPBACK:
            raise ValueError("security: 'none' would send the password in clear; use 'starttls' or 'ssl'")
        if self.ca_file and not Path(self.ca_file).is_file():
            raise ValueError(f"ca_file: no such file {shown(self.ca_file)}")

    def smtp_settings(self) -> SmtpSettings:
        """Reads the password from the environment at send time; it is never stored or logged."""
        from bot.smtp_send import SmtpSettings

        password = os.environ.get(self.password_env, "") if self.password_env else ""
        return SmtpSettings(
            host=self.host,
            port=self.port,
            security=self.security,
            username=self.username,
            password=password,
            timeout=self.timeout.total_seconds(),
            ca_file=self.ca_file,
        )
