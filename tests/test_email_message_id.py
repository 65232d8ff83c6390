"""Each digest has its own Message-ID (issue 11, item 9), kept across its retries, against a real SMTP
server: a retry after a refusal, in a new notifier on the same store, carries the same id; another
digest, or the same events in a new store that reuses the outbox row ids, never does."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.email_support import ALICE, BOB, MORNING, add_notices, draft, drain, geneva, make_notifier
from tests.smtp_fixtures import SmtpServer

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
_ID = re.compile(r"^<(d[0-9a-f]{20})\.([0-9a-f]{10})@hrcwatch\.test>$")


def digest_of(message_id: str) -> str:
    """The digest part of a recipient's Message-ID (the rest tags the recipient)."""
    match = _ID.match(message_id.strip())
    assert match, message_id
    return match.group(1)


async def test_a_retried_digest_keeps_its_message_id(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_notifier(tmp_path, smtp_server, monkeypatch, recipients=(ALICE, BOB))
    add_notices(first.runtime.store, [draft(1, "The right to food")])
    smtp_server.handler.fail("rcpt", "451 4.2.1 Mailbox busy", recipient=BOB)
    assert "451" in (await drain(first, MORNING)).error
    first.runtime.store.close()

    again = make_notifier(tmp_path, smtp_server, monkeypatch, recipients=(ALICE, BOB))  # a restarted bot
    assert (await drain(again, MORNING + timedelta(minutes=10))).sent == 1
    [alice], [bob] = smtp_server.handler.messages_to(ALICE), smtp_server.handler.messages_to(BOB)
    assert digest_of(alice["Message-ID"]) == digest_of(bob["Message-ID"]) == bob["X-HRCWatch-Digest"]
    assert alice["Message-ID"] != bob["Message-ID"], "each recipient's copy is its own message"


async def test_a_new_digest_never_reuses_a_message_id(
    tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two stores with the same events (outbox rows 1 and 2 in both), then a second digest in one."""
    ids = []
    for name in ("old-store", "new-store"):
        (tmp_path / name).mkdir()
        notifier = make_notifier(tmp_path / name, smtp_server, monkeypatch)
        add_notices(notifier.runtime.store, [draft(1, "The right to food"), draft(2, "Rights of the child")])
        assert (await drain(notifier, MORNING)).sent == 2
        ids.append(smtp_server.handler.messages_to(ALICE)[-1]["Message-ID"])
    add_notices(notifier.runtime.store, [draft(3, "Safety of journalists")])
    assert (await drain(notifier, geneva(2, 8, 0))).sent == 1
    ids.append(smtp_server.handler.messages_to(ALICE)[-1]["Message-ID"])
    assert len({digest_of(i) for i in ids}) == 3, ids
