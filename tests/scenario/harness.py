"""The soak: the bot as a real process against the scenario server, the fake Telegram server and aiosmtpd.

The timeline advances once the bot has committed a successful poll of every page that changed (read from
the store's `sources` table, for pacing only); meanwhile the peers inject faults and the bot is SIGKILLed
at seeded random moments and restarted. At the end the faults stop, the outbox drains, and what each
channel received (console file, Telegram channel posts, email digests) is compared with the headlines the
timeline says a person should have been told: lost = expected but missing, duplicates = received more
often than expected.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import IO

from tests.fake_telegram import TOKEN, parse_html
from tests.scenario.peers import SmtpThread, TelegramThread
from tests.scenario.server import FaultPlan, ScenarioServer
from tests.scenario.timeline import SOURCES, Step, expected, timeline

ROOT = Path(__file__).resolve().parent.parent.parent
CHANNEL = "-1001234567890"
TOKEN_ENV = "HRCWATCH_SOAK_TELEGRAM_TOKEN"
RECIPIENT = "watcher@example.org"
TELEGRAM_FAULTS = ("429", "500", "hang")
SMTP_FAULTS = ("451", "drop")


@dataclass
class SoakOptions:
    workdir: Path
    rounds: int = 1
    kills: int = 6
    seed: int = 6
    kill_after: tuple[float, float] = (4.0, 12.0)  # seconds of bot uptime before each kill
    page_faults: dict[str, float] = field(
        default_factory=lambda: {
            "500": 0.06,
            "503": 0.05,
            "429": 0.05,
            "slow": 0.05,
            "drop": 0.06,
            "blocked": 0.05,
        }
    )
    telegram_fault_rate: float = 0.12  # of Telegram send attempts
    smtp_fault_rate: float = 0.5  # after each accepted digest, the next attempt fails
    email: bool = True
    read_timeout: float = 1.0
    step_timeout: float = 180.0
    drain_timeout: float = 600.0  # a row that failed often waits out its back-off (5 s doubling)


@dataclass
class ChannelResult:
    expected: int
    delivered: int
    lost: int
    duplicates: int
    unexpected: list[str]
    missing: list[str]


@dataclass
class SoakReport:
    channels: dict[str, ChannelResult]
    kills: int
    faults: Counter[str]
    duration: float
    steps: int
    restarts_exit_codes: list[int]

    @property
    def lost(self) -> int:
        return sum(c.lost for c in self.channels.values())

    @property
    def duplicates(self) -> int:
        return sum(c.duplicates for c in self.channels.values())

    def summary(self) -> str:
        parts = [
            f"{name}: {c.delivered}/{c.expected} delivered, lost {c.lost}, duplicates {c.duplicates}"
            for name, c in self.channels.items()
        ]
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items()))
        return (
            f"soak: {self.steps} steps, {self.kills} SIGKILLs, {self.duration:.0f} s; "
            + "; ".join(parts)
            + f"; faults injected: {faults}"
        )


def write_config(
    path: Path,
    server: ScenarioServer,
    options: SoakOptions,
    telegram_url: str,
    smtp_port: int,
    digest_now: bool = False,
) -> None:
    """The bot's config: every source at the scenario server, every channel at a local peer.

    The digest slot is two minutes ago, so each start in a new minute serves one digest; with
    `digest_now` it is this minute, later than any served before: the final drain sends one at once.
    """
    slot = datetime.now(UTC) - (timedelta() if digest_now else timedelta(minutes=2))
    sources = "\n".join(
        f'[[sources]]\nname = "{s.name}"\nkind = "{s.kind}"\nurl = "{server.url_for(s)}"\n'
        f'every = "10s"\n{s.options}\n'
        for s in SOURCES
    )
    email = (
        f"""
[email]
enabled = true
host = "127.0.0.1"
port = {smtp_port}
security = "none"
sender = "HRC Watch <bot@example.org>"
recipients = ["{RECIPIENT}"]
digest_at = "{slot:%H:%M}"
timezone = "UTC"
operator_notes = false
timeout = "2s"
"""
        if options.email
        else ""
    )
    path.write_text(
        f"""
[store]
path = "{options.workdir / "store.sqlite3"}"

[http]
user_agent = "HRCWatch-soak/0.1"
contact = "soak@example.org"
connect_timeout = "2s"
read_timeout = "{options.read_timeout}s"
min_host_gap = "0s"

[schedule]
timezone = "Europe/Zurich"
jitter = "1s"
deliver_every = "2s"
failure_alert_after = 3
remove_after = 1000
max_backoff = "20s"

