"""What an HTML page must be to count (issue 11 items 3 and 12): whole, and small enough to build.

A page of tiny tags (9.9 MB, about 2.8 million elements) is refused before a tree is built, by every
HTML watcher, within 200 MB; the largest page a parse may build stays within it too (peak RSS of the
child process, from wait4: a memory bound, not a timing). A page cut off before its </body> or </html>
is a parse_error, never a snapshot that makes its missing drafts "removed".
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from bot.cli import main
from tests.spine_support import ROOT, Source, alerts, drafts, listing_html, status_json, write_sources
from watchers.base import Page, ParseError
from watchers.ohchr_session import OhchrSession
from watchers.pages import MAX_TAGS
from watchers.symbols_page import MAX_SIGHTINGS, SymbolsPage
from watchers.webtv_schedule import WebTvSchedule

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
MAX_RSS_MB = 200
HTML_KINDS = ["symbols", "ohchr_session", "webtv_schedule"]
_DOCUMENT = (b"<!DOCTYPE html><html><body>", b"</body></html>\n")


def tiny_tags(megabytes: float = 9.9) -> bytes:
    """A whole page (it closes </body></html>) of nothing but empty <b></b> elements."""
    head, tail = _DOCUMENT
    return head + b"<b></b>" * int((megabytes * 1e6 - len(head) - len(tail)) // 7) + tail


def largest_listing() -> bytes:
    """Just under both limits: 2,000 drafts named in 19,990 places (symbol links, language links whose
    hrefs carry the symbol, titles), padded with paragraphs up to 149,000 tags."""
    rows = []
    for n in range(1, 2001):
        symbol = f"A/HRC/61/L.{n}"
        languages = " ".join(
            f'<a href="https://documents.un.org/api/symbol/access?s={symbol}&amp;l={lang}">{lang.upper()}</a>'
            for lang in ("ar", "zh", "en", "fr", "ru", "es", "de", "pt")[: 8 if n <= 1995 else 3]
        )
        link = f'<a href="/doc/{symbol}">{symbol}</a>'
        rows.append(f"<tr><td>{link}</td><td>Draft number {n}</td><td>{languages}</td></tr>")
    table = ("<table>" + "".join(rows) + "</table>").encode()
    head, tail = _DOCUMENT
    padding = b"<p>z" * (MAX_TAGS - 1000 - table.count(b"<"))
    body = head + table + padding + tail
    assert body.count(b"<") < MAX_TAGS
    return body


def measured(argv: list[str]) -> tuple[int, str, float]:
    """A real `python -m bot ...` process: exit status, stderr, and its own peak RSS in MB (from wait4,
    so no other child of the test run counts)."""
    errors = io.BytesIO()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *argv], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    errors.write(proc.stderr.read())
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, errors.getvalue().decode(errors="replace"), usage.ru_maxrss / 1024


def page(body: bytes, url: str = "https://www.ohchr.org/en/hr-bodies/hrc/drafts") -> Page:
    return Page(
        url, 200, {"content-type": "text/html; charset=utf-8"}, body, datetime(2026, 4, 1, tzinfo=UTC)
    )


# -- memory -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HTML_KINDS)
def test_a_99_mb_page_of_tiny_tags_is_refused_within_200_mb(
    kind: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Served to `python -m bot poll`: the source fails with a named parse_error, no traceback, and the
    process's peak RSS stays under 200 MB (it took about 480 MB before any of this)."""
    schedule = kind == "webtv_schedule"  # its URL is a template of one page a day
    path = f"/tiny/{datetime.now(UTC).date().isoformat()}" if schedule else "/tiny"
    httpserver.expect_request(path).respond_with_data(tiny_tags(), content_type="text/html")
    url = httpserver.url_for("/tiny") + ("/{date}" if schedule else "")
    source = Source("hostile", kind, url, "days = 1" if schedule else "")
    config = write_sources(tmp_path, [source], read_timeout="5s")
    status, stderr, peak_mb = measured(["poll", "--config", str(config)])
    assert status == 1, stderr
    assert "source hostile failed: parse_error: " in stderr and f"more than the {MAX_TAGS}" in stderr
    assert "Traceback" not in stderr
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"


def test_the_largest_listing_a_parse_may_build_stays_within_200_mb(tmp_path: Path) -> None:
    """A page just under both limits (149,000 tags; 19,990 places naming 2,000 drafts) is read whole."""
    target = tmp_path / "largest.html"
    target.write_bytes(largest_listing())
    status, stderr, peak_mb = measured(["inspect", "symbols", str(target)])
    assert status == 0, stderr
    assert peak_mb < MAX_RSS_MB, f"peak RSS {peak_mb:.0f} MB"


