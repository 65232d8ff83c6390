"""Kind `ohchr_session`: both res-dec-stat layouts become draft status changes, adopted texts, votes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.base import Page, ParseError
from watchers.ohchr_session import OhchrSession
from watchers.registry import load_kinds

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
URL = "https://www.ohchr.org/en/hr-bodies/hrc/regular-sessions/session51/res-dec-stat"


def parse(name: str) -> dict[str, dict]:
    page = Page(URL, 200, {}, (FIXTURES / name).read_bytes(), datetime(2026, 4, 1, tzinfo=UTC))
    items = OhchrSession("test", URL, OhchrSession.Options()).parse(page)
    return {item.key: dict(item.fields) | {"_kind": item.kind} for item in items}


def test_registered() -> None:
    assert load_kinds()["ohchr_session"] is OhchrSession


def test_new_layout_status_changes_on_drafts() -> None:
    items = parse("ohchr_res_dec_stat_session51.html")
    assert {k: v["status"] for k, v in items.items() if v["_kind"] == "document" and v["is_draft"]} == {
        "A/HRC/51/L.3": "adopted_without_vote",
        "A/HRC/51/L.9": "adopted_by_vote",
        "A/HRC/51/L.11/Rev.1": "adopted_without_vote",
        "A/HRC/51/L.20": "rejected_by_vote",
        "A/HRC/51/L.21": "withdrawn",
        "A/HRC/51/L.2": "adopted_without_vote",
    }
    draft = items["A/HRC/51/L.9"]
    assert draft["resolution"] == "A/HRC/RES/51/7"
    assert draft["action"].startswith("Adopted by a recorded vote | 29 to 13")
    assert draft["action_date"] == "2022-10-06"
    assert draft["title"] == "The right to development"
    assert items["A/HRC/51/L.11/Rev.1"]["orally_revised"] is True
    assert items["A/HRC/51/L.11/Rev.1"]["revision_of"] == "A/HRC/51/L.11"
    assert "resolution" not in items["A/HRC/51/L.21"]


def test_new_layout_adopted_texts_and_votes() -> None:
    items = parse("ohchr_res_dec_stat_session51.html")
    res = items["A/HRC/RES/51/7"]
    assert res["url"] == "https://www.ohchr.org/en/documents/resolutions/ahrcres517"
    assert res["draft"] == "A/HRC/51/L.9" and res["status"] == "adopted_by_vote"
    assert items["A/HRC/DEC/51/115"]["draft"] == "A/HRC/51/L.2"
    assert items["A/HRC/PRST/51/1"]["status"] == "read_out"
    vote = items["vote:A/HRC/51/L.9"]
    assert (vote["outcome"], vote["yes"], vote["no"], vote["abstain"]) == ("adopted", 29, 13, 5)
    assert vote["draft_symbol"] == "A/HRC/51/L.9" and vote["checks"]["session"] == "51"
    rejected = items["vote:A/HRC/51/L.20"]
    assert (rejected["outcome"], rejected["symbol"], rejected["yes"], rejected["no"]) == (
        "rejected",
        None,
        18,
        21,
    )
    assert not any(k.startswith("vote:") and "51/2" in k for k in items)


def test_old_layout() -> None:
    items = parse("ohchr_res_dec_stat_session48_old.html")
    assert items["A/HRC/48/L.23/Rev.1"]["resolution"] == "A/HRC/RES/48/13"
    assert items["A/HRC/48/L.11"]["status"] == "rejected_by_vote"
    assert items["A/HRC/48/L.16"]["status"] == "withdrawn"
    assert items["A/HRC/48/L.16"]["action_date"] == "2021-10-08"
    assert items["A/HRC/RES/48/25"]["status"] == "adopted_without_vote"
    assert "draft" not in items["A/HRC/RES/48/25"]
    assert items["A/HRC/DEC/48/115"]["series"] == "DEC"
    assert items["A/HRC/RES/48/5"]["url"].endswith("/Session48/Documents/A_HRC_RES_48_5.docx")
    assert items["vote:A/HRC/48/L.23/Rev.1"]["yes"] == 43


@pytest.mark.parametrize(
    "name", ["ohchr_not_res_dec_stat.html", "garbage.bin", "plain_text.txt", "empty.html"]
)
def test_not_a_session_page_raises(name: str) -> None:
    with pytest.raises(ParseError):
        parse(name)


def test_tables_present_but_not_filled_in_yet_is_empty() -> None:
    body = b'<html><body><table summary="List of Resolutions"><tr><th>No.</th></tr></table></body></html>'
    page = Page(URL, 200, {}, body, datetime(2026, 4, 1, tzinfo=UTC))
    assert OhchrSession("t", URL, OhchrSession.Options()).parse(page) == []
