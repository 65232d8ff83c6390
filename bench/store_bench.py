"""The diff store at scale: 100,000 items in 100,000 stories with 1,000,000 happenings, each told once
(notice and sent outbox row), bulk-inserted into the schema of state/schema.py; then real `Store.apply`
calls of a 200-item snapshot (some titles reworded, which is not news, and two drafts tabled each time)."""

from __future__ import annotations

import json
import sqlite3
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from state.store import Store
from watchers.base import Item, Snapshot
from watchers.symbols import document_fields, parse_symbol

CHANNEL = "telegram"
PER_SOURCE = 200
TITLES = (
    "Situation of human rights in Belarus",
    "The right to food",
    "Freedom of opinion and expression",
    "Human rights and climate change",
    "Rights of the child",
    "Safety of journalists",
)
_BATCH = 50_000


@dataclass(frozen=True)
class StoreFigures:
    build_seconds: float
    db_mb: float
    apply_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.apply_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.apply_ms, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * pct // 100) - 1)]


def _symbol(number: int) -> str:
    session, serial = 1 + number % 60, 1 + number // 60
    return f"A/HRC/{session}/L.{serial}" if serial <= 120 else f"A/HRC/{session}/{serial}"


def _fields(symbol: str, title: str) -> dict[str, Any]:
    parsed = parse_symbol(symbol)
    assert parsed is not None, symbol
    url = f"https://documents.un.org/api/symbol/access?s={symbol}&l=en&t=pdf"
    return {**document_fields(parsed), "title": title, "url": url}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_KINDS = ("tabled", "revised", "addendum", "corrigendum", "amendment", "published", "action", "roll_call")


def build(path: Path, items: int, happenings: int) -> None:
    """Items observed by sources of 200 each (src000 is the one measured), a story per item, and its
    happenings told (a notice and a sent outbox row each)."""
    Store(path, channels=(CHANNEL,)).close()
    base = datetime(2024, 1, 1, tzinfo=UTC)
    keys = [_symbol(n) for n in range(items)]
    docs = [_dumps(_fields(key, TITLES[n % len(TITLES)])) for n, key in enumerate(keys)]
    stamp = base.isoformat(timespec="microseconds")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO items (key, kind, fields, first_seen, updated_at) VALUES (?, 'document', ?, ?, ?)",
        ((key, doc, stamp, stamp) for key, doc in zip(keys, docs, strict=True)),
    )
    conn.executemany(
        "INSERT INTO observations (source, key, kind, fields, first_seen, last_seen, missing)"
        " VALUES (?, ?, 'document', ?, ?, ?, 0)",
        ((f"src{n // PER_SOURCE:03d}", keys[n], docs[n], stamp, stamp) for n in range(items)),
    )
    conn.executemany(
        "INSERT INTO sources (name, baseline_done, polls, last_success) VALUES (?, 1, 100, ?)",
        ((f"src{s:03d}", stamp) for s in range(-(-items // PER_SOURCE))),
    )
    conn.executemany(
        "INSERT INTO stories (id, anchor, title, session, created_at) VALUES (?, ?, ?, NULL, ?)",
        ((n + 1, key, TITLES[n % len(TITLES)], stamp) for n, key in enumerate(keys)),
    )
    conn.executemany("INSERT INTO story_members VALUES (?, ?)", ((key, n + 1) for n, key in enumerate(keys)))

    def happening_rows() -> Iterator[tuple[Any, ...]]:
        for h in range(happenings):
            n, round_ = h % items, h // items
            created = (base + timedelta(seconds=h)).isoformat(timespec="microseconds")
            kind = _KINDS[round_ % len(_KINDS)]
            ordinal = str(round_) if round_ else ""  # round 0: each item's own (tabled, '')
            yield (h + 1, n + 1, kind, ordinal, docs[n], f"src{n // PER_SOURCE:03d}", created)

    for chunk in _chunks(happening_rows()):
        conn.executemany(
            "INSERT INTO happenings (id, story_id, kind, ordinal, facts, authority, source, reports,"
            " announced, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, '{}', 1, ?)",
            chunk,
        )
        conn.executemany(
            "INSERT INTO notices (id, type, story_id, happening_id, source, payload, created_at)"
            " VALUES (?, 'happening', ?, ?, ?, ?, ?)",
            [(row[0], row[1], row[0], row[5], row[4], row[6]) for row in chunk],
        )
        conn.executemany(
            "INSERT INTO outbox (notice_id, channel, state, next_attempt_at, sent_at, external_id)"
            " VALUES (?, ?, 'sent', ?, ?, ?)",
            [(row[0], CHANNEL, row[6], row[6], str(row[0])) for row in chunk],
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def snapshots(runs: int) -> Iterator[Snapshot]:
    """src000's 200 items; each snapshot rewords 5 titles (not news) and adds 2 drafts (2 told)."""
    current = {_symbol(n): _fields(_symbol(n), TITLES[n % len(TITLES)]) for n in range(PER_SOURCE)}
    keys = list(current)
    for run in range(runs):
        for k in range(5):
            key = keys[(run * 5 + k) % len(keys)]
            current[key] = {**current[key], "title": f"{current[key]['title']} (rev. {run})"}
        for k in range(2):
            symbol = f"A/HRC/61/L.{500 + run * 2 + k}"
            current[symbol] = _fields(symbol, "Cooperation with Georgia")
        yield Snapshot(items=tuple(Item(key, "document", fields) for key, fields in current.items()))


def measure_store(workdir: Path, items: int, happenings: int, runs: int) -> StoreFigures:
    workdir.mkdir(parents=True)
    path = workdir / "store.sqlite3"
    start = time.perf_counter()
    build(path, items, happenings)
    build_seconds = time.perf_counter() - start
    store = Store(path, channels=(CHANNEL,))
    times = []
    for snapshot in snapshots(runs):
        start = time.perf_counter()
        result = store.apply("src000", snapshot, datetime.now(UTC))
        times.append((time.perf_counter() - start) * 1000)
        assert len(result.notices) == 2, result
    store.close()
    size = sum(p.stat().st_size for p in workdir.glob("store.sqlite3*"))
    return StoreFigures(build_seconds, size / 2**20, times)


def store_table(workdir: Path, items: int = 100_000, happenings: int = 1_000_000) -> str:
    """The store at 100,000 items and 1,000,000 happenings, as a table."""
    figures = measure_store(workdir, items, happenings, runs=20)
    rows = [
        ("apply of a 200-item snapshot, median of 20", f"{figures.median_ms:.1f} ms"),
        ("apply of a 200-item snapshot, p95 of 20", f"{figures.p95_ms:.1f} ms"),
        ("database size", f"{figures.db_mb:.0f} MiB"),
        ("bulk build (not a target)", f"{figures.build_seconds:.0f} s"),
    ]
    lines = [f"| store ({items:,} items, {happenings:,} happenings) | value |", "|---|---|"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])
