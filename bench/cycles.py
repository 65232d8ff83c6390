"""Cycles over the 50 listings: `python -m bot poll` as a whole process, and timed around poll_once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.config import write_config
from bench.pages import ListingSite
from bench.procs import PYTHON, ProcResult, checked, measure


@dataclass(frozen=True)
class InProcess:
    """A cycle_child run: its own timings around poll_once, and the kernel's view of the whole process."""

    timings: dict[str, Any]
    process: ProcResult


@dataclass
class CycleRuns:
    """Every cycle of one kind (cold, not_modified, changed): whole-process and in-process runs."""

    process: list[ProcResult] = field(default_factory=list)
    in_process: list[InProcess] = field(default_factory=list)


class Cycles:
    """Two stores on the same pages: one polled by `python -m bot poll`, one by bench.cycle_child."""

    def __init__(self, site: ListingSite, urls: list[str], base: Path) -> None:
        self.site = site
        self.proc_dir, self.inproc_dir = base / "proc", base / "inproc"
        for workdir in (self.proc_dir, self.inproc_dir):
            workdir.mkdir(parents=True)
        self.proc_config = write_config(self.proc_dir, urls)
        self.inproc_config = write_config(self.inproc_dir, urls)
        self.runs: dict[str, CycleRuns] = {k: CycleRuns() for k in ("cold", "not_modified", "changed")}

    def poll(self) -> ProcResult:
        argv = [PYTHON, "-m", "bot", "poll", "--config", str(self.proc_config)]
        return checked(measure(argv, self.proc_dir), "python -m bot poll")

    def run(self, kind: str) -> None:
        """One cycle of each store; `changed` first edits every page (2 titles revised, 1 draft added)."""
        if kind == "changed":
            for index in range(len(self.site.pages)):
                self.site.change(index, titles=2, added=1)
        self.runs[kind].process.append(self.poll())
        self.runs[kind].in_process.append(in_process(self.inproc_config, self.inproc_dir))


def in_process(config: Path, workdir: Path, charts: int = 0) -> InProcess:
    argv = [PYTHON, "-m", "bench.cycle_child", "--config", str(config), "--charts", str(charts)]
    result = checked(measure(argv, workdir), "bench.cycle_child")
    return InProcess(json.loads(result.stdout), result)
