"""Fixtures shared by several test modules (a TLS certificate for the session, a local SMTP server), and
the order tests are handed to the workers in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.smtp_fixtures import SmtpServer, TlsFiles, running, session_certificate

# The longest tests start first, so that with `-n` workers (make test) none of them starts last.
LONGEST_FIRST = ("tests/test_soak.py", "tests/test_hostile_daemon.py", "tests/test_daemon_faults.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return session_certificate(tmp_path_factory)


@pytest.fixture
def smtp_server(tls_files: TlsFiles) -> Iterator[SmtpServer]:
    """aiosmtpd with STARTTLS and AUTH on a free local port."""
    with running(tls_files, "starttls") as server:
        yield server
