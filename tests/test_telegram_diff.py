"""/diff in a private chat: a revision against the version it replaces, a draft against its
initiative's previous resolution, and a text that is not published yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.fake_telegram import parse_html
from tests.telegram_fixtures import telegram_setup
from tests.test_telegram_commands import ask, said
from tests.un_documents import PATH, fixture, serve
from watchers.base import Item

L13, REV1 = "A/HRC/43/L.13", "A/HRC/43/L.13/Rev.1"
TITLE = "Promoting mutually beneficial cooperation in the field of human rights"


def texts_config(httpserver: HTTPServer) -> str:
    url = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    return f'\n[http]\nmin_host_gap = "0s"\n\n[texts]\nurl = "{url}"\n'


@pytest.fixture
def documents(httpserver: HTTPServer) -> list[str]:
    return serve(
        httpserver,
        {
            (L13, "pdf"): fixture("un-layout-L13.pdf"),
            (REV1, "doc"): fixture("un-layout-L13-Rev1.docx"),
            ("A/HRC/RES/37/23", "pdf"): fixture("un-layout-RES-37-23.pdf"),
        },
        html_for=set(),
    )


async def test_diff_of_a_revision_names_the_changed_paragraphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, documents: list[str]
) -> None:
    async with telegram_setup(tmp_path, monkeypatch, True, texts_config(httpserver)) as s:
        replies = await ask(s, f"/diff {REV1.lower()}", replies=2)
        message, attachment = replies
        text = parse_html(message.text)
        assert text.startswith("Rev.1 against L.13: 6 preambular and 3 operative paragraphs dropped")
        assert "PP12 reworded, now PP9\nReaffirming also that the work" in text
        assert "<s>also</s>" in message.text and "more changes" in text
        assert attachment.method == "sendDocument"
        page = attachment.files["document"].decode()
        assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<del>also</del>" in page
        assert documents == [f"{REV1} doc", f"{L13} doc", f"{L13} pdf"]


async def test_diff_of_a_new_draft_finds_the_previous_resolution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, documents: list[str]
) -> None:
    """The seed's case: the 2020 draft of the initiative against its 2018 resolution, 37/23."""
    async with telegram_setup(tmp_path, monkeypatch, True, texts_config(httpserver)) as s:
        s.apply([Item(L13, "document", {"symbol": L13, "family": L13, "title": TITLE})])
        message, _ = await ask(s, f"/diff {L13}", replies=2)
        text = parse_html(message.text)
        assert text.startswith("43/L.13 against RES/37/23: OP5 dropped, 7 preambular paragraphs reworded")
        assert "New PP7\nAcknowledging that the approach of multilateralism" in text
        assert documents[-2:] == ["A/HRC/RES/37/23 doc", "A/HRC/RES/37/23 pdf"]


async def test_diff_says_how_to_use_it_and_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, documents: list[str]
) -> None:
    async with telegram_setup(tmp_path, monkeypatch, True, texts_config(httpserver)) as s:
        assert "for example: /diff" in said(await ask(s, "/diff"))
        missing = said(await ask(s, "/diff A/HRC/43/L.99"))
        assert missing.startswith("Cannot compare: A/HRC/43/L.99: an empty answer: the text is not published")
        assert "/diff" in said(await ask(s, "/help"))
