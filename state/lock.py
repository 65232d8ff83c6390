"""One process per store: two daemons on one database would send every alert twice.

The lock is an exclusive flock(2) on the database file itself, opened by its resolved real path: a
symlink, another relative path or a deleted side file all reach the same inode, so none gets round it.
SQLite's own locks are POSIX (fcntl) record locks, which Linux keeps apart from flock: SQLite works as
usual while the flock is held, and another process may still read the store (`status`, a backup).
The kernel drops the flock when the process dies. The holder's pid goes to `<database>.pid`, only to
name it in the refusal.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType


class StoreLocked(Exception):
    """Another process holds the store."""


class StoreLock:
    """Exclusive and non-blocking: a second holder is refused at once, naming the first one's pid.

    Exit it only after the store's connections are done with: closing any descriptor of the database
    file drops this process's POSIX locks on it, SQLite's included."""

    def __init__(self, store_path: Path):
        self.path = Path(os.path.realpath(store_path))
        self.pid_path = self.path.with_name(self.path.name + ".pid")
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLocked(
                f"{self.path} is in use by another HRC Watch process (pid {self._holder()}); "
                "stop it first, or give this one another [store] path"
            ) from None
        self._fd = fd
        with contextlib.suppress(OSError):
            self.pid_path.write_text(f"{os.getpid()}\n", encoding="ascii")
        return self

    def _holder(self) -> str:
        try:
            return self.pid_path.read_text(encoding="ascii", errors="replace").strip()[:20] or "unknown"
        except OSError:
            return "unknown"

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.pid_path.unlink()  # before unlocking: the next holder's pid file is never ours to remove
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None
