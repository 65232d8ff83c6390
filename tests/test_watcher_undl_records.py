"""Kind `undl_records`: Digital Library draft records and Search Library voting records (MARCXML)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.base import Page, ParseError
from watchers.registry import load_kinds
from watchers.undl_records import UndlRecords

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
UNDL = 'https://digitallibrary.un.org/search?p=191__a:"A/HRC/55/L.*"&of=xm&rg=200'
SEARCH = "https://searchlibrary.ohchr.org/search?cc=Voting&of=xm"


def parse(name: str, url: str = UNDL) -> dict[str, dict]:
    page = Page(url, 200, {}, (FIXTURES / name).read_bytes(), datetime(2026, 4, 1, tzinfo=UTC))
    return {i.key: dict(i.fields) for i in UndlRecords("t", url, UndlRecords.Options()).parse(page)}


def test_registered() -> None:
    assert load_kinds()["undl_records"] is UndlRecords


def test_real_third_committee_record_is_not_taken_for_hrc() -> None:
    assert parse("undl_marcxml_draft_A_C.3_78_L.49_Rev.1_real.xml") == {}


def test_draft_record_fields() -> None:
    items = parse("undl_marcxml_draft_hrc_adapted.xml")
    assert list(items) == ["A/HRC/55/L.49/Rev.1"]
    draft = items["A/HRC/55/L.49/Rev.1"]
    assert draft["revision_of"] == "A/HRC/55/L.49" and draft["is_draft"] is True
    assert draft["title"] == "Promotion and protection of human rights in the context of digital technologies"
    assert draft["document_type"] == "revised draft resolution"
    assert draft["sponsors"][:3] == ["Argentina", "Armenia", "Austria"]
    assert draft["sponsors"][-2:] == ["Slovenia", "South Africa"]
    assert len(draft["sponsors"]) == 24
    assert draft["additional_sponsors"][:3] == ["Albania", "Andorra", "Australia"]
    assert "Netherlands (Kingdom of the)" in draft["sponsor_states"]
    assert draft["languages"] == ["ar", "en", "es", "fr", "ru", "zh"]
    assert draft["pdf_url"] == (
        "https://digitallibrary.un.org/record/4026910/files/A_HRC_55_L.49_Rev.1-EN.pdf"
    )
    assert draft["date"] == "2023-11-08"
    assert draft["resolution"] == "A/HRC/RES/55/21"
    assert draft["record_url"] == "https://digitallibrary.un.org/record/4026910"


def test_voting_records_give_statuses_and_votes() -> None:
    items = parse("searchlibrary_voting_61.xml", SEARCH)
    statuses = {k: v.get("status") for k, v in items.items() if not k.startswith("vote:")}
    assert statuses == {
        "A/HRC/61/L.2": "adopted_by_vote",
        "A/HRC/RES/61/6": "adopted_by_vote",
        "A/HRC/61/L.3": "adopted_by_vote",
        "A/HRC/RES/61/7": "adopted_by_vote",
        "A/HRC/61/L.6/Rev.1": "adopted_without_vote",
        "A/HRC/RES/61/34": "adopted_without_vote",
        "A/HRC/61/L.39": "withdrawn",
        "A/HRC/61/L.43": "not_considered",
    }
    assert items["A/HRC/61/L.2"]["resolution"] == "A/HRC/RES/61/6"
    assert items["A/HRC/RES/61/34"]["draft"] == "A/HRC/61/L.6/Rev.1"
    assert items["A/HRC/61/L.2"]["record_url"] == "https://searchlibrary.ohchr.org/record/35381"
    vote = items["vote:A/HRC/61/L.2"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["non_voting"]) == (28, 17, 1, 1)
    assert vote["draft_symbol"] == "A/HRC/61/L.2"
    assert vote["roll_call"]["BOL"] == "not_voting" and len(vote["roll_call"]) == 47
    assert "vote:A/HRC/61/L.6/Rev.1" not in items and "vote:A/HRC/RES/61/34" not in items


@pytest.mark.parametrize(
    "name", ["symbols_page_drafts.html", "un_documents_hrc_rss.xml", "garbage.bin", "empty.html"]
)
def test_not_marcxml_raises(name: str) -> None:
    with pytest.raises(ParseError):
        parse(name)


def test_entities_are_not_expanded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY s "A/HRC/61/L.9">]>'
        b'<collection><record><datafield tag="191"><subfield code="a">&s;</subfield>'
        b"</datafield></record></collection>"
    )
    page = Page(UNDL, 200, {}, body, datetime(2026, 4, 1, tzinfo=UTC))
    assert UndlRecords("t", UNDL, UndlRecords.Options()).parse(page) == []
