"""Child processes measured by the kernel: wall time, user+system CPU and peak RSS from wait4."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNNER_VENV = ROOT / "var" / "bench" / "runner-venv"


@functools.cache
def runner_python() -> str:
    """The interpreter timed runs of HRC Watch use: a venv that sees this one's packages through a plain
    path file. The editable install's import hook (a .pth that imports a finder: ~15 ms of every start)
    is a development artefact no installed package has, and urlwatch, measured as installed, has none.
    The project itself is imported from ROOT, the runs' working directory."""
    python = RUNNER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([PYTHON, "-m", "venv", "--without-pip", str(RUNNER_VENV)], check=True)
    site = subprocess.run(
        [PYTHON, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    runner_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(runner_site) / "hrcwatch-deps.pth").write_text(site + "\n")
    return str(python)


@dataclass(frozen=True)
class ProcResult:
    wall: float  # seconds
    cpu: float  # user + system seconds
    max_rss_mb: float  # peak resident set, MiB
    returncode: int
    stdout: str
    stderr: str


def measure(argv: Sequence[str], workdir: Path, env: dict[str, str] | None = None) -> ProcResult:
    """Runs argv to completion (cwd = repo root); output goes to files in workdir to avoid pipe stalls."""
    out, err = workdir / "child.out", workdir / "child.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=stdout, stderr=stderr, env=env or dict(os.environ))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ProcResult(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        stdout=out.read_text(encoding="utf-8", errors="replace"),
        stderr=err.read_text(encoding="utf-8", errors="replace"),
    )


def checked(result: ProcResult, what: str) -> ProcResult:
    if result.returncode != 0:
        raise RuntimeError(f"{what} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result
