"""Kind `un_documents_feed`: one item per HRC symbol of the UN documents RSS, drafts flagged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchers.base import Page, ParseError
from watchers.registry import load_kinds
from watchers.un_documents_feed import UnDocumentsFeed

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
URL = "https://docs.un.org/rss/hrc.xml"


def parse(name: str, **options: bool) -> dict[str, dict]:
    page = Page(URL, 200, {}, (FIXTURES / name).read_bytes(), datetime(2026, 4, 1, tzinfo=UTC))
    watcher = UnDocumentsFeed("test", URL, UnDocumentsFeed.Options(**options))
    return {item.key: dict(item.fields) for item in watcher.parse(page)}


def test_registered() -> None:
    assert load_kinds()["un_documents_feed"] is UnDocumentsFeed


def test_items_per_symbol_with_links_and_draft_flag() -> None:
    items = parse("un_documents_hrc_rss.xml")
    assert list(items) == [
        "A/HRC/61/L.13",
        "A/HRC/61/L.13/Rev.1",
        "A/HRC/61/L.28/Add.1",
        "A/HRC/61/SR.29",
    ]
    assert items["A/HRC/61/L.13"]["is_draft"] is True
    assert items["A/HRC/61/SR.29"]["is_draft"] is False
    rev = items["A/HRC/61/L.13/Rev.1"]
    assert rev["revision_of"] == "A/HRC/61/L.13" and rev["family"] == "A/HRC/61/L.13"
    assert rev["url"] == "https://docs.un.org/en/A/HRC/61/L.13/Rev.1"
    assert rev["pdf_url"] == ("https://documents.un.org/api/symbol/access?s=A/HRC/61/L.13/Rev.1&l=en&t=pdf")
    older = items["A/HRC/61/L.28/Add.1"]
    assert older["title"] == "Promotion and protection of the rights of older persons", (
        "the type is not the title"
    )
    assert older["document_type"] == "draft resolution"
    assert rev["document_type"] == "revised draft resolution"


def test_drafts_only() -> None:
    assert "A/HRC/61/SR.29" not in parse("un_documents_hrc_rss.xml", drafts_only=True)


@pytest.mark.parametrize("name", ["symbols_page_drafts.html", "garbage.bin", "plain_text.txt", "empty.html"])
def test_not_a_feed_raises(name: str) -> None:
    with pytest.raises(ParseError):
        parse(name)


def test_entity_declarations_are_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "A/HRC/61/L.1">]>'
        b"<rss version='2.0'><channel><item><title>&a;</title></item></channel></rss>"
    )
    page = Page(URL, 200, {}, body, datetime(2026, 4, 1, tzinfo=UTC))
    with pytest.raises(ParseError):
        UnDocumentsFeed("t", URL, UnDocumentsFeed.Options()).parse(page)
