"""Watcher kinds by name. A kind registers itself with `@register`; config.toml names it in `kind`."""

from __future__ import annotations

import importlib
from typing import TypeVar

from watchers.base import Watcher

W = TypeVar("W", bound=type[Watcher])

WATCHER_KINDS: dict[str, type[Watcher]] = {}

# Modules that define watcher kinds; importing one registers its kinds.
WATCHER_MODULES: tuple[str, ...] = (
    "watchers.symbols_page",
    "watchers.un_documents_feed",
    "watchers.ohchr_session",
    "watchers.undl_records",
    "watchers.webtv_schedule",
    "watchers.press_feed",
    "watchers.symbol_probe",
)


def register(cls: W) -> W:
    if cls.kind in WATCHER_KINDS:
        raise ValueError(f"watcher kind {cls.kind!r} registered twice")
    WATCHER_KINDS[cls.kind] = cls
    return cls


def load_kinds() -> dict[str, type[Watcher]]:
    for module in WATCHER_MODULES:
        importlib.import_module(module)
    return WATCHER_KINDS