[console]
enabled = true
path = "{options.workdir / "alerts.txt"}"

[telegram]
enabled = true
token_env = "{TOKEN_ENV}"
channel = "{CHANNEL}"
admins = []
api_base = "{telegram_url}"
commands = false
burst_threshold = 0
timeout = "2s"
messages_per_second = 1000
channel_messages_per_minute = 100000
{email}
{sources}""",
        encoding="utf-8",
    )


class BotProcess:
    """`python -m bot run` as a real process; its stderr is appended to bot.log."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    def start(self) -> None:
        self._out = self.log.open("ab")
        env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONUNBUFFERED": "1", "PTB_TIMEDELTA": "true"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=ROOT,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def stop(self, sig: signal.Signals) -> int:
        assert self.proc is not None and self._out is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(30)
        self._out.close()
        return code

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def _store_row(store: Path, query: str) -> list[sqlite3.Row]:
    if not store.exists():
        return []
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as conn:
            conn.row_factory = sqlite3.Row
            return conn.execute(query).fetchall()
    except sqlite3.OperationalError:
        return []  # not created yet, or busy


def polled_since(store: Path, source: str, moment: float) -> bool:
    """Whether the bot committed a successful poll of `source` that started after `moment`."""
    rows = _store_row(store, "SELECT name, last_success FROM sources")
    for row in rows:
        if row["name"] == source and row["last_success"]:
            return datetime.fromisoformat(row["last_success"]).timestamp() > moment
    return False


def pending(store: Path) -> int:
    rows = _store_row(store, "SELECT count(*) AS n FROM outbox WHERE state = 'pending'")
    return rows[0]["n"] if rows else -1


