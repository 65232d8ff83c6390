"""Fixtures shared by several test modules: a TLS certificate for the session and a local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.smtp_fixtures import SmtpServer, TlsFiles, running, session_certificate


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return session_certificate(tmp_path_factory)


@pytest.fixture
def smtp_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """aiosmtpd with STARTTLS and AUTH on a free local port."""
    with running(tls_files, "starttls") as server:
        yield server
