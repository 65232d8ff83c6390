"""Why the store cannot be used, as one line naming the file and what the operator can do about it."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class StoreError(Exception):
    """The store cannot be opened, read or written; str() is the line shown to the operator."""


_ELSEWHERE = "or set [store] path in the config"
# SQLite's own words -> what it means, and what to do.
_SQLITE_ADVICE = (
    (
        ("not a database", "malformed"),
        "not a readable HRC Watch store",
        "restore it from a backup, or move it aside",
    ),
    (
        ("readonly", "read-only"),
        "cannot write the store",
        f"make it and its directory writable, {_ELSEWHERE}",
    ),
    (("unable to open",), "cannot open the store", f"check that its directory is writable, {_ELSEWHERE}"),
    (("full", "disk i/o"), "the disk failed the store", "free some disk space or check the disk"),
)
_NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def _sqlite_line(path: Path, exc: sqlite3.Error) -> str:
    text = " ".join(str(exc).split())[:200]
    for markers, meaning, advice in _SQLITE_ADVICE:
        if any(marker in text.lower() for marker in markers):
            return f"{path}: {meaning} ({text}): {advice}"
    return f"{path}: store error ({text})"


def _os_line(path: Path, exc: OSError) -> str:
    where = Path(str(exc.filename))
    if exc.errno in _NOT_WRITABLE:
        return (
            f"{where}: cannot write the store ({exc.strerror}): make it writable by this user, {_ELSEWHERE}"
        )
    if where in path.parents:
        return f"{where}: cannot create the store's directory ({exc.strerror}): create it, {_ELSEWHERE}"
    return f"{where}: {exc.strerror}: check the store's path, {_ELSEWHERE}"


def _about(path: Path, filename: object) -> bool:
    """Whether an OSError's file is the store, one of its side files, or a directory on its way."""
    if not isinstance(filename, str):
        return False
    other = Path(filename)
    return other in path.parents or (other.parent == path.parent and other.name.startswith(path.name))


@contextmanager
def store_errors(path: Path) -> Iterator[None]:
    """SQLite errors, and OS errors about the store's files, become one StoreError naming the file."""
    path = Path(os.path.realpath(path))
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(_sqlite_line(path, exc)) from None
    except OSError as exc:
        if not _about(path, exc.filename):
            raise
        raise StoreError(_os_line(path, exc)) from None


def explain(path: Path, exc: BaseException) -> StoreError:
    """A failure met while the store is in use (a write refused under a running daemon), as the same
    one line `store_errors` gives at start."""
    path = Path(os.path.realpath(path))
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return StoreError(_sqlite_line(path, exc))
    if isinstance(exc, OSError):
        return StoreError(
            _os_line(path, exc) if exc.filename else f"{path}: {exc.strerror or exc}: check the disk"
        )
    return StoreError(f"{path}: {type(exc).__name__}: {exc}")
