"""Issue 13, must-show 3: what a new text changes, told in the draft's thread and in the digest.

Real `python -m bot poll` processes; a local documents.un.org (tests/un_documents.py) serves the UN-layout
renderings of real words (SYNTHETIC files: see tests/fixtures/texts/make_un_layout.py) for A/HRC/43/L.13,
its Rev.1 and resolution 37/23; the fake Bot API and aiosmtpd are the channels. The seed's case: the
2020 draft on "Promoting mutually beneficial cooperation" is compared with resolution 37/23 of 2018, then
its revision with the draft, whose text the store has kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.fake_telegram import TOKEN, parse_html
from tests.scenario.peers import SmtpThread, TelegramThread
from tests.spine_support import bot, listing_html
from tests.un_documents import PATH, fixture, serve

CHANNEL = "-1001234567890"
TITLE = "Promoting mutually beneficial cooperation in the field of human rights"
L13, REV1 = "A/HRC/43/L.13", "A/HRC/43/L.13/Rev.1"


def _config(tmp_path: Path, httpserver: HTTPServer, telegram: str, smtp: int, digest_at: str) -> Path:
    texts = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[store]
path = "{tmp_path / "store.sqlite3"}"

[http]
min_host_gap = "0s"
read_timeout = "5s"

[console]
enabled = false

[telegram]
enabled = true
token_env = "HRCWATCH_TEST_TELEGRAM_TOKEN"
channel = "{CHANNEL}"
api_base = "{telegram}"
commands = false
burst_threshold = 0
timeout = "5s"

[email]
enabled = true
host = "127.0.0.1"
port = {smtp}
security = "none"
sender = "HRC Watch <bot@example.org>"
recipients = ["watcher@example.org"]
digest_at = "{digest_at}"
timezone = "UTC"

[texts]
url = "{texts}"

[[sources]]
name = "drafts"
kind = "symbols"
url = "{httpserver.url_for("/drafts")}"
every = "15m"
""",
        encoding="utf-8",
    )
    return path


def test_a_revision_and_a_new_draft_are_compared_in_the_drafts_thread(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HRCWATCH_TEST_TELEGRAM_TOKEN", TOKEN)
    listed: list[tuple[str, str]] = []
    httpserver.expect_request("/drafts").respond_with_handler(
        lambda request: Response(listing_html(listed), content_type="text/html")
    )
    asked = serve(
        httpserver,
        {
            (L13, "pdf"): fixture("un-layout-L13.pdf"),
            (REV1, "doc"): fixture("un-layout-L13-Rev1.docx"),
            ("A/HRC/RES/37/23", "pdf"): fixture("un-layout-RES-37-23.pdf"),
        },
        html_for=set(),
    )
    other = ("A/HRC/43/L.1", "The right to food")
    with TelegramThread() as telegram, SmtpThread() as smtp:
        later = (datetime.now(UTC) + timedelta(hours=12)).strftime("%H:%M")
        config = _config(tmp_path, httpserver, telegram.fake.base_url, smtp.port, later)

        def poll(docs: list[tuple[str, str]]) -> None:
            listed[:] = docs
            result = bot("poll", "--config", str(config))
            assert result.returncode == 0, result.stderr

        poll([other])  # the baseline
        poll([other, (L13, TITLE)])
        tabled, changes, page = telegram.sent(CHANNEL)
        assert parse_html(tabled.text).startswith(f"New draft {L13}\n{TITLE}")
        text = parse_html(changes.text)
        assert text.startswith("43/L.13 against RES/37/23: OP5 dropped, 7 preambular paragraphs reworded")
        assert "<s>" in changes.text or "<b>" in changes.text.split("\n", 1)[1], "words struck or bold"
        assert changes.reply_to == tabled.message_id, "in the draft's thread"
        assert page.method == "sendDocument" and page.reply_to == tabled.message_id
        assert page.files["document"].startswith(b"<!DOCTYPE html>"), "every change, as a page"

        poll([other, (L13, TITLE), (REV1, TITLE)])
        revised, rev_changes, *_ = telegram.sent(CHANNEL)[3:]
        assert parse_html(revised.text).startswith(f"{L13} revised: Rev.1")
        said = parse_html(rev_changes.text)
        assert said.startswith("Rev.1 against L.13: 6 preambular and 3 operative paragraphs dropped")
        assert {revised.reply_to, rev_changes.reply_to} == {tabled.message_id}
        assert asked.count(f"{L13} pdf") == 1, "the draft's text was kept, not fetched again"

        digest_now = datetime.now(UTC).strftime("%H:%M")
        config = _config(tmp_path, httpserver, telegram.fake.base_url, smtp.port, digest_now)
        poll([other, (L13, TITLE), (REV1, TITLE)])
        (received,) = smtp.handler.received
    message = message_from_bytes(received.content, policy=policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    digest = body.get_content()
    block = digest[digest.index(f"* {L13}: {TITLE}") :]
    order = [
        f"  - New draft {L13}",
        "  - 43/L.13 against RES/37/23",
        f"  - {L13} revised: Rev.1",
        "  - Rev.1 against L.13: 6 preambular and 3 operative paragraphs dropped",
    ]
    positions = [block.index(line) for line in order]
    assert positions == sorted(positions), "the story's happenings in order, under the draft"
