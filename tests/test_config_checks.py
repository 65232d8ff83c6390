"""A careless config (issue 11, items 8 and 10): checked at load by a real `python -m bot` process, one line
naming the file and the key, exit status 2, and a pasted secret never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.spine_support import bot

SOURCE = """
[[sources]]
name = "drafts"
kind = "symbols"
url = "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session61/res-dec-stat"
every = "15m"
"""
# SYNTHETIC secrets in the shapes operators paste: a BotFather token and an SMTP password.
TOKEN = "7712345678:AAHkq3ZrXw-Yt9bLmN2pQ5sVuW8xC1dE4fG"
PASSWORDS = ("correct horse battery staple", "Hunter2isMyPassword", "s3cr3t!@#pass")

TELEGRAM = """
[telegram]
enabled = true
token_env = {token_env}
channel = "-1001234567890"
"""
EMAIL = """
[email]
enabled = true
host = "smtp.example.org"
username = "hrcwatch@example.org"
password_env = {password_env}
sender = "HRC Watch <hrcwatch@example.org>"
recipients = ["team@example.org"]
"""


def refused(tmp_path: Path, text: str, command: str = "poll") -> str:
    """The one error line of `command` on this config (exit status 2 and nothing else on stderr)."""
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    answer = bot(command, "--config", str(config))
    assert answer.returncode == 2, answer.stderr[-2000:]
    (line,) = answer.stderr.splitlines()
    assert line.startswith(f"config error: {config}: "), line
    return line


@pytest.mark.parametrize("secret", [TOKEN, "Bearer " + TOKEN], ids=["token", "token-with-prefix"])
def test_a_token_pasted_into_token_env_is_not_echoed(secret: str, tmp_path: Path) -> None:
    line = refused(tmp_path, SOURCE + TELEGRAM.format(token_env=f'"{secret}"'))
    assert "[telegram]: token_env: looks like a secret, not an environment variable name" in line
    assert TOKEN not in line and TOKEN[:10] not in line


@pytest.mark.parametrize("secret", PASSWORDS)
def test_a_password_pasted_into_password_env_is_not_echoed(secret: str, tmp_path: Path) -> None:
    line = refused(tmp_path, SOURCE + EMAIL.format(password_env=f'"{secret}"'))
    assert "[email]: password_env: looks like a secret, not an environment variable name" in line
    assert secret not in line and secret.split()[0] not in line


def test_a_secret_of_the_wrong_type_in_an_env_key_is_not_echoed(tmp_path: Path) -> None:
    line = refused(tmp_path, SOURCE + TELEGRAM.format(token_env="7712345678"))
    assert "token_env: expected the name of an environment variable (the value is not shown)" in line
    assert "7712345678" not in line


def test_an_unset_variable_with_a_proper_name_is_named(tmp_path: Path) -> None:
    line = refused(tmp_path, SOURCE + TELEGRAM.format(token_env='"HRCWATCH_NO_SUCH_TOKEN"'))
    assert "environment variable HRCWATCH_NO_SUCH_TOKEN is not set" in line


@pytest.mark.parametrize(
    ("section", "says"),
    [
        ('[http]\nread_timeout = "0s"\n', "[http]: read_timeout must be more than 0s"),
        ('[http]\nconnect_timeout = "0m"\n', "[http]: connect_timeout must be more than 0s"),
        ('[telegram]\ntimeout = "0s"\n', "[telegram]: timeout must be more than 0s"),
        ('[email]\ntimeout = "0s"\n', "[email]: timeout: expected between 1s and 10m"),
        ('[schedule]\ndeliver_every = "0s"\n', "[schedule]: deliver_every must be more than 0s"),
        ('[health]\noutbox_max_age = "0s"\n', "[health]: outbox_max_age must be more than 0s"),
        ('[http]\nread_timeout = "-5s"\n', "[http].read_timeout: expected a duration"),
    ],
    ids=["read", "connect", "telegram", "email", "deliver_every", "outbox_max_age", "negative"],
)
def test_a_zero_or_negative_timeout_is_refused(section: str, says: str, tmp_path: Path) -> None:
    assert says in refused(tmp_path, section + SOURCE)


@pytest.mark.parametrize(
    ("kind", "url", "says"),
    [
        ("webtv_schedule", "https://webtv.un.org/en/schedule/2026-03-30", "must contain {date}"),
        ("symbol_probe", "https://documents.un.org/api/symbol/access?l=en&t=pdf", "must contain {symbol}"),
        (
            "ohchr_session",
            "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session{N}/res-dec-stat",
            "{N} is not filled in by kind ohchr_session",
        ),
        ("webtv_schedule", "https://webtv.un.org/en/schedule/{day}", "must contain {date}"),
    ],
    ids=["webtv-without-date", "probe-without-symbol", "session-number-left-out", "webtv-wrong-name"],
)
def test_a_url_template_must_have_its_placeholders(kind: str, url: str, says: str, tmp_path: Path) -> None:
    text = SOURCE.replace('"symbols"', f'"{kind}"').replace(
        "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session61/res-dec-stat", url
    )
    line = refused(tmp_path, text)
    assert "sources[0] (drafts).url: " in line and says in line


@pytest.mark.parametrize(
    ("text", "command"), [("", "run"), ("\n\n# nothing yet\n   \n", "status")], ids=["empty", "comments-only"]
)
def test_an_empty_config_file_is_an_error(text: str, command: str, tmp_path: Path) -> None:
    assert "empty: no sources and no settings" in refused(tmp_path, text, command)


def test_run_and_poll_need_a_source_status_does_not(tmp_path: Path) -> None:
    text = '[store]\npath = "store.sqlite3"\n' + SOURCE.replace(
        'every = "15m"', 'every = "15m"\nenabled = false'
    )
    for command in ("run", "poll"):
        assert "no sources: add a [[sources]] table, or enable one" in refused(tmp_path, text, command)
    assert bot("status", "--config", str(tmp_path / "config.toml")).returncode == 0


@pytest.mark.parametrize(
    ("every", "command"),
    [("99999999999d", "run"), ("366d", "poll"), ("1" * 400 + "s", "poll")],
    ids=["huge", "a-year-and-a-day", "400-digits"],
)
def test_a_duration_too_large_is_one_line(every: str, command: str, tmp_path: Path) -> None:
    line = refused(tmp_path, SOURCE.replace('"15m"', f'"{every}"'), command)
    assert "sources[0].every: " in line and "is too long: at most 365d" in line and len(line) < 400
