"""`python -m bot vote parse|history|chart`: read a vote text, look up an initiative, draw a vote."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from watchers.votes.model import Vote

# The parsers, the history and Pillow are imported by the handlers that use them: every other
# command (`poll` from cron, above all) would otherwise pay for them at start.

MAX_INPUT_BYTES = 5_000_000


def _read(path: str) -> str:
    data = sys.stdin.buffer.read(MAX_INPUT_BYTES) if path == "-" else Path(path).read_bytes()
    return data[:MAX_INPUT_BYTES].decode("utf-8", errors="replace")


def _summary(vote: Vote) -> list[str]:
    tallies = "-".join("?" if n is None else str(n) for n in vote.tallies())
    lines = [
        f"{vote.key_symbol or '(no symbol)'} {vote.title or ''}".strip(),
        f"  {vote.outcome or 'outcome not stated'}, {tallies} (yes-no-abstain)"
        + (f", {vote.date}" if vote.date else ""),
    ]
    if vote.roll_call:
        counted = vote.counted()
        lines.append("  roll-call: " + ", ".join(f"{k} {v}" for k, v in counted.items() if v))
    lines.extend(f"  warning: {w}" for w in vote.warnings)
    if vote.unrecognised:
        lines.append("  unrecognised: " + "; ".join(vote.unrecognised))
    return lines


def _parse(args: argparse.Namespace) -> int:
    from watchers.votes.parse_text import parse_vote_texts

    votes = parse_vote_texts(_read(args.file), args.session)
    if args.json:
        payload = [v.to_json() for v in votes]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2))
    else:
        from state.vote_history import VoteHistory, compare

        history = VoteHistory()
        for vote in votes:
            print("\n".join(_summary(vote)))
            previous = history.previous(vote)
            if previous is not None:
                print("\n".join("  " + line for line in compare(previous, vote).lines()))
    return 0 if votes and any(v.tallies() != (None, None, None) or v.roll_call for v in votes) else 1


def _history(args: argparse.Namespace) -> int:
    from state.vote_history import VoteHistory

    votes = VoteHistory().search(args.query)
    for vote in votes:
        tallies = "-".join("?" if n is None else str(n) for n in vote.tallies())
        print(f"{vote.date or '?':10}  {vote.key_symbol or '?':22}  {tallies:9}  {vote.title or ''}")
    if not votes:
        print("no earlier vote found", file=sys.stderr)
    return 0 if votes else 1


def _chart(args: argparse.Namespace) -> int:
    from watchers.votes.parse_text import parse_vote_texts

    votes = parse_vote_texts(_read(args.file), args.session)
    if not votes:
        print("no vote in the text", file=sys.stderr)
        return 1
    from bot.vote_chart import render_vote_chart

    render_vote_chart(votes[0], args.output)
    print(args.output)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vote = subparsers.add_parser("vote", help="parse, look up and draw recorded votes")
    commands = vote.add_subparsers(dest="vote_command", required=True, metavar="ACTION")
    parse = commands.add_parser("parse", help="read a vote text, vote screen or MARCXML file")
    parse.add_argument("file", help="a text file, or - for standard input")
    parse.add_argument("--session", help="HRC session (37, S-11) for the membership check")
    parse.add_argument("--json", action="store_true", help="print the vote as JSON")
    parse.set_defaults(handler=_parse)
    history = commands.add_parser("history", help="earlier votes on the same initiative")
    history.add_argument("query", help="a symbol (A/HRC/RES/46/13) or words of the title")
    history.set_defaults(handler=_history)
    chart = commands.add_parser("chart", help="draw a vote as a PNG")
    chart.add_argument("file")
    chart.add_argument("--session")
    chart.add_argument("-o", "--output", required=True, help="where to write the PNG")
    chart.set_defaults(handler=_chart)
