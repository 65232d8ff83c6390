"""A store that cannot be used (issue 11, item 10): `python -m bot run|poll|status` print one line naming
the file and what to do, exit 1, no traceback, and leave the file as it was."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.spine_support import bot, store_config

COMMANDS = ("run", "poll", "status")


def one_line_refusal(config: Path, command: str, names: Path, says: str) -> None:
    answer = bot(command, "--config", str(config), timeout=30)
    assert answer.returncode == 1, (command, answer.stderr[-2000:])
    (line,) = answer.stderr.splitlines()
    assert line.startswith(f"store error: {names}: ") and says in line, line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_corrupted_database_is_named_and_left_as_it_was(command: str, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite3"
    garbage = b"\x89PNG\r\n\x1a\n" + os.urandom(8192)
    store.write_bytes(garbage)
    config = store_config(tmp_path, store)
    one_line_refusal(config, command, store, "not a readable HRC Watch store (file is not a database)")
    assert store.read_bytes() == garbage


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_directory_that_cannot_be_created(command: str, tmp_path: Path) -> None:
    in_the_way = tmp_path / "var"
    in_the_way.write_text("a file where the store's directory should be\n", encoding="utf-8")
    config = store_config(tmp_path, in_the_way / "hrcwatch.sqlite3")
    one_line_refusal(config, command, in_the_way, "cannot create the store's directory")


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """The directory made read-only for this user: by its mode, or for root (whom modes do not stop)
    by a read-only bind mount of it onto itself."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    bind = subprocess.run(["mount", "--bind", str(directory), str(directory)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"root without mount rights: {bind.stderr.decode()[:200]}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(directory)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True, capture_output=True)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_on_a_read_only_path(command: str, tmp_path: Path) -> None:
    directory = tmp_path / "var"
    store = directory / "hrcwatch.sqlite3"
    config = store_config(tmp_path, store)
    assert bot("status", "--config", str(config)).returncode == 0  # the store exists, then the disk goes ro
    before = store.read_bytes()
    with read_only(directory):
        one_line_refusal(config, command, store, "cannot ")
    assert store.read_bytes() == before
