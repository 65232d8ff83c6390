"""Must-show 4 of the spine: a bad config gives one readable line naming the file and the key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spine_support import bot

GOOD_SOURCE = """
[[sources]]
name = "drafts"
kind = "symbols"
url = "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session61/res-dec-stat"
every = "15m"
"""

BAD = {
    "unknown key": ('[http]\nuser_agnet = "x"\n' + GOOD_SOURCE, "[http]: unknown key 'user_agnet'"),
    "wrong type": (
        GOOD_SOURCE.replace('every = "15m"', "every = 15"),
        "sources[0].every: expected a duration",
    ),
    "unknown kind": (
        GOOD_SOURCE.replace('"symbols"', '"rss"'),
        "sources[0].kind: unknown watcher kind 'rss'",
    ),
    "bad duration": (GOOD_SOURCE.replace('"15m"', '"fortnightly"'), "sources[0].every: expected a duration"),
    "missing url": (GOOD_SOURCE.replace('url = "', 'uri = "'), "sources[0]: missing required key 'url'"),
    "unknown section": ("[slack]\nenabled = true\n", "unknown section [slack]"),
    "bad timezone": ('[schedule]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
    "not toml": ("[store\npath = 1", "not valid TOML"),
    "bool as int": ("[schedule]\nremove_after = true\n", "[schedule].remove_after: expected int"),
    "duplicate source": (GOOD_SOURCE + GOOD_SOURCE, "two sources are named 'drafts'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_is_one_line_naming_file_and_key(case: str, tmp_path: Path):
    text, expected = BAD[case]
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    for command in (["status"], ["poll"]):
        result = bot(*command, "--config", str(config))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert str(config) in lines[0] and expected in lines[0]


def test_missing_config_file(tmp_path: Path):
    result = bot("run", "--config", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"config error: {tmp_path / 'nope.toml'}: no such file"


def test_shipped_config_is_valid():
    result = bot("status", "--config", "config.toml", "--json")
    assert result.returncode == 0, result.stderr
