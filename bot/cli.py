"""`python -m bot ...`: one entry point; each subcommand lives in a module of bot.commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.typed_config import ConfigError
from state.errors import StoreError

COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands.core",
    "bot.commands.vote",
    "bot.commands.notify",
    "bot.commands.text",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="HRC Watch")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Each subcommand's handler returns the exit status; a config error is one line and status 2, a store
    that cannot be used (corrupt, read-only, no directory) one line and status 1."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        message = " ".join(str(exc).split())
        print(f"config error: {message[:1000]}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"store error: {str(exc)[:1000]}", file=sys.stderr)
        return 1
