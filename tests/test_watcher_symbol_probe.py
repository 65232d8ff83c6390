"""Kind `symbol_probe`: next L numbers and revisions, %PDF check, symbol check, budget and gap."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bot.typed_config import ConfigError, from_table
from watchers.base import Page, ParseError, PollContext, SourceError
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.registry import load_kinds
from watchers.symbol_probe import SymbolProbe, SymbolProbeOptions, current_session

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
PDF = (FIXTURES / "probe_answer_A_HRC_61_L.15.pdf").read_bytes()
NOW = datetime(2026, 3, 30, tzinfo=UTC)
KNOWN = ["A/HRC/61/L.13", "A/HRC/61/L.13/Rev.1", "A/HRC/61/L.14", "A/HRC/60/L.40", "A/HRC/RES/61/2"]


class Documents:
    """documents.un.org on a local server: each symbol's answer from a table (bytes, or "blocked" for an
    AWS WAF challenge); a symbol not in the table answers 200 with an empty body (= not published)."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.answers: dict[str, bytes | str] = {}
        self.asked: list[tuple[str, str | None]] = []  # (s as sent, Range header)
        httpserver.expect_request("/api/symbol/access").respond_with_handler(self._answer)
        self.template = httpserver.url_for("/api/symbol/access") + "?s={symbol}&l=en&t=pdf"
        self.fetcher = HttpFetcher(HttpConfig(min_host_gap=timedelta(0), read_timeout=timedelta(seconds=2)))

    def _answer(self, request: Request) -> Response:
        sent = request.query_string.decode().split("&")[0].removeprefix("s=")
        self.asked.append((sent, request.headers.get("Range")))
        answer = self.answers.get(unquote(sent), b"")
        if answer == "blocked":
            return Response("", status=202, headers={"x-amzn-waf-action": "challenge"})
        return Response(answer, status=206 if answer else 200, content_type="application/pdf")

    def url(self, symbol: str) -> str:
        return self.template.format(symbol=symbol)


@pytest.fixture
def documents(httpserver: HTTPServer) -> Documents:
    return Documents(httpserver)


def context(keys: list[str] = KNOWN) -> PollContext:
    return PollContext(now=NOW, known_keys=lambda prefix: [k for k in keys if k.startswith(prefix)])


def probe(documents: Documents, **options: object) -> tuple[SymbolProbe, list[float]]:
    slept: list[float] = []
    watcher = SymbolProbe("probe", documents.template, SymbolProbeOptions(**options))  # type: ignore[arg-type]
    watcher.sleep = slept.append  # type: ignore[method-assign]
    return watcher, slept


def test_registered_and_options_validated() -> None:
    assert load_kinds()["symbol_probe"] is SymbolProbe
    options = from_table(SymbolProbeOptions, {"session": "S-34", "gap": "2s"}, "sources[0]")
    assert options.gap == timedelta(seconds=2)
    with pytest.raises(ConfigError):
        from_table(SymbolProbeOptions, {"session": "A/HRC/61"}, "sources[0]")


def test_current_session_is_the_newest_regular_one() -> None:
    assert current_session([*KNOWN, "A/HRC/S-39/L.1"]) == "61"
    assert current_session([]) is None


def test_plan_next_numbers_then_revisions_within_budget_and_gap(documents: Documents) -> None:
    watcher, slept = probe(documents, budget=6, gap=timedelta(seconds=3))
    snapshot = watcher.poll(documents.fetcher, context())
    assert snapshot.complete is False and snapshot.items == ()
    assert [sent for sent, _ in documents.asked] == [
        "A/HRC/61/L.15",
        "A/HRC/61/L.16",
        "A/HRC/61/L.17",
        "A/HRC/61/L.14/Rev.1",
        "A/HRC/61/L.14/Add.1",
        "A/HRC/61/L.13/Rev.2",
    ]
    assert all(header == "bytes=0-63" for _, header in documents.asked)
    assert slept == [3.0] * 5


def test_pdf_found_is_a_draft_item_verified_by_its_text(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=3, gap=timedelta(0))
    documents.answers["A/HRC/61/L.15"] = PDF
    (item,) = watcher.poll(documents.fetcher, context()).items
    assert item.key == "A/HRC/61/L.15"
    assert item.fields["verified"] is True and item.fields["is_draft"] is True
    assert item.fields["pdf_url"] == documents.url("A/HRC/61/L.15")
    assert item.fields["url"] == "https://undocs.org/A/HRC/61/L.15"


def test_revision_found_names_what_it_revises(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=10, gap=timedelta(0), lookahead=0)
    documents.answers["A/HRC/61/L.14/Rev.1"] = b"%PDF-1.7\n" + b"x" * 54
    (item,) = watcher.poll(documents.fetcher, context()).items
    assert item.fields["revision_of"] == "A/HRC/61/L.14" and item.fields["verified"] is False


