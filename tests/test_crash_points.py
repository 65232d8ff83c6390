"""A crash at each commit point of the bot (bot/failpoints.py), with real processes and peers: after the
restart every alert is delivered once.

- after the fetch: the pages were read, nothing recorded (the page cache is written with the snapshot,
  so the validators of the unannounced page were never kept);
- after apply: the snapshot, its notices and its cache committed, nothing sent;
- after a confirmed send, before its ack: Telegram accepted the post (its message id recorded);
- during a digest: one recipient accepted it, the other not yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot import failpoints
from tests.fake_telegram import TOKEN, parse_html
from tests.scenario.peers import SmtpThread, TelegramThread
from tests.spine_support import ROOT, alerts, drafts, listing_html, write_config

CHANNEL = "-1001234567890"


def poll(config: Path, failpoint: str = "") -> int:
    env = {**os.environ, "HRCWATCH_FAILPOINT": failpoint, "HRCWATCH_TEST_TELEGRAM_TOKEN": TOKEN}
    run = subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        env=env,
        timeout=60,
    )
    return run.returncode


class Listing:
    """A listing whose ETag follows its content, as a server with validators would."""

    def __init__(self, httpserver: HTTPServer, count: int) -> None:
        self.count = count
        httpserver.expect_request("/drafts").respond_with_handler(self.answer)

    def answer(self, request: Request) -> Response:
        etag = f'"v{self.count}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304)
        return Response(listing_html(drafts(self.count)), content_type="text/html", headers={"ETag": etag})


def telegram_config(tmp_path: Path, httpserver: HTTPServer, base_url: str, console: bool = True) -> Path:
    extra = (
        f'[telegram]\nenabled = true\ntoken_env = "HRCWATCH_TEST_TELEGRAM_TOKEN"\nchannel = "{CHANNEL}"\n'
        f'api_base = "{base_url}"\ncommands = false\nburst_threshold = 0\ntimeout = "5s"\n'
    )
    config = write_config(tmp_path, httpserver.url_for("/drafts"), extra=extra)
    if not console:
        config.write_text(
            config.read_text().replace("[console]\nenabled = true", "[console]\nenabled = false")
        )
    return config


def posts(telegram: TelegramThread) -> list[str]:
    return [parse_html(r.text).split("\n")[0] for r in telegram.sent(CHANNEL)]


NEW = ["New draft A/HRC/61/L.4", "New draft A/HRC/61/L.5"]


@pytest.mark.parametrize("point", [failpoints.AFTER_FETCH, failpoints.AFTER_APPLY])
def test_a_crash_after_the_fetch_or_after_apply_loses_and_repeats_nothing(
    point: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    listing = Listing(httpserver, 3)
    with TelegramThread() as telegram:
        config = telegram_config(tmp_path, httpserver, telegram.fake.base_url)
        assert poll(config) == 0  # the baseline
        listing.count = 5
        assert poll(config, point) == -9, "killed at the point"
        assert poll(config) == 0
        assert poll(config) == 0
        assert posts(telegram) == NEW
    assert [a.text.split("\n")[0] for a in alerts(tmp_path)] == NEW


def test_a_crash_between_a_confirmed_send_and_its_ack_does_not_post_twice(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    listing = Listing(httpserver, 3)
    with TelegramThread() as telegram:
        config = telegram_config(tmp_path, httpserver, telegram.fake.base_url, console=False)
        assert poll(config) == 0
        listing.count = 5
        assert poll(config, failpoints.BEFORE_ACK) == -9
        assert posts(telegram) == NEW[:1], "Telegram has the first post; its ack was never written"
        assert poll(config) == 0
        assert posts(telegram) == NEW, "the first is not posted again, the second is posted"


def test_a_crash_during_a_digest_sends_it_to_each_recipient_once(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    listing = Listing(httpserver, 3)
    with SmtpThread() as smtp:

        def config_at(digest_at: str) -> Path:
            email = (
                f'[email]\nenabled = true\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
                'sender = "HRC Watch <bot@example.org>"\n'
                'recipients = ["first@example.org", "second@example.org"]\n'
                f'digest_at = "{digest_at}"\ntimezone = "UTC"\n'
            )
            config = write_config(tmp_path, httpserver.url_for("/drafts"), extra=email)
            text = config.read_text().replace("[console]\nenabled = true", "[console]\nenabled = false")
            config.write_text(text)
            return config

        now = datetime.now(UTC)
        assert poll(config_at(f"{(now.hour + 12) % 24:02d}:{now.minute:02d}")) == 0  # baseline, no digest
        listing.count = 5
        config = config_at(f"{now:%H:%M}")  # the digest is due
        assert poll(config, failpoints.DURING_DIGEST) == -9
        sent = [r.rcpt_tos for r in smtp.handler.received]
        assert poll(config) == 0
        got = [r.rcpt_tos for r in smtp.handler.received]
    assert sent == [["first@example.org"]], "the first recipient had it when the process died"
    assert got == [["first@example.org"], ["second@example.org"]], "each recipient once"
