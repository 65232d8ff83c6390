"""The two tools under test, each run as a whole process on one case's URLs with its own state.

HRC Watch: `python -m bot poll --config C` over 50 `symbols` sources. urlwatch (a reference, never a
project dependency): the kit's job lists and config, run from its throwaway venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.config import write_config
from bench.kit_site import KIT, KitServer
from bench.procs import PYTHON, ProcResult, checked, measure, runner_python

URLWATCH_VENV = Path(__file__).resolve().parent.parent / "var" / "bench" / "urlwatch-venv"


@dataclass(frozen=True)
class Case:
    """One case of the kit: the server route and whether every timed run starts from empty state."""

    label: str
    route: str
    cold: bool = False

    @property
    def slug(self) -> str:
        return self.label.replace(" ", "-").replace(",", "")


CASES = (
    Case("all 304", "static"),
    Case("all 200, unchanged", "nocond"),
    Case("all changed", "churn"),
    Case("cold", "static", cold=True),
)


def pinned(cpus: str | None) -> list[str]:
    """The command prefix that runs a tool on the given CPUs only (taskset execs it: same process)."""
    return ["taskset", "-c", cpus] if cpus else []


class HrcWatch:
    """One store and config per case; a cold run starts from an empty store and HTTP cache."""

    name = "HRC Watch"

    def __init__(self, server: KitServer, case: Case, base: Path, cpus: str | None = None) -> None:
        self.case, self.cpus = case, cpus
        self.workdir = base / "hrcwatch" / case.slug
        self.workdir.mkdir(parents=True)
        self.config = write_config(self.workdir, server.urls(case.route))
        self.python = runner_python()

    def argv(self) -> list[str]:
        return [*pinned(self.cpus), self.python, "-m", "bot", "poll", "--config", str(self.config)]

    def reset(self) -> None:
        for path in self.workdir.glob("store.sqlite3*"):
            path.unlink()

    def run(self) -> ProcResult:
        if self.case.cold:
            self.reset()
        return checked(measure(self.argv(), self.workdir), f"HRC Watch ({self.case.label})")


class Urlwatch:
    """urlwatch with the kit's config and job list for the case's route; its cache and HOME per case."""

    name = "urlwatch"

    def __init__(self, server: KitServer, case: Case, base: Path, cpus: str | None = None) -> None:
        self.case, self.cpus = case, cpus
        self.workdir = base / "urlwatch" / case.slug
        self.workdir.mkdir(parents=True)
        make_config = [str(URLWATCH_VENV / "bin" / "python"), str(KIT / "make_config.py")]
        make_config += ["--port", str(server.port), "--out", str(self.workdir)]
        subprocess.run(make_config, check=True, capture_output=True)
        self.cache = self.workdir / "cache.db"

    def argv(self) -> list[str]:
        return [
            *pinned(self.cpus),
            str(URLWATCH_VENV / "bin" / "urlwatch"),
            "--urls",
            str(self.workdir / f"urls-{self.case.route}.yaml"),
            "--config",
            str(self.workdir / "urlwatch.yaml"),
            "--cache",
            str(self.cache),
            "--hooks",
            str(self.workdir / "hooks.py"),
        ]

    def run(self) -> ProcResult:
        if self.case.cold:
            self.cache.unlink(missing_ok=True)
        home = str(self.workdir)
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}
        return checked(measure(self.argv(), self.workdir, env), f"urlwatch ({self.case.label})")


def install_urlwatch() -> None:
    """A throwaway venv under var/bench with urlwatch, lxml and cssselect from PyPI."""
    if (URLWATCH_VENV / "bin" / "urlwatch").exists():
        return
    shutil.rmtree(URLWATCH_VENV, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", str(URLWATCH_VENV)], check=True)
    pip = [str(URLWATCH_VENV / "bin" / "pip"), "install", "--quiet", "urlwatch", "lxml", "cssselect"]
    subprocess.run(pip, check=True)


def urlwatch_installed() -> bool:
    return (URLWATCH_VENV / "bin" / "urlwatch").exists()
