"""Notifier kinds by name. A kind's config section has its name; its module registers it with `@register`.

Config classes are light and always loaded (every section is validated); a notifier's own module
(python-telegram-bot, the digest and chart machinery) is imported only when its channel is enabled.
"""

from __future__ import annotations

import importlib
from typing import TypeVar

from bot.notifiers.base import Notifier, NotifierConfig

N = TypeVar("N", bound=type[Notifier])

NOTIFIER_KINDS: dict[str, type[Notifier]] = {}

# kind -> (its config dataclass as "module:Class", the module that defines the notifier)
NOTIFIER_MODULES: dict[str, tuple[str, str]] = {
    "console": ("bot.notifiers.console:ConsoleConfig", "bot.notifiers.console"),
    "telegram": ("bot.notifiers.telegram_config:TelegramConfig", "bot.notifiers.telegram"),
    "email": ("bot.notifiers.email_config:EmailConfig", "bot.notifiers.email"),
}


def register(cls: N) -> N:
    if cls.kind in NOTIFIER_KINDS and NOTIFIER_KINDS[cls.kind] is not cls:
        raise ValueError(f"notifier kind {cls.kind!r} registered twice")
    NOTIFIER_KINDS[cls.kind] = cls
    return cls


def config_classes() -> dict[str, type[NotifierConfig]]:
    classes = {}
    for kind, (config_path, _) in NOTIFIER_MODULES.items():
        module, _, name = config_path.partition(":")
        classes[kind] = getattr(importlib.import_module(module), name)
    return classes


def load_kind(kind: str) -> type[Notifier]:
    importlib.import_module(NOTIFIER_MODULES[kind][1])
    return NOTIFIER_KINDS[kind]
