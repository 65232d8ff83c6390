"""Two references beside the side-by-side table, per case: the floor (`bench/floor_cycle.py`: the
libraries' own work, nothing of HRC Watch's) and one cycle of a running daemon (`bench/daemon_cycle.py`:
what `bot run` pays each interval, start-up paid once), both against urlwatch's whole process."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench.kit_site import KitServer
from bench.procs import ROOT, checked, measure, runner_python
from bench.sidebyside import Runs
from bench.tools import Case, HrcWatch, pinned


def floor_cpu(server: KitServer, case: Case, workdir: Path, rounds: int, cpus: str | None) -> float:
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "floor.sqlite3"
    argv = [*pinned(cpus), runner_python(), str(ROOT / "bench" / "floor_cycle.py"), str(server.port)]
    argv += [case.route, str(database)]
    if not case.cold:
        checked(measure(argv, workdir), f"floor ({case.label})")
    spent = []
    for _ in range(rounds):
        if case.cold:
            database.unlink(missing_ok=True)
        spent.append(checked(measure(argv, workdir), f"floor ({case.label})").cpu)
    return statistics.median(spent)


def daemon_cpu(server: KitServer, case: Case, base: Path, cycles: int, cpus: str | None) -> float:
    tool = HrcWatch(server, case, base)
    argv = [*pinned(cpus), tool.python, "-m", "bench.daemon_cycle", "--config", str(tool.config)]
    argv += ["--cycles", str(cycles), *(["--cold"] if case.cold else [])]
    result = checked(measure(argv, tool.workdir), f"daemon cycle ({case.label})")
    return float(statistics.median(json.loads(result.stdout.strip().splitlines()[-1])))


def cycles_table(server: KitServer, base: Path, runs: dict[Case, Runs], rounds: int, cpus: str | None) -> str:
    lines = [
        "| case | floor (urllib3, lxml, sqlite3) | HRC Watch `bot poll` | HRC Watch daemon cycle "
        "| urlwatch | daemon cycle / urlwatch |",
        "|" + "---|" * 6,
    ]
    for case, r in runs.items():
        floor = floor_cpu(server, case, base / "floor" / case.slug, rounds, cpus)
        daemon = daemon_cpu(server, case, base / "daemon", rounds, cpus)
        ours = statistics.median(p.cpu for p in r.ours)
        theirs = statistics.median(p.cpu for p in r.theirs)
        cells = [case.label, f"{floor:.2f} s", f"{ours:.2f} s", f"{daemon:.2f} s", f"{theirs:.2f} s"]
        lines.append("| " + " | ".join([*cells, f"{daemon / theirs:.2f}"]) + " |")
    return "\n".join(lines)
