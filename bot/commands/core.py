"""The operator's commands: run, poll, status, inspect.

The daemon, its event loop and the notifiers are imported by the commands that use them: a one-shot
`poll` with nothing left to deliver does without them (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import json
import logging
import mimetypes
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import AppConfig, load_config
from bot.logging_setup import setup_logging
from bot.notifiers.base import DeliveryError
from bot.poller import poll_all
from bot.runtime import open_store
from bot.typed_config import ConfigError, from_table
from state.errors import store_errors
from state.lock import StoreLock, StoreLocked
from state.store import Store
from watchers.base import Page, SourceError
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.registry import UnknownKind, load_kind

_CONTENT_TYPES = {".xml": "application/xml", ".rss": "application/rss+xml", ".atom": "application/atom+xml"}


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", default="config.toml", help="path to config.toml (default: ./config.toml)"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the bot: poll on schedule, deliver alerts, answer commands")
    _add_config(run)
    run.set_defaults(handler=cmd_run)

    poll = subparsers.add_parser("poll", help="one cycle of every enabled source, deliver, exit")
    _add_config(poll)
    poll.add_argument("--source", help="poll only this source")
    poll.set_defaults(handler=cmd_poll)

    status = subparsers.add_parser("status", help="health of each source and of each channel's outbox")
    _add_config(status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=cmd_status)

    inspect = subparsers.add_parser(
        "inspect", help="print the items a watcher kind extracts from a page, without touching the store"
    )
    inspect.add_argument("kind", help="watcher kind, e.g. symbols")
    inspect.add_argument("target", metavar="PATH_OR_URL")
    inspect.add_argument("--config", default=None, help="config.toml for [http] settings (optional)")
    inspect.add_argument(
        "--option", action="append", default=[], metavar="KEY=JSON", help="a kind option, e.g. session=61"
    )
    inspect.set_defaults(handler=cmd_inspect)


def _locked(config: AppConfig) -> StoreLock:
    return StoreLock(config.store_path)


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.health_server import HealthServerError

    config = load_config(args.config)
    config.require_sources()
    setup_logging(config)
    try:
        with store_errors(config.store_path), _locked(config):
            store = open_store(config)
            asyncio.run(_serve(config, store))
            _abandon_stuck_polls()
    except (StoreLocked, DeliveryError, HealthServerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _abandon_stuck_polls() -> None:
    """A stop must not wait for a poll still inside a fetch (up to its deadline): once the daemon has
    stopped cleanly, a poll thread still running is left behind. Nothing of it is lost: what it had not
    committed is rolled back, and its page is fetched again at the next start."""
    stuck = [t for t in threading.enumerate() if t.name.startswith("poll") and t.is_alive()]
    if not stuck:
        return
    logging.getLogger("hrcwatch.daemon").warning(
        "stopped with %d poll(s) still fetching; they are abandoned and run again at the next start",
        len(stuck),
    )
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


async def _serve(config: AppConfig, store: Store) -> None:
    from bot.daemon import Bot

    await Bot(config, store).serve()


def cmd_poll(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    config.require_sources()
    setup_logging(config)
    if args.source:
        config.source(args.source)
    try:
        with store_errors(config.store_path), _locked(config):
            store = open_store(config)
            reports = poll_all(config, store, args.source)
            if _left_to_do(config, store):
                import asyncio

                asyncio.run(_finish(config, store))
    except (StoreLocked, DeliveryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    failed = [r for r in reports if not r.ok]
    for report in failed:
        print(f"source {report.source} failed: {report.outcome}: {report.message}", file=sys.stderr)
    return 1 if failed else 0


def _left_to_do(config: AppConfig, store: Store) -> bool:
    """Alerts waiting in an enabled channel, a channel with a schedule of its own (email digests), or a
    text comparison due. Without any, a poll ends without loading the event loop and the notifiers (most
    of a one-shot poll's start-up)."""
    if any(config.notifiers[name].scheduled for name in config.channels):
        return True
    if set(store.oldest_pending()) & set(config.channels):
        return True
    return config.texts.compare and bool(store.due_text_work(datetime.now(UTC), 1))


async def _finish(config: AppConfig, store: Store) -> None:
    from bot.daemon import Bot

    await Bot(config, store).finish_once()


def _ago(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{moment:%Y-%m-%d %H:%M} UTC ({seconds // size}{unit} ago)"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({seconds}s ago)"


def cmd_status(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    with store_errors(config.store_path):
        store = open_store(config)
        health = store.health()
        outbox = store.outbox_counts()
    sources = []
    for source in config.sources:
        h = health.get(source.name)
        sources.append(
            {
                "name": source.name,
                "kind": source.kind,
                "enabled": source.enabled,
                "paused": bool(h and h.paused),
                "last_success": h.last_success.isoformat() if h and h.last_success else None,
                "last_outcome": h.last_outcome if h else None,
                "last_error": h.last_error if h else None,
                "last_error_at": h.last_error_at.isoformat() if h and h.last_error_at else None,
                "consecutive_failures": h.consecutive_failures if h else 0,
                "items": h.item_count if h else 0,
            }
        )
    channels = [
        {"channel": name, **outbox.get(name, {"pending": 0, "failed": 0, "sent": 0})}
        for name in sorted(set(config.channels) | set(outbox))
    ]
    if args.json:
        print(json.dumps({"sources": sources, "channels": channels}, indent=2))
        return 0
    print(f"store: {config.store_path}")
    print("sources:")
    for s in sources:
        h = health.get(s["name"])
        state = (
            "disabled" if not s["enabled"] else "paused" if s["paused"] else s["last_outcome"] or "not polled"
        )
        print(f"  {s['name']} ({s['kind']}): {state}; {s['items']} items")
        print(f"    last success: {_ago(h.last_success if h else None)}")
        if s["consecutive_failures"]:
            since = _ago(h.last_error_at if h else None)
            print(f"    failing: {s['consecutive_failures']} in a row; last error {since}")
            print(f"      {s['last_error']}")
    print("channels:")
    for c in channels:
        print(f"  {c['channel']}: {c['pending']} pending ({c['failed']} retrying), {c['sent']} sent")
    return 0


def _read_target(target: str, http: HttpConfig) -> Page:
    if target.startswith(("http://", "https://")):
        page = HttpFetcher(http).get(target, conditional=False)
        assert page is not None  # unconditional requests never answer 304
        return page
    path = Path(target)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SourceError("network_error", f"{target}: {exc.strerror}") from None
    content_type = _CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or ""
    return Page(path.resolve().as_uri(), 200, {"content-type": content_type}, body, datetime.now(UTC))


def _options(kind_options: type, pairs: list[str], where: str) -> Any:
    table: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"{where}: --option takes KEY=VALUE, got {pair!r}")
        try:
            table[key] = json.loads(value)
        except json.JSONDecodeError:
            table[key] = value
    return from_table(kind_options, table, where)


def cmd_inspect(args: argparse.Namespace) -> int:
    try:
        cls = load_kind(args.kind)
    except UnknownKind as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    http = load_config(args.config).http if args.config else HttpConfig()
    watcher = cls("inspect", args.target, _options(cls.Options, args.option, f"inspect {args.kind}"))
    try:
        page = _read_target(args.target, http)
        if not page.body.strip():
            raise SourceError("parse_error", f"{args.target}: empty body")
        items = watcher.inspect(page, HttpFetcher(http))
    except SourceError as exc:
        print(f"error: {args.target}: {exc.outcome}: {exc}", file=sys.stderr)
        return 1
    for item in items:
        print(json.dumps({"key": item.key, "kind": item.kind, "fields": item.fields}, ensure_ascii=False))
    return 0
