"""A corrupt config.toml (issue #6): the bot refuses to start with exit status 2 and one readable line.

Each config is handed to a real `python -m bot poll` (and the daemon, `run`, for two of them): the
operator must see "config error: <file>: <what is wrong>" on one short line, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.spine_support import bot

MAX_LINE = 500  # a readable line: the file, the key and a short excerpt of the bad value

VALID_START = """
[store]
path = "store.sqlite3"

[[sources]]
name = "drafts"
kind = "symbols"
every = "15m"
"""


def corrupt(case: str, path: Path) -> str:
    """Writes the corrupt config `case` to `path`; returns what the error line must mention."""
    if case == "binary-garbage":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
        return "not valid TOML"
    if case == "truncated-toml":
        path.write_text(VALID_START + 'url = "https://www.ohchr.org/en/hr-bod', encoding="utf-8")
        return "not valid TOML"
    if case == "huge-garbage-file":
        path.write_bytes(b"x" * 10_000_000)
        return "not valid TOML"
    if case == "huge-value":
        path.write_text(VALID_START + f'url = "ftp://{"x" * 5_000_000}"\n', encoding="utf-8")
        return "url"
    if case == "sources-is-a-string":
        path.write_text('sources = "https://www.ohchr.org/en/hr-bodies/hrc"\n', encoding="utf-8")
        return "sources must be an array of tables"
    path.write_text('sources = ["https://www.ohchr.org/en/hr-bodies/hrc"]\n', encoding="utf-8")
    return "sources[0]: expected a table"


def assert_refused(answer_stderr: str, returncode: int, path: Path, mentions: str) -> None:
    assert returncode == 2, answer_stderr[-2000:]
    lines = answer_stderr.splitlines()
    assert len(lines) == 1, answer_stderr[-2000:]
    (line,) = lines
    assert line.startswith(f"config error: {path}: ") and mentions in line, line[:300]
    assert len(line) <= MAX_LINE, f"a {len(line)}-character error line: {line[:200]}..."


@pytest.mark.parametrize(
    "case",
    [
        "binary-garbage",
        "truncated-toml",
        "huge-garbage-file",
        "huge-value",
        "sources-is-a-string",
        "sources-are-strings",
    ],
)
def test_a_corrupt_config_is_one_readable_line_and_status_2(case: str, tmp_path: Path) -> None:
    """`poll` stops before touching the network or the store, with one short line naming the problem."""
    path = tmp_path / "config.toml"
    mentions = corrupt(case, path)
    answer = bot("poll", "--config", str(path), timeout=60)
    assert_refused(answer.stderr, answer.returncode, path, mentions)
    assert not (tmp_path / "store.sqlite3").exists()


@pytest.mark.parametrize("case", ["binary-garbage", "sources-is-a-string"])
def test_the_daemon_refuses_a_corrupt_config_at_once(case: str, tmp_path: Path) -> None:
    """`run` exits with status 2 instead of starting (or hanging) on a config it cannot read."""
    path = tmp_path / "config.toml"
    mentions = corrupt(case, path)
    answer = bot("run", "--config", str(path), timeout=30)
    assert_refused(answer.stderr, answer.returncode, path, mentions)
