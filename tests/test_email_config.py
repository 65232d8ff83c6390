"""[email] validation (one line naming file and key) and `python -m bot test-notify email` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.config import load_config
from bot.typed_config import ConfigError
from tests.smtp_fixtures import (
    PASSWORD,
    USERNAME,
    SmtpServer,
    free_port,
)
from tests.spine_support import drafts, listing_html
from tests.spine_support import write_config as spine_config

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_ENV = "HRCWATCH_TEST_SMTP_PASSWORD"


def email_section(port: int, ca_file: str, **overrides: str) -> str:
    keys = {
        "enabled": "true",
        "host": '"127.0.0.1"',
        "port": str(port),
        "security": '"starttls"',
        "username": f'"{USERNAME}"',
        "password_env": f'"{PASSWORD_ENV}"',
        "sender": '"HRC Watch <digest@hrcwatch.test>"',
        "recipients": '["alice@example.org", "bob@example.org"]',
        "digest_at": '"08:00"',
        "timezone": '"Europe/Zurich"',
        "ca_file": f'"{ca_file}"',
        "timeout": '"3s"',
    }
    keys.update(overrides)
    return "[email]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())


def write_config(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\npath = "{tmp_path / "store.sqlite3"}"\n\n[schedule]\ntimezone = "Europe/Zurich"\n\n'
        f"[console]\nenabled = false\n\n{section}",
        encoding="utf-8",
    )
    return path


def config_error(tmp_path: Path, **overrides: str) -> str:
    path = write_config(tmp_path, email_section(25, overrides.pop("ca_file", ""), **overrides))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and "[email]" in message and "\n" not in message
    return message


def test_valid_section_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    config = load_config(write_config(tmp_path, email_section(587, "")))
    email = config.notifiers["email"]
    assert "email" in config.channels and email.recipients == ("alice@example.org", "bob@example.org")


def test_bad_values_name_their_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    assert f"password_env: environment variable {PASSWORD_ENV} is not set" in config_error(tmp_path)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert "digest_at" in config_error(tmp_path, digest_at='"8am"')
    assert "digest_at" in config_error(tmp_path, digest_at='"24:00"')
    assert "security" in config_error(tmp_path, security='"tls"')
    assert "password in clear" in config_error(tmp_path, security='"none"', host='"smtp.example.org"')
    assert "timezone" in config_error(tmp_path, timezone='"Europe/Geneva"')
    assert "recipients" in config_error(tmp_path, recipients='["alice@example.org", "not an address"]')
    assert "recipients" in config_error(tmp_path, recipients="[]")
    assert "sender" in config_error(tmp_path, sender='"digest@x.test\\r\\nBcc: victim@evil.test"')
    assert "action_days" in config_error(tmp_path, action_days='["31 March"]')
    assert "ca_file" in config_error(tmp_path, ca_file="/nonexistent/ca.pem")
    assert "unsubscribe" in config_error(tmp_path, unsubscribe='"javascript:alert(1)"')


def test_disabled_section_needs_no_server(tmp_path: Path):
    config = load_config(write_config(tmp_path, "[email]\nenabled = false\n"))
    assert "email" not in config.channels


def bot(config: Path, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, PASSWORD_ENV: password, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "test-notify", "email", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_test_notify_sends_to_every_recipient(tmp_path: Path, smtp_server: SmtpServer):
    result = bot(write_config(tmp_path, email_section(smtp_server.port, smtp_server.ca_file)))
    assert result.returncode == 0, result.stderr
    assert "accepted" in result.stdout and "bob@example.org" in result.stdout
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["alice@example.org"], ["bob@example.org"]]
    assert smtp_server.handler.received[0].message["Subject"] == "HRC Watch: test message"


def test_test_notify_says_plainly_what_failed(tmp_path: Path, smtp_server: SmtpServer):
    section = email_section(smtp_server.port, smtp_server.ca_file)
    wrong = bot(write_config(tmp_path, section), password="wrong-password")
    assert wrong.returncode == 1 and "email: FAILED" in wrong.stderr
    assert "authentication refused" in wrong.stderr and "wrong-password" not in wrong.stderr

    untrusted = bot(write_config(tmp_path, email_section(smtp_server.port, "")))
    assert untrusted.returncode == 1 and "TLS failure" in untrusted.stderr

    down = bot(write_config(tmp_path, email_section(free_port(), smtp_server.ca_file)))
    assert down.returncode == 1 and "connection refused" in down.stderr

    smtp_server.handler.fail("rcpt", "550 5.1.1 No such user", recipient="bob@example.org")
    refused = bot(write_config(tmp_path, section))
    assert refused.returncode == 1 and "bob@example.org" in refused.stderr and "550" in refused.stderr


def test_poll_sends_the_digest_through_the_daemon(
    tmp_path: Path, smtp_server: SmtpServer, httpserver: HTTPServer
):
    """`python -m bot poll` with [email] enabled: the poller's events reach aiosmtpd as one digest."""
    httpserver.expect_request("/drafts").respond_with_data(listing_html(drafts(3)), content_type="text/html")
    email = email_section(smtp_server.port, smtp_server.ca_file)
    config = spine_config(tmp_path, httpserver.url_for("/drafts"), extra=email, announce_existing=True)
    env = {**os.environ, PASSWORD_ENV: PASSWORD}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--config", str(config)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    received = smtp_server.handler.received
    assert [r.rcpt_tos for r in received] == [["alice@example.org"], ["bob@example.org"]]
    text = received[0].message.get_body(("plain",))
    assert text is not None and all(f"A/HRC/61/L.{n}" in text.get_content() for n in (1, 2, 3))
    assert "3 new drafts" in received[0].message["Subject"]
