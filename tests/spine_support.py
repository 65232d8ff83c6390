"""Shared helpers for the spine tests: a config for a local listing, the listing page, the console alerts.

The listing page is SYNTHETIC: a table of draft symbols linked to documents.un.org with their titles,
laid out like the draft listings described in docs/SOURCES.md §1-2.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def listing_html(docs: list[tuple[str, str]]) -> str:
    rows = "\n".join(
        f'<tr><td><a href="https://documents.un.org/api/symbol/access?s={html.escape(s)}&amp;l=en&amp;t=pdf">'
        f"{html.escape(s)}</a></td><td>{html.escape(t)}</td></tr>"
        for s, t in docs
    )
    return (
        "<!DOCTYPE html><!-- SYNTHETIC listing of draft resolutions (see tests/spine_support.py) -->"
        "<html><head><title>Draft resolutions, 61st session</title></head><body>"
        f"<h1>Draft resolutions</h1><table><tr><th>Symbol</th><th>Title</th></tr>{rows}</table></body></html>"
    )


def drafts(n: int, session: int = 61) -> list[tuple[str, str]]:
    titles = [
        "Situation of human rights in Belarus",
        "Promoting mutually beneficial cooperation in the field of human rights",
        "The right to food",
        "Freedom of opinion and expression",
        "Human rights and climate change",
        "Situation of human rights in the Democratic People's Republic of Korea",
        "The question of the death penalty",
        "Rights of the child",
        "Situation of human rights in Myanmar",
        "Human rights defenders",
        "Safety of journalists",
        "Promotion and protection of human rights in Nicaragua",
    ]
    return [(f"A/HRC/{session}/L.{i + 1}", titles[i % len(titles)]) for i in range(n)]


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str
    options: str = ""  # extra TOML lines of the [[sources]] table


def write_sources(
    tmp_path: Path,
    sources: list[Source],
    *,
    every: str = "15m",
    extra: str = "",
    read_timeout: str = "1s",
    connect_timeout: str = "2s",
    announce_existing: bool = False,
    schedule: str = "",
    console: bool = True,
) -> Path:
    """A config polling `sources` in order, alerts appended to tmp_path/alerts.txt by the console.

    `schedule`: more lines of the [schedule] table; `extra`: more tables."""
    tables = "\n".join(
        f'[[sources]]\nname = "{s.name}"\nkind = "{s.kind}"\nurl = "{s.url}"\nevery = "{every}"\n'
        f"announce_existing = {str(announce_existing).lower()}\n{s.options}\n"
        for s in sources
    )
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[store]
path = "{tmp_path / "store.sqlite3"}"

[http]
user_agent = "HRCWatch-test/0.1"
contact = "tests@example.org"
connect_timeout = "{connect_timeout}"
read_timeout = "{read_timeout}"
min_host_gap = "0s"

[schedule]
timezone = "Europe/Zurich"
{schedule}

[console]
enabled = {str(console).lower()}
path = "{tmp_path / "alerts.txt"}"

{extra}
{tables}
""",
        encoding="utf-8",
    )
    return config


def write_config(tmp_path: Path, url: str, extra: str = "", announce_existing: bool = False) -> Path:
    """One `symbols` source named "drafts" at `url`."""
    return write_sources(
        tmp_path, [Source("drafts", "symbols", url)], extra=extra, announce_existing=announce_existing
    )


@dataclass(frozen=True)
class Alert:
    event_id: int
    type: str
    source: str
    text: str


_STORE_ONLY = """
[store]
path = "{path}"

[console]
enabled = false

[[sources]]
name = "drafts"
kind = "symbols"
url = "http://127.0.0.1:9/drafts"
every = "15m"
"""


def store_config(directory: Path, store_path: str | Path) -> Path:
    """A config whose store is at `store_path` (as written: relative paths stay relative) and whose one
    source is never reached: for tests of opening the store, not of polling."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "config.toml"
    config.write_text(_STORE_ONLY.format(path=store_path), encoding="utf-8")
    return config


def start_bot(
    config: Path, stderr: IO[bytes] | int | None = subprocess.DEVNULL, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`python -m bot run --config CONFIG` as a process of its own, from the repository root."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        env=env,
    )


def status_json(config: Path) -> dict[str, dict[str, Any]]:
    """`status --json` by source name, run in-process (the same command, without a second interpreter).

    The CLI sets SIGPIPE to its default for piped output; in this process that would let the test server's
    write to a socket the bot hung up on kill pytest, so the handler is put back.
    """
    out = io.StringIO()
    sigpipe = signal.getsignal(signal.SIGPIPE)
    try:
        with contextlib.redirect_stdout(out):
            assert main(["status", "--config", str(config), "--json"]) == 0
    finally:
        signal.signal(signal.SIGPIPE, sigpipe)
    return {s["name"]: s for s in json.loads(out.getvalue())["sources"]}


def alerts(tmp_path: Path) -> list[Alert]:
    """Parses the console notifier's file: blocks separated by a blank line, a header line each."""
    path = tmp_path / "alerts.txt"
    if not path.exists():
        return []
    found = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if not block.strip():
            continue
        header, _, text = block.strip().partition("\n")
        _, _, rest = header.partition("] #")
        event_id, event_type, source = rest.split(" ", 2)
        found.append(Alert(int(event_id), event_type, source.strip("()"), text))
    return found


def bot(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Runs `python -m bot ...` as a real process, as an operator would."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
