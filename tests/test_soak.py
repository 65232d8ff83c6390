"""Reliability: the bot survives faults from every peer and SIGKILLs without losing an alert.

The bot runs as a real process against the scenario server (a replayed end of session 61, with 5xx, 429,
slow answers, dropped connections and WAF blocks), the fake Telegram server (429, 500, hangs), aiosmtpd
(451, dropped connections) and a console file; it is SIGKILLed twice at seeded random moments and
restarted. Every headline the timeline says a person should have been told must reach every channel
(console, Telegram channel, email digests): none lost, duplicates at most one per kill (a kill between a
send and its commit). This is the short soak of `make test` (2 kills, every kind of page fault at half the
long run's rates, about 90 s); `make soak` is the long run (tests/soak_long.py: 50 kills, full rates).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario.harness import Soak, SoakOptions


@pytest.mark.timeout(300)  # a safety net for a slow CI machine; the run itself takes about 90 s
def test_no_alert_is_lost_through_faults_and_sigkills(tmp_path: Path) -> None:
    options = SoakOptions(workdir=tmp_path, rounds=1, kills=2, seed=7, kill_after=(3.0, 8.0))
    # Page faults at half the long soak's rates: each failure backs a source or a row off, and well
    # under a minute is the budget here.
    options.page_faults = {kind: rate * 0.5 for kind, rate in options.page_faults.items()}
    options.telegram_fault_rate = 0.06
    soak = Soak(options)
    report = soak.run()
    print(report.summary())
    for name, channel in report.channels.items():
        assert channel.lost == 0, f"{name}: lost {channel.missing}"
        assert channel.duplicates <= report.kills, f"{name}: {channel.duplicates} duplicates"
    assert report.faults["SIGKILL"] == 2
    assert all(code in (0, -9) for code in report.restarts_exit_codes), report.restarts_exit_codes