def headline(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def telegram_headlines(peer: TelegramThread) -> list[str]:
    """The first line of each channel post: continuations of a split post and confirmations aside."""
    lines = [headline(parse_html(r.text)) for r in peer.sent(CHANNEL)]
    return [line for line in lines if line != "(continued)" and not line.startswith("Confirmed by ")]


def edits(peer: TelegramThread) -> int:
    """Confirmations told on Telegram: edits, or the short replies that replace a refused edit."""
    replies = sum(1 for r in peer.sent(CHANNEL) if parse_html(r.text).startswith("Confirmed by "))
    return len(peer.fake.edits(CHANNEL)) + replies


def console_headlines(path: Path) -> list[str]:
    if not path.exists():
        return []
    blocks = [b for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    return [headline(b.strip().split("\n", 1)[1]) for b in blocks if "\n" in b.strip()]


def digest_headlines(message: EmailMessage) -> list[str]:
    """The "  - headline" lines of a digest's plain-text part (one per happening of a story), operator
    notes and confirmations excluded (a digest folds a confirmation into the post it confirms)."""
    part = message.get_body(("plain",))
    text = part.get_content() if part is not None else ""
    text = text.split("== Operator notes ==", 1)[0]
    lines = [line[4:] for line in text.splitlines() if line.startswith("  - ")]
    return [line for line in lines if not line.startswith("Confirmed by ")]


def email_headlines(smtp: SmtpThread) -> list[str]:
    found: list[str] = []
    for received in list(smtp.handler.received):
        message = message_from_bytes(received.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found += digest_headlines(message)
    return found


def compare(want: Counter[str], got: list[str]) -> ChannelResult:
    have = Counter(got)
    lost = want - have
    extra = have - want
    return ChannelResult(
        expected=sum(want.values()),
        delivered=sum((have & want).values()),
        lost=sum(lost.values()),
        duplicates=sum(n for h, n in extra.items() if h in want),
        unexpected=sorted(h for h in extra if h not in want),
        missing=sorted(lost),
    )


class Soak:
    """One run; `run()` returns the report. `on_step` and `on_kill` let a caller print progress."""

    def __init__(self, options: SoakOptions, steps: list[Step] | None = None) -> None:
        self.options = options
        self.steps = steps or timeline(options.rounds)
        self.rng = random.Random(options.seed)
        self.faults: Counter[str] = Counter()
        self.log = print

    def run(self) -> SoakReport:
        o = self.options
        o.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        server = ScenarioServer(
            self.steps, o.seed, FaultPlan(o.page_faults, slow_seconds=o.read_timeout * 3 + 1)
        )
        server.start()
        try:
            with TelegramThread() as telegram, SmtpThread() as smtp:
                config = o.workdir / "config.toml"
                write_config(config, server, o, telegram.fake.base_url, smtp.port)
                bot = BotProcess(config, o.workdir / "bot.log")
                try:
                    exits = self._drive(server, telegram, smtp, bot, config)
                finally:
                    if bot.alive():  # a failed run leaves no bot behind
                        bot.stop(signal.SIGKILL)
                console = console_headlines(o.workdir / "alerts.txt")
                result = {
                    "console": compare(expected(self.steps, confirmations=True), console),
                    "telegram": compare(expected(self.steps), telegram_headlines(telegram)),
                    "telegram edits": compare(
                        Counter({"confirmed": sum(len(s.confirms) for s in self.steps)}),
                        ["confirmed"] * edits(telegram),
                    ),
                }
                if o.email:
                    result["email"] = compare(expected(self.steps), email_headlines(smtp))
        finally:
            server.stop()
        for kind, count in server.injected.items():
            self.faults[f"page {kind}"] += count
        return SoakReport(
            result, self.faults["SIGKILL"], self.faults, time.monotonic() - started, len(self.steps), exits
        )

    def _drive(
        self,
        server: ScenarioServer,
        telegram: TelegramThread,
        smtp: SmtpThread,
        bot: BotProcess,
        config: Path,
    ) -> list[int]:
        o = self.options
        store = o.workdir / "store.sqlite3"
        exits: list[int] = []
        kills = 0
        bot.start()
        next_kill = time.monotonic() + self.rng.uniform(*o.kill_after)
        step_started = time.monotonic()
        waiting = [s.name for s in SOURCES]
        planned = {
            attempt: self.rng.choice(TELEGRAM_FAULTS)
            for attempt in range(1, 5000)
            if self.rng.random() < o.telegram_fault_rate
        }
        for attempt, kind in planned.items():  # before the bot exists: no request can race this
            telegram.fake.fail_on(attempt, kind, retry_after=1)  # type: ignore[arg-type]
        accepted = 0
        while True:
            now = time.monotonic()
            waiting = [name for name in waiting if not polled_since(store, name, server.changed_at(name))]
            if not waiting:
                if server.index < len(self.steps) - 1:
                    waiting = server.advance()
                    step_started = now
                    self.log(f"  step {server.index}: {server.step.label}")
                elif kills >= o.kills:  # the timeline is over: kill on until the count is reached
                    break
            elif now - step_started > o.step_timeout:
                raise AssertionError(
                    f"step {server.index}: no successful poll of {waiting} in {o.step_timeout} s"
                )
            if kills < o.kills and now >= next_kill:
                exits.append(bot.stop(signal.SIGKILL))
                kills += 1
                self.faults["SIGKILL"] += 1
                if o.email:  # a fresh digest slot at each start (a digest is at most once a minute)
                    write_config(config, server, o, telegram.fake.base_url, smtp.port)
                bot.start()
                next_kill = time.monotonic() + self.rng.uniform(*o.kill_after)
            if o.email and len(smtp.handler.received) > accepted:
                accepted = len(smtp.handler.received)
                if self.rng.random() < o.smtp_fault_rate:
                    kind = self.rng.choice(SMTP_FAULTS)
                    smtp.handler.fail(
                        "data", "451 4.3.0 Try again later" if kind == "451" else "", drop=kind == "drop"
                    )
                    self.faults[f"smtp {kind}"] += 1
            if not bot.alive():
                raise AssertionError(
                    f"the bot exited by itself ({bot.proc and bot.proc.returncode}); see {bot.log}"
                )
            time.sleep(0.2)
        telegram.call(telegram.fake.scheduled.clear)
        for attempt, kind in planned.items():
            if attempt <= telegram.fake.send_attempts:
                self.faults[f"telegram {kind}"] += 1
        self._drain(server, telegram, smtp, bot, config, store)
        exits.append(bot.stop(signal.SIGTERM))
        self.log(f"  drained; bot stopped with status {exits[-1]}")
        return exits

    def _drain(
        self,
        server: ScenarioServer,
        telegram: TelegramThread,
        smtp: SmtpThread,
        bot: BotProcess,
        config: Path,
        store: Path,
    ) -> None:
        """No more faults or kills; a restart for a fresh digest slot; then wait until nothing is pending."""
        o = self.options
        server.faults_on = False
        smtp.handler.faults.clear()
        if o.email:
            bot.stop(signal.SIGTERM)
            write_config(config, server, o, telegram.fake.base_url, smtp.port, digest_now=True)
            bot.start()
        deadline = time.monotonic() + o.drain_timeout
        while pending(store) != 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{pending(store)} outbox rows still pending after {o.drain_timeout} s")
            time.sleep(0.5)
        time.sleep(2)  # a duplicate would show up now
