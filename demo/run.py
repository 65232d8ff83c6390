"""`make demo`: the bot watches a replayed end of session 61 on this machine, then shows what it said.

A local server replays the timeline of tests/scenario/timeline.py (drafts tabled, revised, reported by
the press, adopted, a recorded vote with its roll-call, a meeting going live) while `python -m bot run`
polls it and posts to a local fake Telegram server and the console. At the end one `python -m bot poll`
with the digest due sends the email digest to a local SMTP server. The posts and the digest are written to
var/demo/index.html. No network, no token: everything listens on 127.0.0.1 and the token is a dummy.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.page import Post, render_page  # noqa: E402 (after the path is set)
from tests.fake_telegram import (  # noqa: E402
    TOKEN,
    FakeTelegram,
    parse_html,
)
from tests.scenario.harness import (  # noqa: E402
    CHANNEL,
    TOKEN_ENV,
    SoakOptions,
    polled_since,
    write_config,
)
from tests.scenario.peers import SmtpThread, TelegramThread  # noqa: E402
from tests.scenario.server import ScenarioServer  # noqa: E402
from tests.scenario.timeline import timeline  # noqa: E402

OUT = ROOT / "var" / "demo"
MIN_DWELL = 4.0  # seconds each moment of the session stays on screen at least


def _echo(stream: object) -> None:
    """Prints the bot's console alerts as they arrive."""
    for raw in stream:  # type: ignore[attr-defined]
        line = raw.decode("utf-8", "replace").rstrip("\n")
        print(f"    | {line}" if line else "", flush=True)


def _bot(config: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONUNBUFFERED": "1", "PTB_TIMEDELTA": "true"}
    log = (OUT / "bot.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args, "--config", str(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
    )


def _digest_html(smtp: SmtpThread) -> str:
    """The HTML part of the last digest, its inline charts turned into data URIs."""
    if not smtp.handler.received:
        return "<p>No digest was received.</p>"
    message = message_from_bytes(smtp.handler.received[-1].content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("html",))
    page = body.get_content() if body is not None else ""
    for part in message.walk():
        cid = (part.get("Content-ID") or "").strip("<>")
        if cid and part.get_content_type().startswith("image/"):
            data = base64.b64encode(part.get_payload(decode=True)).decode("ascii")
            page = page.replace(f"cid:{cid}", f"data:{part.get_content_type()};base64,{data}")
    return page


def channel_posts(fake: FakeTelegram) -> list[Post]:
    """The channel as a reader sees it at the end: each message with its last accepted edit."""
    latest = {e.edited: e for e in fake.edits(CHANNEL)}
    posts = []
    for r in fake.sent(CHANNEL):
        edit = latest.get(r.message_id)
        text = (edit.params.get("caption") or edit.params.get("text") or "") if edit else r.text
        posts.append(Post(r.message_id or 0, text, r.files.get("photo"), r.reply_to, edit is not None))
    return posts


def tally(steps: list, posts: list[Post], edits: int) -> list[str]:
    """What the demo played and what the channel made of it, as the closing lines say."""
    happenings = sum(len(step.expect) for step in steps)
    first = [p for p in posts if not parse_html(p.text).startswith("(continued)")]
    replies = [p for p in first if p.reply_to]
    return [
        f"{happenings} happenings played (and {sum(len(s.confirms) for s in steps)} confirmation)",
        f"{len(first)} Telegram posts ({len(first) - len(replies)} thread starts, {len(replies)} replies), "
        f"{edits} edits, {len(posts) - len(first)} continuation messages",
        f"posts per happening = {len(first) / max(happenings, 1):.2f}",
    ]


def main() -> int:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    steps = timeline(1)
    server = ScenarioServer(steps).start()
    options = SoakOptions(workdir=OUT, email=True, read_timeout=5.0)
    started = time.monotonic()
    with TelegramThread() as telegram, SmtpThread() as smtp:
        config = OUT / "config.toml"
        write_config(config, server, options, telegram.fake.base_url, smtp.port)
        text = config.read_text(encoding="utf-8").replace(f'path = "{OUT / "alerts.txt"}"', 'path = ""')
        config.write_text(text, encoding="utf-8")
        print(f"HRC Watch demo: a replayed end of session 61 at {server.base_url}, Telegram at")
        print(f"{telegram.fake.base_url}, SMTP at 127.0.0.1:{smtp.port}; config {config.relative_to(ROOT)}")
        bot = _bot(config, "run")
        echo = threading.Thread(target=_echo, args=(bot.stdout,), daemon=True)
        echo.start()
        waiting = list(steps[0].pages)
        print(f"\n== {steps[0].label}")
        step_at = time.monotonic()
        while True:
            store = OUT / "store.sqlite3"
            waiting = [n for n in waiting if not polled_since(store, n, server.changed_at(n))]
            if not waiting and time.monotonic() - step_at >= MIN_DWELL:
                if server.index == len(steps) - 1:
                    break
                waiting = server.advance()
                step_at = time.monotonic()
                print(f"\n== {server.step.label}", flush=True)
            if bot.poll() is not None:
                print(f"the bot exited with status {bot.returncode}; see var/demo/bot.log")
                return 1
            time.sleep(0.2)
        time.sleep(3)  # the last alerts go out
        bot.send_signal(signal.SIGTERM)
        bot.wait(30)
        echo.join(5)
        print("\n== the digest is due: one `python -m bot poll` sends it")
        write_config(config, server, options, telegram.fake.base_url, smtp.port, digest_now=True)
        quiet = config.read_text(encoding="utf-8").replace(
            "[console]\nenabled = true", "[console]\nenabled = false"
        )
        config.write_text(quiet, encoding="utf-8")
        poll = _bot(config, "poll")
        poll.communicate(timeout=120)
        posts = channel_posts(telegram.fake)
        edits = len(telegram.fake.edits(CHANNEL))
        digest = _digest_html(smtp)
        mails = len(smtp.handler.received)
    server.stop()
    note = (
        f"A replayed end of session 61, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: what the bot posted to a "
        f"(local, fake) Telegram channel and the email digest it sent ({mails} message(s)). "
        "Every page was served from 127.0.0.1; nothing left this machine."
    )
    (OUT / "digest.html").write_text(digest, encoding="utf-8")
    (OUT / "index.html").write_text(render_page(posts, "digest.html", note), encoding="utf-8")
    print()
    for line in tally(steps, posts, edits):
        print(line)
    page = (OUT / "index.html").relative_to(ROOT)
    print(f"{mails} digest(s) in {time.monotonic() - started:.0f} s. Open {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
