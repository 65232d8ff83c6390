"""bot.smtp_send against a real local aiosmtpd: TLS both ways, AUTH, and each failure named plainly."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.smtp_send import SmtpFailure, SmtpSession, SmtpSettings
from tests.smtp_fixtures import (
    PASSWORD,
    USERNAME,
    SmtpServer,
    TlsFiles,
    free_port,
    make_certificate,
    running,
    start_server,
)

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def smtps_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    with running(tls_files, "ssl") as server:
        yield server


def settings(server: SmtpServer, **overrides: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": server.security,
        "username": USERNAME,
        "password": PASSWORD,
        "timeout": 2.0,
        "ca_file": server.ca_file,
    }
    values.update(overrides)
    return SmtpSettings(**values)  # type: ignore[arg-type]


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "hello"
    msg["From"] = "digest@hrcwatch.test"
    msg["To"] = "alice@example.org"
    msg.set_content("body")
    return msg


async def send(config: SmtpSettings) -> None:
    async with SmtpSession(config) as smtp:
        await smtp.send(message(), "digest@hrcwatch.test", "alice@example.org")


async def failure(config: SmtpSettings) -> SmtpFailure:
    with pytest.raises(SmtpFailure) as caught:
        await send(config)
    assert PASSWORD not in str(caught.value)
    return caught.value


async def test_starttls_with_auth_delivers(smtp_server: SmtpServer):
    await send(settings(smtp_server))
    [received] = smtp_server.handler.received
    assert received.rcpt_tos == ["alice@example.org"]
    assert received.message["Subject"] == "hello"


async def test_implicit_tls_with_auth_delivers(smtps_server: SmtpServer):
    await send(settings(smtps_server))
    assert len(smtps_server.handler.received) == 1


async def test_also_verifies_by_host_name(smtp_server: SmtpServer):
    await send(settings(smtp_server, host="localhost"))
    assert len(smtp_server.handler.received) == 1


async def test_wrong_password_is_an_auth_failure(smtp_server: SmtpServer):
    fault = await failure(settings(smtp_server, password="not-the-password"))
    assert fault.kind == "auth"
    assert "authentication refused" in str(fault) and "535" in str(fault)


async def test_scripted_535_is_an_auth_failure(smtp_server: SmtpServer):
    # smtplib tries each offered mechanism (PLAIN, then LOGIN): refuse both.
    smtp_server.handler.fail("auth", times=2)
    fault = await failure(settings(smtp_server))
    assert fault.kind == "auth" and fault.code == 535
    assert smtp_server.handler.received == []


async def test_untrusted_certificate_is_a_tls_failure(smtp_server: SmtpServer, smtps_server: SmtpServer):
    for server in (smtp_server, smtps_server):
        fault = await failure(settings(server, ca_file=""))
        assert fault.kind == "tls"
        assert "certificate is not trusted" in str(fault)


async def test_certificate_for_another_host_is_a_tls_failure(tmp_path: Path):
    controller, server = start_server(make_certificate(tmp_path, "DNS:mail.other.test"), "starttls")
    try:
        fault = await failure(settings(server))
    finally:
        controller.stop()
    assert fault.kind == "tls" and "mismatch" in str(fault)


async def test_server_without_starttls_is_a_tls_failure(tls_files: TlsFiles):
    controller, server = start_server(tls_files, "none")
    try:
        fault = await failure(settings(server, security="starttls"))
    finally:
        controller.stop()
    assert fault.kind == "tls" and "does not offer STARTTLS" in str(fault)


async def test_temporary_and_permanent_recipient_refusals(smtp_server: SmtpServer):
    smtp_server.handler.fail("rcpt", "451 4.3.0 Mailbox busy, try later")
    smtp_server.handler.fail("rcpt", "550 5.1.1 No such user")
    first = await failure(settings(smtp_server))
    assert first.kind == "recipient" and first.code == 451 and not first.permanent
    assert "temporarily refused" in str(first) and "alice@example.org" in str(first)
    second = await failure(settings(smtp_server))
    assert second.kind == "recipient" and second.code == 550 and second.permanent


async def test_refused_message_is_a_data_failure(smtp_server: SmtpServer):
    smtp_server.handler.fail("data", "554 5.6.0 Message rejected")
    fault = await failure(settings(smtp_server))
    assert fault.kind == "data" and fault.code == 554


async def test_dropped_connection_is_named(smtp_server: SmtpServer):
    smtp_server.handler.fail("data", drop=True)
    fault = await failure(settings(smtp_server))
    assert fault.kind == "dropped" and "closed the connection" in str(fault)
    smtp_server.handler.fail("auth", drop=True)
    fault = await failure(settings(smtp_server))
    assert fault.kind == "dropped" and "during login" in str(fault)


async def test_silent_server_times_out(smtp_server: SmtpServer):
    smtp_server.handler.fail("data", delay=4)
    started = time.monotonic()
    fault = await failure(settings(smtp_server, timeout=1.0))
    assert fault.kind == "timeout" and "no answer within 1s" in str(fault)
    assert time.monotonic() - started < 3


async def test_nothing_listening_is_a_connect_failure():
    fault = await failure(SmtpSettings("127.0.0.1", free_port(), "starttls", timeout=2.0))
    assert fault.kind == "connect" and "connection refused" in str(fault)


def test_password_is_not_in_repr():
    assert PASSWORD not in repr(SmtpSettings("h", 25, "starttls", "u", PASSWORD))
