"""The long soak (not collected by pytest): `.venv/bin/python -m tests.soak_long [--kills 50 ...]`.

Same harness as tests/test_soak.py (tests/scenario/harness.py), more rounds and kills. Prints progress
and one summary line; exits 1 if an alert was lost or duplicates exceed the kills.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from tests.scenario.harness import Soak, SoakOptions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="timeline rounds (5 steps each)")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=50)
    parser.add_argument("--kill-after", type=float, nargs=2, default=(6.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument("--no-email", action="store_true")
    parser.add_argument("--no-faults", action="store_true", help="no injected faults (kills still happen)")
    parser.add_argument("--workdir", type=Path, help="kept afterwards (default: a temporary directory)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hrcwatch-soak-"))
    options = SoakOptions(
        workdir=workdir,
        rounds=args.rounds,
        kills=args.kills,
        seed=args.seed,
        kill_after=tuple(args.kill_after),
        email=not args.no_email,
    )
    if args.no_faults:
        options.page_faults = {}
        options.telegram_fault_rate = options.smtp_fault_rate = 0.0
    report = Soak(options).run()
    for name, channel in report.channels.items():
        print(f"  {name}: {json.dumps(channel.__dict__)}")
    print(report.summary())
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if report.lost == 0 and report.duplicates <= report.kills else 1


if __name__ == "__main__":
    sys.exit(main())
