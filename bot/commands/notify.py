"""`python -m bot test-notify CHANNEL`: one test message, and in plain words what failed if it did."""

from __future__ import annotations

import argparse
import sys

from bot.config import load_config
from bot.logging_setup import setup_logging
from bot.notifiers.base import DeliveryError, Notifier
from bot.notifiers.registry import NOTIFIER_MODULES, load_kind
from bot.runtime import Runtime, open_store
from state.errors import store_errors


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "test-notify", help="send a test message on one channel (telegram, email) and say what failed"
    )
    parser.add_argument("channel", help="the channel, as its config.toml section is named")
    parser.add_argument(
        "--config", default="config.toml", help="path to config.toml (default: ./config.toml)"
    )
    parser.set_defaults(handler=cmd_test_notify)


async def _test(notifier: Notifier) -> int:
    """Each notifier kind that can be tested offers `async test_message() -> str`."""
    try:
        result = await notifier.test_message()  # type: ignore[attr-defined]
    except DeliveryError as exc:
        print(f"{notifier.kind}: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        await notifier.stop()
    print(f"{notifier.kind}: {result}")
    return 0


def cmd_test_notify(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    setup_logging(config)
    if args.channel not in NOTIFIER_MODULES:
        known = ", ".join(sorted(NOTIFIER_MODULES))
        print(f"unknown channel {args.channel!r} (channels: {known})", file=sys.stderr)
        return 2
    settings = config.notifiers[args.channel]
    if not settings.enabled:
        print(f"{args.channel} is not enabled: set enabled = true in [{args.channel}] of {config.path}")
        return 2
    notifier_class = load_kind(args.channel)
    if not hasattr(notifier_class, "test_message"):
        print(f"{args.channel} has no test message", file=sys.stderr)
        return 2
    with store_errors(config.store_path):
        store = open_store(config)
        try:
            import asyncio  # only this command needs the event loop

            return asyncio.run(_test(notifier_class(settings, Runtime(config, store))))
        finally:
            store.close()
