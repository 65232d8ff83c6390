"""One process per store (issue 11, item 11): the flock is on the database file itself, so no symlink, no
other relative path and no deleted side file gets a second `python -m bot` in, and SQLite's own (POSIX)
locks are independent of it: the store is read and written as usual while it is held."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from state.lock import StoreLock
from state.store import Store
from tests.spine_support import ROOT, bot, drafts, store_config
from watchers.base import Item, Snapshot


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A store whose lock this test process holds, as a running HRC Watch would."""
    store_path = tmp_path / "real" / "store.sqlite3"
    with StoreLock(store_path):
        Store(store_path).close()
        yield store_path


def routes(tmp_path: Path, store: Path) -> dict[str, Path]:
    """Configs reaching `store` by other paths than its own."""
    link = tmp_path / "link.sqlite3"
    link.symlink_to(store)
    linked_dir = tmp_path / "linked-dir"
    linked_dir.symlink_to(store.parent, target_is_directory=True)
    return {
        "symlink-to-the-file": store_config(tmp_path / "a", str(link)),
        "symlinked-directory": store_config(tmp_path / "b", str(linked_dir / store.name)),
        "another-relative-path": store_config(tmp_path / "c" / "d", "../../real/../real/./store.sqlite3"),
    }


@pytest.mark.parametrize("route", ["symlink-to-the-file", "symlinked-directory", "another-relative-path"])
def test_no_other_path_to_the_store_gets_round_the_lock(route: str, held: Path, tmp_path: Path) -> None:
    config = routes(tmp_path, held)[route]
    answer = bot("poll", "--config", str(config))
    assert answer.returncode == 1
    assert answer.stderr.strip() == (
        f"error: {held} is in use by another HRC Watch process (pid {os.getpid()}); "
        "stop it first, or give this one another [store] path"
    )


def test_deleting_the_side_file_does_not_unlock(held: Path, tmp_path: Path) -> None:
    pid_file = held.with_name(held.name + ".pid")
    assert pid_file.read_text().strip() == str(os.getpid())
    pid_file.unlink()
    for stale in held.parent.glob("*.lock"):
        stale.unlink()
    answer = bot("run", "--config", str(store_config(tmp_path / "a", str(held))))
    assert answer.returncode == 1 and "is in use by another HRC Watch process (pid unknown)" in answer.stderr


def test_sqlite_reads_and_writes_beside_the_lock(held: Path, tmp_path: Path) -> None:
    """flock(2) and SQLite's fcntl locks do not see each other: this process writes through its Store,
    another process writes with plain sqlite3, and `status` reads, all while the flock is held."""
    store = Store(held)
    items = tuple(Item(s, "document", {"symbol": s, "title": t}) for s, t in drafts(2))
    store.apply("drafts", Snapshot(items=items), datetime.now(UTC))
    other_writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=5); "
            "c.execute('INSERT INTO meta (key, value) VALUES (?, ?)', ('written-by', 'another process')); "
            "c.commit()",
            str(held),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert other_writer.returncode == 0, other_writer.stderr
    assert store.get_meta("written-by") == "another process"
    answer = bot("status", "--config", str(store_config(tmp_path / "a", str(held))), "--json")
    assert answer.returncode == 0 and '"items": 2' in answer.stdout
    with sqlite3.connect(tmp_path / "backup.sqlite3") as backup:
        sqlite3.connect(held).backup(backup)
        assert backup.execute("SELECT count(*) FROM items").fetchone() == (2,)
    store.close()
