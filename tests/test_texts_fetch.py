"""Fetching a text by symbol with the shared HTTP client: the spellings it tries, and a bot challenge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.un_documents import PATH, fixture
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.texts.errors import TextUnavailable
from watchers.texts.fetch import fetch_text

REV1 = "A/HRC/43/L.13/Rev.1"


def client() -> HttpFetcher:
    return HttpFetcher(HttpConfig(min_host_gap=timedelta(0)))


def test_the_encoded_spelling_is_tried_after_the_literal_one(httpserver: HTTPServer) -> None:
    asked: list[str] = []

    def answer(request: Request) -> Response:
        raw = request.query_string.decode()
        asked.append(raw)
        if "%2F" in raw and request.args.get("t") == "pdf":
            return Response(fixture("un-layout-L13-Rev1.pdf"), 200, content_type="application/pdf")
        return Response(b"", 200)

    httpserver.expect_request(PATH).respond_with_handler(answer)
    url = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    text = fetch_text(client(), REV1, url)
    assert text.symbol == REV1 and len(text.paragraphs) == 25
    assert text.meta["url"].endswith("s=A%2FHRC%2F43%2FL.13%2FRev.1&l=en&t=pdf")
    assert [("%2F" in a, a.rsplit("=", 1)[1]) for a in asked] == [
        (False, "doc"),
        (False, "pdf"),
        (True, "doc"),
        (True, "pdf"),
    ]


def test_a_bot_challenge_stops_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_response(
        Response(b"", 202, headers={"x-amzn-waf-action": "challenge"})
    )
    url = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    with pytest.raises(TextUnavailable) as caught:
        fetch_text(client(), REV1, url)
    assert caught.value.reason == "blocked" and str(caught.value).startswith(f"{REV1}: could not be fetched")
    assert len(httpserver.log) == 1


def test_a_missing_document_is_not_published(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("Not Found", status=404)
    url = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    with pytest.raises(TextUnavailable) as caught:
        fetch_text(client(), REV1, url)
    assert caught.value.reason == "not_published" and len(httpserver.log) == 4
