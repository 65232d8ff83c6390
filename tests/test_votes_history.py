"""Shipped history, comparisons between votes, MARCXML, action texts and the chart."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.vote_chart import render_vote_chart
from state.store import Store
from state.vote_history import VoteHistory, compare
from watchers.votes.action_text import parse_action_text
from watchers.votes.countries import registry
from watchers.votes.marc import parse_voting_records
from watchers.votes.parse_text import parse_vote_text

FIXTURES = Path(__file__).parent / "fixtures" / "votes"
SERIES = "fixture_mutually_beneficial_cooperation_series.csv"


@pytest.fixture(scope="module")
def history() -> VoteHistory:
    return VoteHistory()


def _series() -> list[dict[str, str]]:
    with (FIXTURES / SERIES).open() as f:
        return list(csv.DictReader(f))


def _movers(a: str, b: str) -> set[str]:
    return {r["country_iso3"] for r in _series() if r[a] and r[b] and r[a] != r[b]}


def test_history_round_trips(history: VoteHistory) -> None:
    votes = history.shipped()
    assert len(votes) == 974
    for vote in votes:
        counted = vote.counted()
        assert (counted["yes"], counted["no"], counted["abstain"]) == vote.tallies(), vote.key_symbol
        assert counted["not_voting"] == vote.non_voting


def test_mutually_beneficial_cooperation_comparisons(history: VoteHistory) -> None:
    votes = history.search("Promoting mutually beneficial cooperation in the field of human rights")
    assert [v.symbol for v in votes] == ["A/HRC/RES/37/23", "A/HRC/RES/43/21", "A/HRC/RES/46/13"]
    first = compare(votes[0], votes[1])
    moved = {c for by_move in first.movers.values() for codes in by_move.values() for c in codes}
    assert moved == _movers("A/HRC/RES/37/23", "A/HRC/RES/43/21")
    lines = first.lines()
    assert "Tallies: 28-1-17 in 2018 -> 23-16-8 now" in lines
    assert any(line.startswith("Moved abstain -> no:") and "Japan" in line for line in lines)
    second = compare(votes[1], votes[2])
    assert second.movers == {}
    assert "Every member that voted on both voted the same way" in second.lines()
    assert history.previous(votes[2]).symbol == "A/HRC/RES/43/21"


def test_new_vote_is_recorded_and_becomes_the_previous_one(tmp_path: Path) -> None:
    conn = Store(tmp_path / "store.sqlite3").connection
    store = VoteHistory(conn)
    screen = parse_vote_text((FIXTURES / "vote_sheet_layout_A-HRC-RES-46-13.txt").read_text())
    later = screen.with_changes(draft_symbol="A/HRC/49/L.9", session="49", date="2022-04-01")
    store.add(later)
    assert (
        VoteHistory(conn)
        .previous(later.with_changes(draft_symbol="A/HRC/52/L.3", date="2023-04-01"))
        .draft_symbol
        == "A/HRC/49/L.9"
    )
    assert [v.key_symbol for v in VoteHistory(conn).search("A/HRC/49/L.9")][-1] == "A/HRC/49/L.9"


def _marc_from_sample(symbol: str) -> bytes:
    with (FIXTURES / "ohchr_searchlibrary_hrc_voting_resolutions_sample.csv").open() as f:
        meta = next(r for r in csv.DictReader(f) if r["symbol"] == symbol)
    with (FIXTURES / "ohchr_searchlibrary_hrc_votes_long_sample.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["symbol"] == symbol]
    sub = '<subfield code="{}">{}</subfield>'.format
    out = io.StringIO()
    out.write('<collection xmlns="http://www.loc.gov/MARC21/slim"><record>')
    out.write(f'<controlfield tag="001">{meta["record_id"]}</controlfield>')
    out.write(f'<datafield tag="791">{sub("a", symbol)}</datafield>')
    out.write(f'<datafield tag="269">{sub("a", meta["date"].replace("-", ""))}</datafield>')
    out.write(f'<datafield tag="591">{sub("a", meta["vote_type"])}</datafield>')
    out.write(f'<datafield tag="993">{sub("a", meta["draft"])}</datafield>')
    totals = "".join(
        sub(c, meta[k]) for c, k in zip("bcde", ("yes", "no", "abstain", "nonvoting"), strict=True)
    )
    out.write(f'<datafield tag="996">{totals}</datafield>')
    for r in rows:
        out.write(
            f'<datafield tag="967">{sub("b", r["iso3"])}{sub("d", r["vote"])}'
            f"{sub('e', r['country'])}</datafield>"
        )
    out.write("</record></collection>")
    return out.getvalue().encode()


def test_marc_records_match_their_996_totals() -> None:
    (vote,) = parse_voting_records(_marc_from_sample("A/HRC/RES/61/6"))
    assert (vote.yes, vote.no, vote.abstain, vote.non_voting) == (28, 17, 1, 1)
    assert vote.roll_call["BOL"] == "not_voting"
    assert vote.draft_symbol == "A/HRC/61/L.2" and vote.date == "2026-03-27"
    assert vote.counted()["yes"] == 28 and vote.warnings == ()


@pytest.mark.parametrize("garbage", [b"", b"not xml", b"<html><body/></html>"])
def test_marc_garbage_is_a_value_error(garbage: bytes) -> None:
    with pytest.raises(ValueError):
        parse_voting_records(garbage)


def test_action_texts_from_ohchr_pages() -> None:
    with (FIXTURES / "dw_unhrc_resolutions_action_taken.csv").open() as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        result = parse_action_text(row["action_taken"])
        if row["status"] == "Withdrawn":
            assert result.status == "withdrawn"
        if row["status"] == "Rejected":
            assert result.status == "rejected_by_vote"
    first = parse_action_text(
        "Adopted by a recorded vote (23 to 16, with 8 abstentions), 45th meeting, 22 June 2020"
    )
    assert (first.status, first.yes, first.no, first.abstain, first.meeting, first.date) == (
        "adopted_by_vote",
        23,
        16,
        8,
        45,
        "2020-06-22",
    )
    old = parse_action_text("Adopted onN March N[without a vote]".replace("N", "3"))
    assert old.status == "adopted_without_vote"


def test_registry_groups_and_substring_trap() -> None:
    reg = registry()
    assert reg.group("BRA") == "Latin American and Caribbean"
    with (FIXTURES / "fixture_sri_lanka_series.csv").open() as f:
        for row in csv.DictReader(f):
            assert reg.group(row["country_iso3"]) is not None


def test_chart_is_a_readable_png(tmp_path: Path) -> None:
    vote = parse_vote_text((FIXTURES / "rightdocs_A-HRC-RES-37-23.txt").read_text())
    out = tmp_path / "vote.png"
    render_vote_chart(vote, out)
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 1280 and 600 < image.height < 2000
