"""A bot config for the bench: the 50 local listings as `symbols` sources; console or Telegram alerts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

TELEGRAM_ENV_VAR = "HRCWATCH_BENCH_TELEGRAM_TOKEN"
TELEGRAM_CHANNEL = "-1001234567890"


def _channel(workdir: Path, telegram_api: str | None) -> str:
    if telegram_api is None:
        return f'[console]\nenabled = true\npath = "{workdir / "alerts.txt"}"\n'
    return (
        "[console]\nenabled = false\n\n"
        f'[telegram]\nenabled = true\ntoken_env = "{TELEGRAM_ENV_VAR}"\nchannel = "{TELEGRAM_CHANNEL}"\n'
        f'api_base = "{telegram_api}"\ncommands = false\n'
    )


def write_config(
    workdir: Path,
    urls: Sequence[str],
    *,
    every: str = "15m",
    telegram_api: str | None = None,
) -> Path:
    """min_host_gap 0s: all 50 pages are on 127.0.0.1, and the default 2 s gap would be most of a cycle.
    Text comparisons off: the kit's drafts have no texts (their links answer 404), and urlwatch reads
    none; with them on, each new draft would send the poll to documents.un.org for its PDF."""
    sources = "\n".join(
        f'[[sources]]\nname = "drafts{i:02d}"\nkind = "symbols"\nurl = "{url}"\nevery = "{every}"\n'
        for i, url in enumerate(urls)
    )
    config = workdir / "config.toml"
    config.write_text(
        f"""
[store]
path = "{workdir / "store.sqlite3"}"

[http]
user_agent = "HRCWatch-bench/0.1"
contact = "bench@example.org"
connect_timeout = "5s"
read_timeout = "10s"
min_host_gap = "0s"

[schedule]
timezone = "Europe/Zurich"
jitter = "0s"

[texts]
compare = false

{_channel(workdir, telegram_api)}
{sources}
""",
        encoding="utf-8",
    )
    return config
