"""Notifier kinds by name. A kind registers itself with `@register`; its config section has its name."""

from __future__ import annotations

import importlib
from typing import TypeVar

from bot.notifiers.base import Notifier

N = TypeVar("N", bound=type[Notifier])

NOTIFIER_KINDS: dict[str, type[Notifier]] = {}

# Modules that define notifier kinds; importing one registers its kinds.
NOTIFIER_MODULES: tuple[str, ...] = ("bot.notifiers.console", "bot.notifiers.email", "bot.notifiers.telegram")


def register(cls: N) -> N:
    if cls.kind in NOTIFIER_KINDS:
        raise ValueError(f"notifier kind {cls.kind!r} registered twice")
    NOTIFIER_KINDS[cls.kind] = cls
    return cls


def load_kinds() -> dict[str, type[Notifier]]:
    for module in NOTIFIER_MODULES:
        importlib.import_module(module)
    return NOTIFIER_KINDS
