"""Scores the vote reader on every real text in tests/fixtures/votes against the official record.

    .venv/bin/python scripts/score_real_texts.py [--json] [--verbose]

For each text: votes reported (by the record), votes read (a read vote whose tallies are the record's),
vote items (votes the press feed would publish: both tallies and a key, by symbol or by title), tallies
right (figures equal to the record; a figure the text does not give may be absent), and wrong
facts: a figure, outcome, symbol or date that is not the record's, a country under another vote than the
record's roll-call, a title that joins another text of the session than the record's (match_draft over
the record's titles of that session), or a vote the text does not report. A non-member the text itself
lists (a source error) is not a wrong fact when the vote carries the membership warning: it is counted
as flagged.
Ground truth: tests/fixtures/votes/real_texts_expected.json (derived from the record) and the record's
roll-calls shipped in state/data.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from state.vote_history import VoteHistory  # noqa: E402
from watchers.press_feed import story_items  # noqa: E402
from watchers.votes.chrome import strip_chrome  # noqa: E402
from watchers.votes.model import Vote, session_of  # noqa: E402
from watchers.votes.parse_text import parse_vote_texts  # noqa: E402
from watchers.votes.title_match import match_draft  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "votes"
EXPECTED = FIXTURES / "real_texts_expected.json"
FIGURES = ("yes", "no", "abstain")


@dataclass
class TextScore:
    name: str
    set: str
    reported: int = 0
    read: int = 0
    items: int = 0
    by_title: int = 0
    joined: int = 0
    figures: int = 0
    figures_right: int = 0
    flagged: int = 0
    wrong: list[str] = field(default_factory=list)


@functools.cache
def _session_titles() -> dict[str, list[tuple[str, str]]]:
    by_session: dict[str, list[tuple[str, str]]] = {}
    for vote in VoteHistory().shipped():
        if vote.session and vote.title and vote.symbol:
            by_session.setdefault(vote.session, []).append((vote.symbol, vote.title))
    return by_session


def _roll_calls(expected: dict[str, Any]) -> dict[str, dict[str, str]]:
    calls = {v.key_symbol: dict(v.roll_call) for v in VoteHistory().shipped() if v.key_symbol}
    for symbol, corrections in expected.get("record_corrections", {}).items():
        calls[symbol].update({k: v for k, v in corrections.items() if k != "reason"})
    return calls  # type: ignore[return-value]


def _matches(vote: Vote, want: dict[str, Any]) -> bool:
    given = [(vote_value, want[k]) for k in FIGURES if (vote_value := getattr(vote, k)) is not None]
    return len(given) >= 2 and all(a == b for a, b in given)


def _facts(vote: Vote, want: dict[str, Any], roll_call: dict[str, str] | None, score: TextScore) -> None:
    label = f"{want.get('symbol') or want.get('draft') or 'vote'}"
    for key in FIGURES:
        value = getattr(vote, key)
        score.figures += 1
        if value == want[key]:
            score.figures_right += 1
        elif value is not None:
            score.wrong.append(f"{label}: {key} {value}, the record says {want[key]}")
    if vote.outcome is not None and vote.outcome != want["outcome"]:
        score.wrong.append(f"{label}: outcome {vote.outcome}, the record says {want['outcome']}")
    known = {want.get("symbol"), want.get("draft")} - {None}
    for read in (vote.symbol, vote.draft_symbol):
        if read is not None and read not in known:
            score.wrong.append(
                f"{label}: symbol {read}, the record says {', '.join(sorted(known)) or 'none'}"
            )
    if vote.date is not None and vote.date != want.get("date"):
        score.wrong.append(f"{label}: date {vote.date}, the record says {want.get('date')}")
    record = want.get("record")
    if record and vote.title and vote.key_symbol is None:
        joined = match_draft(vote.title, _session_titles().get(session_of(record) or "", []))
        score.by_title += 1
        score.joined += joined == record
        if joined is not None and joined != record:
            score.wrong.append(f"{label}: the title '{vote.title}' joins {joined}, the record says {record}")
    if roll_call is None:
        return
    outsiders_flagged = any("not members" in w for w in vote.warnings)
    for iso3, choice in vote.roll_call.items():
        if choice == "not_shown":
            continue
        official = roll_call.get(iso3)
        if official is None and outsiders_flagged:
            score.flagged += 1
        elif official != choice:
            score.wrong.append(f"{label}: {iso3} read as {choice}, the record says {official}")


def _press_items(text: str, wanted: list[dict[str, Any]]) -> int:
    """How many of the reported votes the press feed would publish as vote items, the text's first line
    taken as the article's headline."""
    headline, _, story = strip_chrome(text).strip().partition("\n")
    items = [
        i
        for i in story_items("https://example.org/a", headline.strip(), None, story, "article", "")
        if i.kind == "vote"
    ]
    return sum(any((i.fields["yes"], i.fields["no"]) == (w["yes"], w["no"]) for i in items) for w in wanted)


def score_text(name: str, spec: dict[str, Any], roll_calls: dict[str, dict[str, str]]) -> TextScore:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    votes = parse_vote_texts(text)
    score = TextScore(name=name, set=spec["set"], reported=len(spec["votes"]))
    unused = list(votes)
    for want in spec["votes"]:
        found = next((v for v in unused if _matches(v, want)), None)
        record = roll_calls.get(want["record"]) if want.get("record") else None
        if found is None:
            score.figures += len(FIGURES)
            continue
        unused.remove(found)
        score.read += 1
        _facts(found, want, record, score)
    score.items = _press_items(text, spec["votes"])
    for extra in unused:
        tallies = "-".join("?" if n is None else str(n) for n in extra.tallies())
        score.wrong.append(f"a vote the text does not report: {tallies} {extra.title or ''}".strip())
    return score


def score_all() -> list[TextScore]:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    roll_calls = _roll_calls(expected)
    return [score_text(name, spec, roll_calls) for name, spec in expected["texts"].items()]


def _print(scores: list[TextScore], verbose: bool) -> None:
    print(f"{'text':58} {'set':8} {'reported':>8} {'read':>5} {'items':>5} {'tallies':>8} {'wrong':>6}")
    for s in scores:
        tallies = f"{s.figures_right}/{s.figures}"
        print(
            f"{s.name[:58]:58} {s.set:8} {s.reported:8} {s.read:5} {s.items:5} {tallies:>8} {len(s.wrong):6}"
        )
        if verbose:
            for fact in s.wrong:
                print(f"    wrong: {fact}")
    for name in ("dev", "held-out"):
        group = [s for s in scores if s.set == name]
        print(
            f"{name}: {len(group)} texts, votes read {sum(s.read for s in group)}/"
            f"{sum(s.reported for s in group)}, vote items {sum(s.items for s in group)}, "
            f"tallies right {sum(s.figures_right for s in group)}/"
            f"{sum(s.figures for s in group)}, wrong facts {sum(len(s.wrong) for s in group)}, "
            f"source errors flagged {sum(s.flagged for s in group)}; title-only votes of the record joined "
            f"to their text by title {sum(s.joined for s in group)}/{sum(s.by_title for s in group)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per text")
    parser.add_argument("--verbose", action="store_true", help="list every wrong fact")
    args = parser.parse_args()
    scores = score_all()
    if args.json:
        for s in scores:
            print(json.dumps(asdict(s), ensure_ascii=False))
    else:
        _print(scores, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
