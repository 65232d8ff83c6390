"""Every issue #3 kind through the CLI (`python -m bot inspect KIND FILE`) and through a real HTTP fetch
of a blocked answer, an empty body and garbage: failures are errors, never zero items."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from watchers.base import PollContext, SourceError
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.registry import load_kinds

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "watchers"
NOW = datetime(2026, 3, 30, 12, tzinfo=UTC)


def inspect(kind: str, name: str) -> tuple[int, list[dict], str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "inspect", kind, str(FIXTURES / name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, lines, done.stderr


EXPECTED = {
    ("symbols", "symbols_page_drafts.html"): [
        "A/HRC/61/L.3",
        "A/HRC/61/L.14",
        "A/HRC/61/L.14/Rev.1",
        "A/HRC/61/L.39",
        "A/HRC/61/L.28",
    ],
    ("un_documents_feed", "un_documents_hrc_rss.xml"): [
        "A/HRC/61/L.13",
        "A/HRC/61/L.13/Rev.1",
        "A/HRC/61/L.28/Add.1",
        "A/HRC/61/SR.29",
    ],
    ("symbol_probe", "probe_answer_A_HRC_61_L.15.pdf"): ["A/HRC/61/L.15"],
    ("ohchr_session", "ohchr_res_dec_stat_session48_old.html"): [
        "A/HRC/48/L.4",
        "A/HRC/RES/48/5",
        "vote:A/HRC/48/L.4",
        "A/HRC/48/L.23/Rev.1",
        "A/HRC/RES/48/13",
        "vote:A/HRC/48/L.23/Rev.1",
        "A/HRC/RES/48/25",
        "A/HRC/48/L.11",
        "vote:A/HRC/48/L.11",
        "A/HRC/48/L.16",
        "A/HRC/48/L.1",
        "A/HRC/DEC/48/115",
    ],
    ("undl_records", "undl_marcxml_draft_hrc_adapted.xml"): ["A/HRC/55/L.49/Rev.1"],
    ("webtv_schedule", "webtv_schedule_2026-03-30.html"): [
        "meeting:k1abcdefgh",
        "meeting:k1bcdefghi",
        "meeting:k1defghijk",
        "meeting:k1efghijkl",
    ],
    ("press_feed", "ungeneva_meeting_summaries_rss.xml"): [
        "article:https://www.ungeneva.org/en/news-media/meeting-summary/2020/09/human-rights-council-adopts-resolution-belarus",
        "vote:A/HRC/45/L.1",
        "article:https://www.ungeneva.org/en/news-media/meeting-summary/2026/03/hrc61-closing",
        "vote:A/HRC/61/L.14",
        "vote:A/HRC/61/L.17",
    ],
}


@pytest.mark.parametrize(("kind", "name"), sorted(EXPECTED))
def test_inspect_prints_the_expected_items(kind: str, name: str) -> None:
    code, lines, stderr = inspect(kind, name)
    assert code == 0, stderr
    assert [line["key"] for line in lines] == EXPECTED[(kind, name)]


def test_inspect_fields_of_a_status_change_and_a_live_meeting() -> None:
    _, session, _ = inspect("ohchr_session", "ohchr_res_dec_stat_session51.html")
    draft = next(line for line in session if line["key"] == "A/HRC/51/L.9")
    assert draft["kind"] == "document"
    assert draft["fields"]["status"] == "adopted_by_vote"
    assert draft["fields"]["resolution"] == "A/HRC/RES/51/7"
    res = next(line for line in session if line["key"] == "A/HRC/RES/51/7")
    assert res["fields"]["url"] == "https://www.ohchr.org/en/documents/resolutions/ahrcres517"
    _, meetings, _ = inspect("webtv_schedule", "webtv_schedule_2026-03-30.html")
    assert meetings[0]["fields"]["live"] is True
    assert meetings[0]["fields"]["summary_record"] == "A/HRC/61/SR.29"


KINDS = [
    "ohchr_session",
    "press_feed",
    "symbol_probe",
    "symbols",
    "un_documents_feed",
    "undl_records",
    "webtv_schedule",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["garbage.bin", "empty.html"])
def test_inspect_garbage_and_empty_are_parse_errors(kind: str, name: str) -> None:
    code, lines, stderr = inspect(kind, name)
    assert code == 1 and lines == []
    assert "parse_error" in stderr


def _watcher(kind: str, server: HTTPServer):  # type: ignore[no-untyped-def]
    cls = load_kinds()[kind]
    templates = {"webtv_schedule": "/schedule/{date}", "symbol_probe": "/access?s={symbol}&t=pdf"}
    return cls(kind, server.url_for(templates.get(kind, "/page")), cls.Options())


def _fetcher() -> HttpFetcher:
    return HttpFetcher(HttpConfig(min_host_gap=timedelta(0), read_timeout=timedelta(seconds=5)))


def _context() -> PollContext:
    return PollContext(
        now=NOW, known_keys=lambda prefix: [k for k in ["A/HRC/61/L.2"] if k.startswith(prefix)]
    )


@pytest.mark.parametrize("kind", KINDS)
def test_blocked_answer_is_blocked(kind: str, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data("", 202, {"x-amzn-waf-action": "challenge"})
    httpserver.expect_request("/access").respond_with_data("", 202, {"x-amzn-waf-action": "challenge"})
    for day in ("2026-03-30", "2026-03-31"):
        httpserver.expect_request(f"/schedule/{day}").respond_with_data(
            "", 202, {"x-amzn-waf-action": "challenge"}
        )
    watcher = _watcher(kind, httpserver)
    if kind == "symbol_probe":
        watcher.sleep = lambda seconds: None
    with pytest.raises(SourceError) as raised:
        watcher.poll(_fetcher(), _context())
    assert raised.value.outcome == "blocked"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", [b"", b"\x00\x01garbage \xff\xfe not a page"])
def test_empty_and_garbage_bodies_never_read_as_no_items(
    kind: str, body: bytes, httpserver: HTTPServer
) -> None:
    for path in ("/page", "/access", "/schedule/2026-03-30", "/schedule/2026-03-31"):
        httpserver.expect_request(path).respond_with_data(body, 200)
    watcher = _watcher(kind, httpserver)
    if kind == "symbol_probe":
        watcher.sleep = lambda seconds: None
        snapshot = watcher.poll(_fetcher(), _context())
        assert snapshot.items == () and snapshot.complete is False  # not published; removes nothing
        return
    with pytest.raises(SourceError) as raised:
        watcher.poll(_fetcher(), _context())
    assert raised.value.outcome == "parse_error"
