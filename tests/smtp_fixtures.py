"""A real local SMTP server for tests: aiosmtpd with STARTTLS or implicit TLS, AUTH, and scripted faults.

The TLS certificate is self-signed, made at test time with the `openssl` CLI (the `cryptography`
package is not a dependency), with subjectAltName for both localhost and 127.0.0.1; clients trust it
through `ca_file`, so certificate verification stays on. Faults are scripted per stage and consumed in
order: a reply ("451 ...", "535 ..."), a dropped connection, or a delay longer than the client's timeout.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "hrcwatch"
PASSWORD = "s3cret-Pa55"
Stage = Literal["auth", "rcpt", "data"]
Security = Literal["starttls", "ssl", "none"]


@dataclass
class Fault:
    stage: Stage
    reply: str = ""
    drop: bool = False
    delay: float = 0.0
    recipient: str = ""
    times: int = 1


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class FaultyHandler:
    """Accepts mail into `received` unless a scripted fault says otherwise."""

    received: list[Received] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    auth_attempts: int = 0

    def fail(self, stage: Stage, reply: str = "", **kwargs: Any) -> None:
        self.faults.append(Fault(stage, reply, **kwargs))

    def _take(self, stage: Stage, recipient: str = "") -> Fault | None:
        for fault in self.faults:
            if fault.stage == stage and (not fault.recipient or fault.recipient == recipient):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    @staticmethod
    async def _apply(server: SMTP, fault: Fault) -> str | None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop:
            assert server.transport is not None
            server.transport.abort()
            return "421 4.3.0 closing"
        return fault.reply or None

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        fault = self._take("rcpt", address)
        if fault is not None:
            reply = await self._apply(server, fault)
            if reply:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self._take("data")
        if fault is not None:
            reply = await self._apply(server, fault)
            if reply:
                return reply
        content = envelope.original_content or envelope.content or b""
        assert isinstance(content, bytes)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), content))
        return "250 2.0.0 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        """Checks the test credentials; a refusal must be handled=False or aiosmtpd never answers."""
        self.auth_attempts += 1
        fault = self._take("auth")
        if fault is not None:
            if fault.drop:
                assert server.transport is not None
                server.transport.abort()
            return AuthResult(success=False, handled=False)
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USERNAME.encode()
            and auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(directory: Path, names: str = "DNS:localhost,IP:127.0.0.1") -> TlsFiles:
    """A self-signed certificate for `names` (a subjectAltName value), valid for two days."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", f"subjectAltName={names}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return TlsFiles(cert, key)


def free_port() -> int:
    """aiosmtpd's Controller cannot take port 0: pick a free one first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SmtpServer:
    handler: FaultyHandler
    port: int
    security: Security
    ca_file: str


def session_certificate(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """For a session-scoped fixture in each test module (fixtures are not imported across modules)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl CLI is needed to make a test certificate")
    return make_certificate(tmp_path_factory.mktemp("tls"))


def start_server(tls: TlsFiles, security: Security) -> tuple[Controller, SmtpServer]:
    """starttls: TLS then AUTH required; ssl: implicit TLS, AUTH required; none: no TLS, AUTH optional."""
    handler = FaultyHandler()
    port = free_port()
    kwargs: dict[str, Any] = {"authenticator": handler.authenticate, "auth_required": security != "none"}
    if security == "starttls":
        kwargs.update(tls_context=tls.server_context(), require_starttls=True, auth_require_tls=True)
    elif security == "ssl":
        kwargs.update(ssl_context=tls.server_context(), auth_require_tls=False)
    else:
        kwargs.update(auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs)
    controller.start()
    return controller, SmtpServer(handler, port, security, str(tls.cert))


@contextmanager
def running(tls: TlsFiles, security: Security) -> Iterator[SmtpServer]:
    controller, server = start_server(tls, security)
    try:
        yield server
    finally:
        controller.stop()
