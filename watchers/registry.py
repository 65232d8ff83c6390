"""Watcher kinds by name. A kind registers itself with `@register`; config.toml names it in `kind`.

A kind's module is imported only when a config names the kind, so a bot that reads two feeds does not
pay for every parser at start.
"""

from __future__ import annotations

import importlib
from typing import TypeVar

from watchers.base import Watcher

W = TypeVar("W", bound=type[Watcher])

WATCHER_KINDS: dict[str, type[Watcher]] = {}

# kind -> the module that defines it (importing the module registers the kind).
WATCHER_MODULES: dict[str, str] = {
    "symbols": "watchers.symbols_page",
    "un_documents_feed": "watchers.un_documents_feed",
    "ohchr_session": "watchers.ohchr_session",
    "undl_records": "watchers.undl_records",
    "webtv_schedule": "watchers.webtv_schedule",
    "press_feed": "watchers.press_feed",
    "symbol_probe": "watchers.symbol_probe",
}


def register(cls: W) -> W:
    if cls.kind in WATCHER_KINDS and WATCHER_KINDS[cls.kind] is not cls:
        raise ValueError(f"watcher kind {cls.kind!r} registered twice")
    WATCHER_KINDS[cls.kind] = cls
    return cls


class UnknownKind(KeyError):
    def __str__(self) -> str:
        return f"unknown watcher kind {self.args[0]!r} (known: {', '.join(sorted(WATCHER_MODULES))})"


def load_kind(kind: str) -> type[Watcher]:
    if kind not in WATCHER_MODULES:
        raise UnknownKind(kind)
    importlib.import_module(WATCHER_MODULES[kind])
    return WATCHER_KINDS[kind]


def load_kinds() -> dict[str, type[Watcher]]:
    return {kind: load_kind(kind) for kind in WATCHER_MODULES}