def test_a_page_naming_symbols_in_more_places_than_a_listing_can_is_refused() -> None:
    body = _DOCUMENT[0] + b"<p>A/HRC/61/L.1</p>" * (MAX_SIGHTINGS + 1) + _DOCUMENT[1]
    with pytest.raises(ParseError, match="places that may name a symbol"):
        SymbolsPage("x", "https://x.org/", None).parse(page(body))


@pytest.mark.parametrize("kind", [SymbolsPage, OhchrSession, WebTvSchedule])
def test_nesting_deeper_than_the_parser_reads_is_an_error_not_a_shorter_page(kind: type) -> None:
    """libxml2 stops at 256 levels and keeps what came before: read as complete, every draft after the
    deep part would count as removed."""
    rows = listing_html(drafts(3)).split("<body>")[1].split("</body>")[0]
    body = _DOCUMENT[0] + b"<div>" * 300 + rows.encode() + b"</div>" * 300 + _DOCUMENT[1]
    with pytest.raises(ParseError, match="parser stopped"):
        kind("x", "https://x.org/", kind.Options()).parse(page(body))


# -- truncation ---------------------------------------------------------------------------------------


def _cut(fixture: str, before: str) -> bytes:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    return text[: text.index(before)].encode()


@pytest.mark.parametrize(
    ("kind", "fixture", "before"),
    [
        (SymbolsPage, "listing_div_rows.html", "A/HRC/49/L.14"),
        (OhchrSession, "ohchr_res_dec_stat_session51.html", "An invented withdrawn text"),
        (WebTvSchedule, "webtv_schedule_2026-03-30.html", "2nd Meeting - 39th Special Session"),
    ],
)
def test_a_page_cut_off_before_its_end_is_truncated(kind: type, fixture: str, before: str) -> None:
    with pytest.raises(ParseError, match="truncated"):
        kind("x", "https://x.org/", kind.Options()).parse(page(_cut(fixture, before)))


@pytest.mark.parametrize(
    "ending",
    [
        b"</table></body>\n",  # no </html>: browsers and HTML itself allow it
        b"</table></body></html>\n<!-- served by cache-7 -->\n<script>var t = 1;</script>\n",
    ],
    ids=["no-closing-html", "after-the-end"],
)
def test_a_whole_page_counts_with_either_closing_tag_and_anything_after_it(ending: bytes) -> None:
    body = listing_html(drafts(3)).split("</table>")[0].encode() + ending
    items = SymbolsPage("x", "https://x.org/", None).parse(page(body))
    assert [i.key for i in items] == [s for s, _ in drafts(3)]


def test_a_fragment_that_never_opened_the_document_is_not_held_to_its_end() -> None:
    body = b'<table><tr><td><a href="/d/A/HRC/61/L.1">A/HRC/61/L.1</a></td><td>The right to food</td></tr>'
    items = SymbolsPage("x", "https://x.org/", None).parse(page(body))
    assert [(i.key, i.fields["title"]) for i in items] == [("A/HRC/61/L.1", "The right to food")]


def test_a_listing_cut_off_in_transfer_is_a_parse_error_and_announces_no_removal(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The server sends the first bytes of the listing with a Content-Length that matches them (the
    fetch cannot tell): with remove_after = 1, read as complete it would announce L.2 and L.3 removed."""
    whole = listing_html(drafts(3)).encode()
    httpserver.expect_ordered_request("/drafts").respond_with_data(whole, content_type="text/html")
    cut = whole[: whole.index(b"A/HRC/61/L.2")]
    httpserver.expect_ordered_request("/drafts").respond_with_data(cut, content_type="text/html")
    config = write_sources(tmp_path, [Source("drafts", "symbols", httpserver.url_for("/drafts"))])
    config.write_text(config.read_text().replace("[schedule]\n", "[schedule]\nremove_after = 1\n"))
    sigpipe = signal.getsignal(signal.SIGPIPE)
    try:
        assert main(["poll", "--config", str(config)]) == 0
        assert main(["poll", "--config", str(config)]) == 1
    finally:
        signal.signal(signal.SIGPIPE, sigpipe)
    drafts_health = status_json(config)["drafts"]
    assert drafts_health["last_outcome"] == "parse_error" and "truncated" in drafts_health["last_error"]
    assert drafts_health["items"] == 3
    assert [a.type for a in alerts(tmp_path)] == []  # the baseline announces nothing, the cut page neither
    with sqlite3.connect(f"file:{tmp_path / 'store.sqlite3'}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT count(*) FROM items WHERE removed_at IS NOT NULL").fetchone()
        assert rows == (0,), "no draft counted as gone"
