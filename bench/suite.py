"""What `bench/run.py` runs: the side-by-side table, and optionally the profiles, latency and store."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.cycles import cycles_table
from bench.kit_site import KitServer, build_pages
from bench.procs import PYTHON, ROOT, checked, measure
from bench.sidebyside import loadavg, machine, run_cases, summary, table
from bench.tools import CASES, HrcWatch, install_urlwatch, urlwatch_installed

PROFILES = ROOT / "var" / "bench" / "profiles"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def compile_sources() -> None:
    """Bytecode for the project's modules, as an installed package has (pip compiles urlwatch's): with
    PYTHONDONTWRITEBYTECODE set, every timed process would otherwise compile them again (~40 ms)."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", "bot", "watchers", "state"], cwd=ROOT, check=True)


def profile_cases(server: KitServer, base: Path) -> None:
    """One HRC Watch poll per case under cProfile (state filled first, as in the timed runs)."""
    PROFILES.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        tool = HrcWatch(server, case, base / "profile")
        if case.cold:
            tool.reset()
        else:
            tool.run()
        out = PROFILES / f"{case.slug}.prof"
        argv = [PYTHON, "-m", "bench.profile_poll", "--config", str(tool.config), "--out", str(out)]
        checked(measure(argv, tool.workdir), f"profile of {case.label}")
        say(f"profile of {case.label}: {out.with_suffix('.txt')}")


def extras(args: argparse.Namespace, base: Path) -> list[str]:
    """The change -> Telegram latency and the store at scale, each a small table of its own."""
    lines: list[str] = []
    if args.latency:
        from bench.latency import latency_table

        say("latency: daemon + fake Telegram ...")
        lines += ["", latency_table(base / "latency")]
    if args.store:
        from bench.store_bench import store_table

        say("store: bulk build and 20 applies ...")
        lines += ["", store_table(base / "store")]
    return lines


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--urlwatch", action="store_true", help="install urlwatch into var/bench first")
    parser.add_argument("--rounds", type=int, default=5, help="paired runs per case (default 5)")
    parser.add_argument("--profile", action="store_true", help="profile one HRC Watch poll per case")
    parser.add_argument(
        "--cpus",
        help="run both tools on these CPUs only (taskset list, e.g. 0): urlwatch's threads burn"
        " more CPU when more cores are free",
    )
    parser.add_argument("--latency", action="store_true", help="also: page change -> Telegram latency")
    parser.add_argument("--store", action="store_true", help="also: the store at 100,000 items")
    args = parser.parse_args(argv)
    if args.urlwatch:
        say("installing urlwatch into var/bench/urlwatch-venv ...")
        install_urlwatch()
    if not urlwatch_installed():
        say("urlwatch is not installed: run `bench/run.py --urlwatch` once (it installs it from PyPI)")
        return 2
    compile_sources()
    print(machine())
    print(f"load average at start: {loadavg()}")
    with tempfile.TemporaryDirectory(prefix="hrcwatch-bench-") as tmp:
        base = Path(tmp)
        pages = build_pages(base / "pages")
        with KitServer(pages, base) as server:
            runs = run_cases(server, base, args.rounds, say, args.cpus)
            say("the floor and a daemon's cycle ...")
            cycles = cycles_table(server, base, runs, args.rounds, args.cpus)
            if args.profile:
                profile_cases(server, base)
        rendered, met = table(runs)
        more = extras(args, base)
    print(f"load average at end: {loadavg()}")
    print("\n".join(summary(args.rounds, args.cpus)))
    print(rendered)
    print()
    print(cycles)
    print("\n".join(more))
    return 0 if met else 1
