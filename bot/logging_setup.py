"""Log lines name their source or channel; secrets never reach a log line."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys

from bot.config import AppConfig


class RedactSecrets(logging.Filter):
    """Replaces every secret value (read from the env vars the config names) with ***."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        record.msg, record.args = message, None
        return True


def secret_values(config: AppConfig) -> list[str]:
    """Values of the environment variables named by notifier keys ending in `_env`."""
    values = []
    for notifier in config.notifiers.values():
        for field in dataclasses.fields(notifier):
            name = getattr(notifier, field.name)
            if field.name.endswith("_env") and isinstance(name, str) and os.environ.get(name):
                values.append(os.environ[name])
    return values


def setup_logging(config: AppConfig, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secret_values(config)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # urllib3 warns of each retry in its own words; watchers.http_deadline logs them, naming the URL.
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    # PTB's rate limiter logs a traceback for each 429 it passes on; the delivery logs it in one line.
    logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_PassedOn429())


class _PassedOn429(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")
