"""The store's failures in words an operator can act on: one line naming the file and what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The store cannot be opened, read or written; str() is one line for the operator."""


def explain(path: Path, exc: BaseException) -> StoreError:
    """A sqlite3 or OS error on the store at `path`, as a StoreError saying what to do."""
    text = str(exc).lower()
    if "disk is full" in text or getattr(exc, "errno", None) == 28:
        what = "the disk is full: free space on the disk that holds it"
    elif "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        what = "it is read-only: make the file and its directory writable by the bot's user"
    elif "not a database" in text or "malformed" in text:
        what = (
            "it is not an HRC Watch store, or it is corrupted: restore it from a backup, or move it "
            "away to start with an empty store"
        )
    elif "unable to open" in text or isinstance(exc, FileNotFoundError | NotADirectoryError):
        what = "it cannot be opened: check that its directory exists and is writable"
    elif "i/o error" in text or isinstance(exc, OSError):
        what = f"an I/O error ({exc}): check the disk"
    elif "locked" in text or "busy" in text:
        what = "another program holds it locked: stop it"
    else:
        what = f"{type(exc).__name__}: {exc}"
    return StoreError(f"store {path}: {what}")


def is_store_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error | StoreError)
