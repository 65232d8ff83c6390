"""Runs every measurement of issue #6 (Performance) and prints one table: figure, value, target, result."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.config import write_config
from bench.cycles import Cycles, in_process
from bench.latency import measure_latency
from bench.pages import ListingSite, SiteServer
from bench.procs import ProcResult
from bench.store_bench import measure_store, percentile
from bench.urlwatch_side import Urlwatch


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None

    @property
    def result(self) -> str:
        return "" if self.ok is None else ("pass" if self.ok else "FAIL")


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _at_most(figure: str, value: float, limit: float, unit: str, digits: int = 2) -> Row:
    return Row(figure, f"{value:.{digits}f} {unit}", f"<= {limit:g} {unit}", value <= limit)


def _info(figure: str, value: float, unit: str, digits: int = 2) -> Row:
    return Row(figure, f"{value:.{digits}f} {unit}")


def _machine() -> list[str]:
    meminfo = Path("/proc/meminfo").read_text().split("\n")[0].split()
    return [
        f"cores (nproc): {os.cpu_count()}, memory: {int(meminfo[1]) / 2**20:.1f} GiB, "
        f"arch: {platform.machine()}, Python {platform.python_version()}",
        f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def cycle_rows(cycles: Cycles) -> list[Row]:
    rows = []
    for kind, label, limit in (("not_modified", "all 304", 0.5), ("changed", "all changed", 3.0)):
        runs = cycles.runs[kind]
        proc_cpu = _median([r.cpu for r in runs.process])
        cycle_cpu = _median([r.timings["cycle_cpu"] for r in runs.in_process])
        child_cpu = _median([r.process.cpu for r in runs.in_process])
        rows += [
            _at_most(f"cycle {label}: `bot poll` process CPU", proc_cpu, limit, "s"),
            _info(f"cycle {label}: `bot poll` process wall", _median([r.wall for r in runs.process]), "s"),
            _at_most(f"cycle {label}: in-process poll_once CPU", cycle_cpu, limit, "s"),
            _info(
                f"cycle {label}: in-process poll_once wall",
                _median([r.timings["cycle_wall"] for r in runs.in_process]),
                "s",
            ),
            _info(f"cycle {label}: start-up CPU (process - cycle)", child_cpu - cycle_cpu, "s"),
        ]
    events = cycles.runs["changed"].in_process[0].timings["events"]
    cold = cycles.runs["cold"]
    rows += [
        Row("cycle all changed: events queued and delivered", str(events)),
        _info("cycle cold (baseline, 50 x 200): `bot poll` process CPU", cold.process[0].cpu, "s"),
        _info("cycle cold: in-process poll_once CPU", cold.in_process[0].timings["cycle_cpu"], "s"),
    ]
    return rows


def urlwatch_rows(ours: ProcResult, theirs: ProcResult, label: str) -> list[Row]:
    return [
        Row(
            f"{label}: ours / urlwatch, whole-process wall",
            f"{ours.wall:.2f} / {theirs.wall:.2f} s = {ours.wall / theirs.wall:.2f}",
            "<= 1.0",
            ours.wall <= theirs.wall,
        ),
        Row(
            f"{label}: ours / urlwatch, whole-process CPU",
            f"{ours.cpu:.2f} / {theirs.cpu:.2f} s = {ours.cpu / theirs.cpu:.2f}",
            "<= 1.0",
            ours.cpu <= theirs.cpu,
        ),
        Row(
            f"{label}: ours / urlwatch, peak RSS",
            f"{ours.max_rss_mb:.0f} / {theirs.max_rss_mb:.0f} MiB"
            f" = {ours.max_rss_mb / theirs.max_rss_mb:.2f}",
            "<= 1.0",
            ours.max_rss_mb <= theirs.max_rss_mb,
        ),
    ]


def run(quick: bool, base: Path, say: Callable[[str], None]) -> list[Row]:
    reps, batches = (1, 1) if quick else (3, 2)
    items, events = (10_000, 100_000) if quick else (100_000, 1_000_000)
    rows: list[Row] = []
    site = ListingSite.build()
    with SiteServer(site) as server:
        urls = server.urls
        cycles = Cycles(site, urls, base / "cycles")
        urlwatch = Urlwatch(urls, base / "urlwatch") if Urlwatch.available() else None
        say("cold cycle (ours, then urlwatch) ...")
        cycles.run("cold")
        side = [(cycles.runs["cold"].process[0], urlwatch.cycle())] if urlwatch else []
        for rep in range(reps):
            say(f"304 and changed cycles, round {rep + 1}/{reps} ...")
            cycles.run("not_modified")
            if urlwatch and rep == 0:
                side.append((cycles.runs["not_modified"].process[0], urlwatch.cycle()))
            cycles.run("changed")
        rows += cycle_rows(cycles)

        say("peak RSS: cold cycle + 10 vote charts ...")
        charts_dir = base / "charts"
        charts_dir.mkdir()
        cold = cycles.runs["cold"].process[0]
        charts = in_process(write_config(charts_dir, urls), charts_dir, charts=10)
        rows += [
            _at_most(
                f"peak RSS, cold cycle + {charts.timings['charts']} vote charts (process)",
                charts.process.max_rss_mb,
                120,
                "MiB",
                0,
            ),
            _info("peak RSS, `bot poll` cold cycle, no charts", cold.max_rss_mb, "MiB", 0),
        ]

        say("latency: daemon + fake Telegram ...")
        latencies, daemon_rss = measure_latency(site, urls, base / "latency", batches, 10)
        rows += [
            _info(f"change -> Telegram p50 (n={len(latencies)})", _median(latencies) * 1000, "ms", 0),
            _at_most("change -> Telegram p95", percentile(latencies, 95), 1.0, "s", 3),
            _info("change -> Telegram max", max(latencies) * 1000, "ms", 0),
            _info("peak RSS, daemon (`bot run`, Telegram on) after the latency runs", daemon_rss, "MiB", 0),
        ]

    if side:
        rows += urlwatch_rows(*side[0], "cold cycle")
        rows += urlwatch_rows(*side[1], "304 cycle")
    else:
        rows.append(Row("urlwatch", "not installed: .venv/bin/pip install urlwatch"))

    say(f"store: building {items:,} items / {events:,} events ...")
    store = measure_store(base / "store", items, events, runs=20)
    scale = f"{items:,} items, {events:,} events"
    rows += [
        _info(f"store apply, 200-item snapshot, median of 20 ({scale})", store.median_ms, "ms", 1),
        _at_most(f"store apply, 200-item snapshot, p95 of 20 ({scale})", store.p95_ms, 50, "ms", 1),
        _info(f"store database size ({scale})", store.db_mb, "MiB", 0),
        _info("store bulk build time (not a target)", store.build_seconds, "s", 0),
    ]
    return rows


def table(rows: list[Row]) -> str:
    header = Row("figure", "value", "target", None)
    widths = [max(len(getattr(r, a)) for r in [header, *rows]) for a in ("figure", "value", "target")]
    lines = [f"| {'figure':<{widths[0]}} | {'value':<{widths[1]}} | {'target':<{widths[2]}} | result |"]
    lines.append(f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 2)}|{'-' * (widths[2] + 2)}|--------|")
    for r in rows:
        lines.append(
            f"| {r.figure:<{widths[0]}} | {r.value:<{widths[1]}} | {r.target:<{widths[2]}} | {r.result:<6} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="1 round, 10 latency samples, the store at 1/10 scale"
    )
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    for line in _machine():
        print(line)
    with tempfile.TemporaryDirectory(prefix="hrcwatch-bench-") as tmp:
        rows = run(args.quick, Path(tmp), say)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(table(rows))
    return 0 if all(r.ok is not False for r in rows) else 1
