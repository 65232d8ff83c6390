"""Sends email over SMTP without blocking the event loop, and says in plain words what went wrong.

smtplib is blocking, so every step runs in `asyncio.to_thread`; the socket timeout bounds each step
(connect, TLS handshake, each command), so a silent server cannot hang the daemon. TLS always verifies
the server's certificate against the system store, or against `ca_file` when one is configured (a
private CA, or a test's self-signed certificate): verification is never switched off.

Every failure becomes an `SmtpFailure` whose `kind` says which step failed (connect, tls, auth, sender,
recipient, data, timeout, dropped, protocol) and whose text an operator can act on. `permanent` marks a
5xx refusal of one recipient: sending the same message there again cannot succeed.
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Literal

Security = Literal["starttls", "ssl", "none"]
FailureKind = Literal[
    "connect", "tls", "auth", "sender", "recipient", "data", "timeout", "dropped", "protocol"
]
Stage = Literal["connect", "starttls", "login", "send"]


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    ca_file: str = ""

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


class SmtpFailure(Exception):
    """One failed step; str() is the operator's message (never includes the password)."""

    def __init__(self, kind: FailureKind, message: str, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.permanent = permanent


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """A verifying client context: hostname and chain checked, against `ca_file` if given."""
    return ssl.create_default_context(cafile=ca_file or None)


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}".strip()


def classify(exc: BaseException, stage: Stage, settings: SmtpSettings) -> SmtpFailure:
    """Turns whatever smtplib, ssl or the socket raised into one clear SmtpFailure."""
    where = settings.where
    if isinstance(exc, SmtpFailure):
        return exc
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc)
    ):
        return SmtpFailure("timeout", f"{where}: no answer within {settings.timeout:g}s (during {stage})")
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = exc.verify_message or exc.reason or str(exc)
        return SmtpFailure("tls", f"{where}: TLS failure: the server's certificate is not trusted ({detail})")
    if isinstance(exc, ssl.SSLError):
        return SmtpFailure("tls", f"{where}: TLS failure during {stage}: {exc.reason or exc}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpFailure(
            "auth",
            f"{where}: authentication refused for the configured username "
            f"({_reply(exc.smtp_code, exc.smtp_error)})",
            exc.smtp_code,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError) or (
        stage == "login" and type(exc) is smtplib.SMTPException
    ):
        what = "STARTTLS" if stage == "starttls" else "AUTH with a method smtplib supports"
        return SmtpFailure(
            "tls" if stage == "starttls" else "auth", f"{where}: the server does not offer {what}"
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{rcpt} ({_reply(code, msg)})" for rcpt, (code, msg) in exc.recipients.items()]
        codes = [code for code, _ in exc.recipients.values()]
        code = max(codes) if codes else None
        permanent = bool(codes) and all(c >= 500 for c in codes)
        label = "permanently" if permanent else "temporarily"
        return SmtpFailure(
            "recipient", f"{where}: recipient {label} refused: {', '.join(parts)}", code, permanent
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SmtpFailure(
            "sender",
            f"{where}: sender {exc.sender} refused ({_reply(exc.smtp_code, exc.smtp_error)})",
            exc.smtp_code,
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return SmtpFailure(
            "data", f"{where}: message refused ({_reply(exc.smtp_code, exc.smtp_error)})", exc.smtp_code
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        return SmtpFailure(
            "connect", f"{where}: the server refused the session ({_reply(exc.smtp_code, exc.smtp_error)})"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError | EOFError):
        return SmtpFailure("dropped", f"{where}: the server closed the connection during {stage}")
    if isinstance(exc, ConnectionRefusedError):
        return SmtpFailure("connect", f"cannot connect to {where}: connection refused")
    if isinstance(exc, socket.gaierror):
        return SmtpFailure("connect", f"cannot connect to {where}: unknown host ({exc.strerror or exc})")
    if isinstance(exc, smtplib.SMTPResponseException):
        return SmtpFailure(
            "protocol", f"{where}: unexpected reply during {stage} ({_reply(exc.smtp_code, exc.smtp_error)})"
        )
    if isinstance(exc, OSError):
        return SmtpFailure("connect", f"cannot reach {where}: {exc.strerror or exc}")
    return SmtpFailure("protocol", f"{where}: {type(exc).__name__} during {stage}: {exc}")


class SmtpSession:
    """One SMTP connection: connect (+ TLS + AUTH) on enter, any number of messages, QUIT on exit."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        stage: Stage = "connect"
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=tls_context(s.ca_file))
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                stage = "starttls"
                smtp.starttls(context=tls_context(s.ca_file))
                smtp.ehlo()
            if s.username:
                stage = "login"
                smtp.login(s.username, s.password)
        except Exception as exc:
            if smtp is not None:
                smtp.close()
            raise classify(exc, stage, s) from None
        return smtp

    def _send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        assert self._smtp is not None
        try:
            self._smtp.send_message(message, from_addr=sender, to_addrs=[recipient])
        except Exception as exc:
            raise classify(exc, "send", self.settings) from None

    def _close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None

    async def __aenter__(self) -> SmtpSession:
        self._smtp = await asyncio.to_thread(self._open)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None and self._smtp is not None:
            self._smtp.close()  # after a failure, no polite QUIT that could wait out another timeout
            self._smtp = None
            return
        await asyncio.to_thread(self._close)

    async def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Returns once the server accepted the message for `recipient`; raises SmtpFailure otherwise."""
        await asyncio.to_thread(self._send, message, sender, recipient)
