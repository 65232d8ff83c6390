"""HRC Watch beside urlwatch on the bench kit's 50 real-size listings: one table of CPU, wall and RSS.

Each case's state is filled once, then every round runs both tools as whole processes, one after the
other, alternating which goes first; the table shows medians and ratios (HRC Watch / urlwatch). These
machines are shared, so the ratios of paired runs are the figures to judge, not absolute times.
"""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.kit_site import KitServer
from bench.procs import ProcResult
from bench.tools import CASES, Case, HrcWatch, Urlwatch

CPU_TARGET = 0.5
RSS_TARGET = 1.0


@dataclass
class Runs:
    ours: list[ProcResult] = field(default_factory=list)
    theirs: list[ProcResult] = field(default_factory=list)


def _median(results: list[ProcResult], figure: Callable[[ProcResult], float]) -> float:
    return statistics.median(figure(r) for r in results)


def run_cases(
    server: KitServer, base: Path, rounds: int, say: Callable[[str], None], cpus: str | None = None
) -> dict[Case, Runs]:
    pairs = {case: (HrcWatch(server, case, base, cpus), Urlwatch(server, case, base, cpus)) for case in CASES}
    for case, (ours, theirs) in pairs.items():
        if not case.cold:
            say(f"{case.label}: filling each tool's state once ...")
            ours.run()
            theirs.run()
    runs = {case: Runs() for case in CASES}
    for number in range(rounds):
        say(f"round {number + 1}/{rounds} ...")
        for case, (ours, theirs) in pairs.items():
            if number % 2 == 0:
                runs[case].ours.append(ours.run())
                runs[case].theirs.append(theirs.run())
            else:
                runs[case].theirs.append(theirs.run())
                runs[case].ours.append(ours.run())
    return runs


def _cpu(r: ProcResult) -> float:
    return r.cpu


def _wall(r: ProcResult) -> float:
    return r.wall


def _rss(r: ProcResult) -> float:
    return r.max_rss_mb


def table(runs: dict[Case, Runs]) -> tuple[str, bool]:
    """The markdown table and whether every target (CPU <= 0.5x, RSS <= 1.0x) is met."""
    header = (
        "| case | HRC Watch CPU | urlwatch CPU | CPU ratio | HRC Watch wall | urlwatch wall | wall ratio "
        "| HRC Watch RSS | urlwatch RSS | RSS ratio | targets |"
    )
    lines = [header, "|" + "---|" * 11]
    all_met = True
    for case, r in runs.items():
        cells: list[str] = [case.label]
        ratios = {}
        for name, figure, unit in (("cpu", _cpu, "s"), ("wall", _wall, "s"), ("rss", _rss, "MiB")):
            ours, theirs = _median(r.ours, figure), _median(r.theirs, figure)
            ratios[name] = ours / theirs
            digits = 0 if unit == "MiB" else 2
            cells += [f"{ours:.{digits}f} {unit}", f"{theirs:.{digits}f} {unit}", f"{ratios[name]:.2f}"]
        met = ratios["cpu"] <= CPU_TARGET and ratios["rss"] <= RSS_TARGET
        all_met = all_met and met
        cells.append("met" if met else "MISSED")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), all_met


def machine() -> str:
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    return (
        f"cores (nproc): {os.cpu_count()}, memory: {int(meminfo[1]) / 2**20:.1f} GiB, "
        f"arch: {platform.machine()}, Python {platform.python_version()}"
    )


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(rounds: int, cpus: str | None) -> Sequence[str]:
    where = f"both tools pinned to CPU {cpus}" if cpus else "not pinned"
    return [
        f"{rounds} paired runs per case, {where}; medians; targets: CPU <= {CPU_TARGET}x, "
        f"peak RSS <= {RSS_TARGET}x urlwatch's"
    ]
