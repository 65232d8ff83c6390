"""Reliability: the bot survives faults from every peer and SIGKILLs without losing an alert.

The bot runs as a real process against the scenario server (a replayed end of session 61, with 5xx, 429,
slow answers, dropped connections and WAF blocks), the fake Telegram server (429, 500, hangs), aiosmtpd
(451, dropped connections) and a console file; it is SIGKILLed 5 times at seeded random moments and
restarted. Every headline the timeline says a person should have been told must reach every channel
(console, Telegram channel, email digests): none lost, duplicates at most one per kill (a kill between a
send and its commit). Takes about 80 s; tests/soak_long.py is the long run (50 kills).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario.harness import Soak, SoakOptions


@pytest.mark.timeout(150)
def test_no_alert_is_lost_through_faults_and_sigkills(tmp_path: Path) -> None:
    options = SoakOptions(workdir=tmp_path, rounds=1, kills=5, seed=6, kill_after=(4.0, 10.0))
    options.telegram_fault_rate = 0.06  # each failure doubles the row's back-off: keep the drain short
    soak = Soak(options)
    report = soak.run()
    print(report.summary())
    for name, channel in report.channels.items():
        assert channel.lost == 0, f"{name}: lost {channel.missing}"
        assert channel.duplicates <= report.kills, f"{name}: {channel.duplicates} duplicates"
    assert report.faults["SIGKILL"] == 5
    assert all(code in (0, -9) for code in report.restarts_exit_codes), report.restarts_exit_codes