def test_neighbouring_document_html_and_empty_answers_are_not_published(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=3, gap=timedelta(0))
    documents.answers.update(
        {
            "A/HRC/61/L.15": PDF,
            "A/HRC/61/L.16": PDF,  # the text printed in it is L.15's: a neighbour, not L.16
            "A/HRC/61/L.17": b"<html><body>Document not found</body></html>",
        }
    )
    keys = [item.key for item in watcher.poll(documents.fetcher, context()).items]
    assert keys == ["A/HRC/61/L.15"]


def test_blocked_first_probe_is_an_error_not_an_empty_result(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=3, gap=timedelta(0))
    documents.answers["A/HRC/61/L.15"] = "blocked"
    with pytest.raises(SourceError) as raised:
        watcher.poll(documents.fetcher, context())
    assert raised.value.outcome == "blocked"


def test_blocked_after_a_find_keeps_the_find(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=3, gap=timedelta(0))
    documents.answers.update({"A/HRC/61/L.15": PDF, "A/HRC/61/L.16": "blocked"})
    assert [i.key for i in watcher.poll(documents.fetcher, context()).items] == ["A/HRC/61/L.15"]


def test_no_known_session_probes_nothing(documents: Documents) -> None:
    watcher, _ = probe(documents)
    assert watcher.poll(documents.fetcher, context([])).items == () and documents.asked == []


def test_both_slash_spellings(documents: Documents) -> None:
    watcher, _ = probe(documents, budget=2, gap=timedelta(0), slashes="both")
    watcher.poll(documents.fetcher, context())
    assert [sent for sent, _ in documents.asked] == ["A/HRC/61/L.15", "A%2FHRC%2F61%2FL.15"]


def test_parse_of_a_saved_answer(documents: Documents) -> None:
    watcher, _ = probe(documents)
    page = Page("file://probe.pdf", 200, {}, PDF, NOW)
    assert [i.key for i in watcher.parse(page)] == ["A/HRC/61/L.15"]
    for body in (b"", b"<html></html>", b"garbage"):
        with pytest.raises(ParseError):
            watcher.parse(Page("file://x", 200, {}, body, NOW))


# -- against a real server: what is "not published" and what is a failed poll -----------------------


def _real_probe(
    httpserver: HTTPServer, handler: Callable[[Request], Response]
) -> tuple[SymbolProbe, HttpFetcher]:
    httpserver.expect_request("/api/symbol/access").respond_with_handler(handler)
    template = httpserver.url_for("/api/symbol/access") + "?s={symbol}&l=en&t=pdf"
    options = SymbolProbeOptions(budget=3, gap=timedelta(0), revisions=False)
    fetcher = HttpFetcher(HttpConfig(min_host_gap=timedelta(0), read_timeout=timedelta(seconds=2)))
    return SymbolProbe("probe", template, options), fetcher


@pytest.mark.parametrize("code", [429, 500, 502, 503])
def test_a_429_or_a_5xx_fails_the_poll_with_its_retry_after(code: int, httpserver: HTTPServer) -> None:
    """documents.un.org busy is not "L.15 is not published": the poll fails, and says when to come back."""
    answered: list[str] = []

    def busy(request: Request) -> Response:
        answered.append(request.args["s"])
        return Response("busy", status=code, headers={"Retry-After": "900"})

    watcher, fetcher = _real_probe(httpserver, busy)
    with pytest.raises(SourceError) as raised:
        watcher.poll(fetcher, context())
    assert raised.value.outcome == "http_error" and raised.value.status == code
    assert raised.value.retry_after == 900
    assert answered == ["A/HRC/61/L.15"]  # 900 s is longer than a retry may wait: asked once


def test_a_4xx_is_not_published_and_the_probe_goes_on(httpserver: HTTPServer) -> None:
    answered: list[str] = []

    def missing(request: Request) -> Response:
        answered.append(request.args["s"])
        return Response("no such document", status=404)

    watcher, fetcher = _real_probe(httpserver, missing)
    assert watcher.poll(fetcher, context()).items == ()
    assert answered == ["A/HRC/61/L.15", "A/HRC/61/L.16", "A/HRC/61/L.17"]


def test_a_transient_503_is_retried_before_it_costs_an_interval(httpserver: HTTPServer) -> None:
    answered: list[str] = []

    def flaky(request: Request) -> Response:
        answered.append(request.args["s"])
        if len(answered) == 1:
            return Response("", status=503, headers={"Retry-After": "0"})
        body = PDF if request.args["s"] == "A/HRC/61/L.15" else b""
        return Response(body, status=206 if body else 200, content_type="application/pdf")

    watcher, fetcher = _real_probe(httpserver, flaky)
    (item,) = watcher.poll(fetcher, context()).items
    assert item.key == "A/HRC/61/L.15" and item.fields["verified"] is True
    assert answered[:2] == ["A/HRC/61/L.15", "A/HRC/61/L.15"]
