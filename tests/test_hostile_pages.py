"""Hostile pages (issue #6): each is served to a real `python -m bot poll` beside a healthy source.

Every test polls two sources, the hostile one first: the hostile page must end as a named outcome
(on stderr and in `status --json`) or as a clean parse, and the healthy listing polled after it must
still announce its three drafts, with no crash and no traceback. Big inputs (50 MB, gzip bomb) are
generated while being served and must be cut at the 10 MB cap fast, with the bot's memory bounded.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.spine_support import ROOT, Alert, Source, alerts, drafts, listing_html, status_json
from tests.spine_support import write_sources as spine_write_sources

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
HEALTHY = drafts(3)
CAP = 10_000_000  # HttpConfig.max_bytes default: the configs below leave it unset
MAX_RSS_MB = 300
BUDGET_S = 20.0  # a generous bound for one two-source poll on a slow machine
FLOOD_BUDGET_S = 45.0  # feedparser alone needs ~2 s for 10,000 entries on an idle machine


def write_sources(tmp_path: Path, sources: list[Source], every: str = "15m") -> Path:
    """Every source announces its first sightings, so what a hostile page yields shows in the console."""
    return spine_write_sources(tmp_path, sources, every=every, read_timeout="2s", announce_existing=True)


def with_healthy(httpserver: HTTPServer, tmp_path: Path, kind: str, path: str, options: str = "") -> Path:
    """The hostile source at `path` first, then a healthy listing of three drafts."""
    httpserver.expect_request("/healthy").respond_with_data(listing_html(HEALTHY), content_type="text/html")
    hostile = Source("hostile", kind, httpserver.url_for(path), options)
    return write_sources(tmp_path, [hostile, Source("healthy", "symbols", httpserver.url_for("/healthy"))])


@dataclass(frozen=True)
class PollRun:
    returncode: int
    stderr: str
    seconds: float
    peak_rss_mb: float


def poll(config: Path, timeout: float = 90) -> PollRun:
    """`python -m bot poll` as a real process; its own peak RSS comes from wait4, not from other children."""
    errors = config.parent / "poll.stderr"
    with errors.open("wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "poll", "--config", str(config)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, wait_status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(wait_status)
    stderr = errors.read_text(encoding="utf-8", errors="replace")
    return PollRun(proc.returncode, stderr, seconds, usage.ru_maxrss / 1024)


def stored(tmp_path: Path, source: str = "hostile") -> dict[str, dict[str, Any]]:
    """What the store kept from `source`: key -> fields (what /doc and later alerts show)."""
    with sqlite3.connect(f"file:{tmp_path / 'store.sqlite3'}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT key, fields FROM observations WHERE source = ?", (source,)).fetchall()
    return {key: json.loads(fields) for key, fields in rows}


def alerts_of(tmp_path: Path, source: str) -> list[Alert]:
    return [a for a in alerts(tmp_path) if a.source == source]


def announced(found: list[Alert], source: str) -> list[str]:
    """The symbols `source` announced as tabled or published, in order (the headline ends with it)."""
    return [
        a.text.splitlines()[0].split()[-1]
        for a in found
        if a.source == source and a.type in ("tabled", "published")
    ]


def assert_healthy_unaffected(run: PollRun, config: Path, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The healthy source, polled after the hostile one, still succeeded and announced its drafts."""
    assert run.returncode != -9, f"the poll was killed after hanging:\n{run.stderr[-2000:]}"
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "watcher crashed" not in run.stderr
    sources = status_json(config)
    assert sources["healthy"]["last_outcome"] == "ok" and sources["healthy"]["items"] == 3
    assert announced(alerts(tmp_path), "healthy") == [s for s, _ in HEALTHY]
    assert run.seconds < BUDGET_S, f"the poll took {run.seconds:.1f}s"
    return sources


def assert_named_failure(run: PollRun, sources: dict[str, dict[str, Any]], outcome: str, says: str) -> None:
    """The hostile source failed with `outcome`, on stderr and in status, and kept no items."""
    assert run.returncode == 1
    assert f"source hostile failed: {outcome}: " in run.stderr
    hostile = sources["hostile"]
    assert hostile["last_outcome"] == outcome and hostile["consecutive_failures"] == 1
    assert says in hostile["last_error"]
    assert hostile["items"] == 0


# -- inputs -------------------------------------------------------------------------------------------

_ROW = b"<tr><td>A/HRC/61/L.77</td><td>Padding row of a page far too large</td></tr>\n"
_BLOCK = _ROW * (1_000_000 // len(_ROW))
_HEAD = b"<!DOCTYPE html><html><body><table>\n"
_TAIL = b"</table></body></html>\n"


class Stream:
    """A body generated while it is sent, counting the megabytes (decoded) the server got to send."""

    def __init__(self, head: bytes, block: bytes, blocks: int, tail: bytes = b""):
        self.head, self.block, self.blocks, self.tail = head, block, blocks, tail
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        for _ in range(self.blocks):
            self.sent += 1
            yield self.block
        yield self.tail

    def __len__(self) -> int:
        return len(self.head) + self.blocks * len(self.block) + len(self.tail)


def big_page(megabytes: int) -> Stream:
    """A valid HTML listing of about `megabytes` MB: worth parsing, if it were ever read whole."""
    return Stream(_HEAD, _BLOCK, megabytes, _TAIL)


def gzip_bomb(gigabytes: int) -> Stream:
    """A valid multi-member gzip stream of `gigabytes` GB decoded, about 1000 times smaller on the wire."""
    member = gzip.compress(b"<p>" + b"\0" * (1 << 20) + b"</p>", compresslevel=9)
    return Stream(gzip.compress(b"<!DOCTYPE html><html><body>"), member, gigabytes * 1024)


def cut(text: str, before: str) -> bytes:
    """`text` truncated in the middle of the element that holds `before`."""
    return text[: text.index(before) + 5].encode()


# -- size: 50 MB pages and a gzip bomb ----------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_50_mb_page_is_too_large_and_cut_at_the_cap(
    declared: bool, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Declared or not, 50 MB is refused as too_large without being read whole or parsed."""
    body = big_page(50)
    length = len(body)
    headers = {"Content-Length": str(length)} if declared else {}
    httpserver.expect_request("/big").respond_with_response(
        Response(iter(body), content_type="text/html", headers=headers, direct_passthrough=True)
    )
    config = with_healthy(httpserver, tmp_path, "symbols", "/big")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    says = f"{length} bytes declared, the cap is {CAP}" if declared else f"more than {CAP} bytes, the cap"
    assert_named_failure(run, sources, "too_large", says)
    assert run.peak_rss_mb < MAX_RSS_MB, f"peak RSS {run.peak_rss_mb:.0f} MB"
    assert alerts_of(tmp_path, "hostile") == []
    assert body.sent < 40, f"the bot took {body.sent} of 50 MB before hanging up"


def test_a_gzip_bomb_stops_at_the_cap_with_memory_bounded(httpserver: HTTPServer, tmp_path: Path) -> None:
    """64 GB decoded (64 MB on the wire) is too_large after 10 MB: fast, and the RSS stays small."""
    bomb = gzip_bomb(64)
    httpserver.expect_request("/bomb").respond_with_response(
        Response(
            iter(bomb),
            content_type="text/html",
            headers={"Content-Encoding": "gzip"},
            direct_passthrough=True,
        )
    )
    config = with_healthy(httpserver, tmp_path, "symbols", "/bomb")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert_named_failure(run, sources, "too_large", f"more than {CAP} bytes, the cap")
    assert run.peak_rss_mb < MAX_RSS_MB, f"peak RSS {run.peak_rss_mb:.0f} MB"
    # Socket buffers hold a few MB on the wire (GBs decoded); the bot hung up long before the end.
    assert bomb.sent < bomb.blocks // 2, f"the bot took {bomb.sent} of {bomb.blocks} MB decoded"


_TAG = re.compile(r"</?[a-z]+[\s/>]", re.IGNORECASE)


# -- malformed HTML: parses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fixture", "expected"),
    [
        ("symbols", "malformed_listing.html", [f"A/HRC/61/L.{n}" for n in (21, 22, 23, 24)]),
        (
            "ohchr_session",
            "malformed_session.html",
            ["A/HRC/61/L.31", "A/HRC/RES/61/11", "A/HRC/61/L.32", "A/HRC/RES/61/12", "A/HRC/61/L.33"],
        ),
    ],
)
def test_malformed_html_parses_cleanly(
    kind: str, fixture: str, expected: list[str], httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Unclosed tags, stray closing tags and nested garbage: lxml repairs them as browsers do, so every
    document on the page is still announced, with its title and no markup."""
    body = (FIXTURES / fixture).read_bytes()
    httpserver.expect_request("/malformed").respond_with_data(body, content_type="text/html; charset=utf-8")
    config = with_healthy(httpserver, tmp_path, kind, "/malformed")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok"
    items = stored(tmp_path)
    assert set(expected) <= set(items)
    for key in expected:
        assert items[key]["title"] and not _TAG.search(items[key]["title"]), items[key]
    told = "\n".join(a.text for a in alerts_of(tmp_path, "hostile"))
    assert set(expected) <= set(told.replace("\n", " ").split())
    assert "Human rights defenders" in told and "Safety of journalists" in told


# -- truncated XML ------------------------------------------------------------------------------------


def test_a_truncated_marcxml_answer_is_a_parse_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    """A Digital Library answer cut inside the second record is refused whole, not read as one record."""
    body = cut((FIXTURES / "records.xml").read_text(encoding="utf-8"), "A/HRC/61/L.42")
    httpserver.expect_request("/marc").respond_with_data(body, content_type="application/xml")
    config = with_healthy(httpserver, tmp_path, "undl_records", "/marc")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert_named_failure(run, sources, "parse_error", "not XML")


def test_a_truncated_feed_is_a_parse_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    """An RSS answer cut inside its third entry is refused: read as complete, the drafts after the cut
    would count as no longer listed (and be announced as removed after a few such polls)."""
    body = cut((FIXTURES / "feed.xml").read_text(encoding="utf-8"), "A/HRC/61/L.53")
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")
    config = with_healthy(httpserver, tmp_path, "un_documents_feed", "/feed")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert_named_failure(run, sources, "parse_error", "")


# -- XML bombs and external entities ------------------------------------------------------------------


def test_billion_laughs_in_marcxml_is_a_parse_error_not_an_expansion(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """libxml2's amplification guard refuses the document: nothing is expanded, memory stays small."""
    body = (FIXTURES / "billion_laughs.xml").read_bytes()
    httpserver.expect_request("/marc").respond_with_data(body, content_type="application/xml")
    config = with_healthy(httpserver, tmp_path, "undl_records", "/marc")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert_named_failure(run, sources, "parse_error", "amplification")
    assert run.peak_rss_mb < MAX_RSS_MB
    assert "lollol" not in (tmp_path / "alerts.txt").read_text(encoding="utf-8")


def _xxe_records(secret: Path, remote: str) -> str:
    records = (FIXTURES / "records.xml").read_text(encoding="utf-8").split("\n", 1)[1]
    doctype = (
        f'<!DOCTYPE collection [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY remote SYSTEM "{remote}"><!ENTITY % dtd SYSTEM "{remote}-dtd"> %dtd;]>\n'
    )
    title = "Human rights and climate change :"
    body = records.replace(title, "&xxe;&remote;" + title)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + body


def test_external_entities_in_marcxml_are_neither_read_nor_fetched(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """`<!ENTITY xxe SYSTEM "file:...">`, an http entity and an external DTD: the records parse, the
    entity references are dropped, the file's contents appear nowhere and no request is made."""
    secret = tmp_path / "secret.txt"
    secret.write_text("XXE-SECRET-3141592 root:x:0:0", encoding="utf-8")
    body = _xxe_records(secret, httpserver.url_for("/xxe"))
    httpserver.expect_request("/marc").respond_with_data(body, content_type="application/xml")
    config = with_healthy(httpserver, tmp_path, "undl_records", "/marc")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok"
    assert not [r for r, _ in httpserver.log if r.path.startswith("/xxe")], "an external entity was fetched"
    items = stored(tmp_path)
    assert set(items) == {"A/HRC/61/L.41", "A/HRC/61/L.42"}
    everything = json.dumps(items) + (tmp_path / "alerts.txt").read_text(encoding="utf-8") + run.stderr
    assert "XXE-SECRET" not in everything and "root:x" not in everything
    assert not (etc := Path("/etc/passwd")).exists() or etc.read_text()[:30] not in everything


@pytest.mark.parametrize("entity", ["billion-laughs", "file"])
def test_a_feed_declaring_entities_is_refused(entity: str, httpserver: HTTPServer, tmp_path: Path) -> None:
    """Feeds never need a DTD: any entity declaration is a parse_error before feedparser sees it."""
    declarations = {
        "billion-laughs": '<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
        "file": '<!ENTITY lol1 SYSTEM "file:///etc/passwd">',
    }
    feed = (FIXTURES / "feed.xml").read_text(encoding="utf-8")
    body = feed.replace("<rss ", f"<!DOCTYPE rss [{declarations[entity]}]>\n<rss ", 1).replace(
        "Human rights defenders", "&lol1;"
    )
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")
    config = with_healthy(httpserver, tmp_path, "un_documents_feed", "/feed")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert_named_failure(run, sources, "parse_error", "feed declares entities; refused")


# -- encodings ----------------------------------------------------------------------------------------

_COTE = "Situation of human rights in Côte d’Ivoire"
_BAD_BYTES = b" \xff\xfe\xc3 "  # never valid UTF-8: two stray bytes and a lone lead byte


def _html_row(symbol: str, title: bytes) -> bytes:
    return f'<tr><td><a href="/docs/{symbol}">{symbol}</a></td><td>'.encode() + title + b"</td></tr>"


def _page(rows: bytes, meta: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head>{meta}</head><body><table>".encode() + rows + b"</table></body></html>"
    )


def _feed(title: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>UN documents</title>'
        b"<item><title>A/HRC/61/L.62 " + title + b"</title><link>https://docs.un.org/A/HRC/61/L.62</link>"
        b"</item></channel></rss>"
    )


def _encoding_case(case: str) -> tuple[str, bytes, str, str]:
    """kind, body, Content-Type, stored key for each encoding case."""
    cote = _COTE.encode()
    if case == "invalid-utf8-html":
        return (
            "symbols",
            _page(_html_row("A/HRC/61/L.61", cote + _BAD_BYTES + b"end")),
            "utf-8",
            "A/HRC/61/L.61",
        )
    if case == "invalid-utf8-feed":
        return "un_documents_feed", _feed(cote + _BAD_BYTES + b"end"), "utf-8", "A/HRC/61/L.62"
    if case == "meta-contradicts-header":
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        return "symbols", _page(_html_row("A/HRC/61/L.63", cote), meta), "utf-8", "A/HRC/61/L.63"
    return (
        "symbols",
        _page(_html_row("A/HRC/61/L.64", cote), '<meta charset="x-bogus">'),
        "x-no-such",
        ("A/HRC/61/L.64"),
    )


@pytest.mark.parametrize(
    "case",
    [
        "invalid-utf8-html",
        "invalid-utf8-feed",
        "meta-contradicts-header",
        "unknown-charset-name",
    ],
)
def test_bad_bytes_and_wrong_charsets_parse_with_replacement_characters(
    case: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Invalid UTF-8 in a title becomes U+FFFD and the rest of the title stays readable ("Côte d’Ivoire",
    not "CÃ´te dâ€™Ivoire"); a wrong or unknown declared charset does not garble a UTF-8 page."""
    kind, body, charset, key = _encoding_case(case)
    content_type = ("application/rss+xml" if kind != "symbols" else "text/html") + f"; charset={charset}"
    httpserver.expect_request("/page").respond_with_data(body, content_type=content_type)
    config = with_healthy(httpserver, tmp_path, kind, "/page")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok"
    title = stored(tmp_path)[key]["title"]
    assert _COTE in title, title
    assert ("\ufffd" in title) == case.startswith("invalid"), title
    (alert,) = alerts_of(tmp_path, "hostile")
    assert _COTE in alert.text


# -- a feed of 10,000 items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FloodRun:
    run: PollRun
    sources: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]
    alerts: list[Alert]


@pytest.fixture(scope="module")
def flood(make_httpserver: HTTPServer, tmp_path_factory: pytest.TempPathFactory) -> FloodRun:
    """One poll of a 10,000-entry feed (each entry a new draft) followed by the healthy listing."""
    entries = "".join(
        f"<item><title>A/HRC/{50 + i // 5000}/L.{i % 5000 + 1} Draft number {i}</title>"
        f"<link>https://docs.un.org/{i}</link></item>"
        for i in range(10_000)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>HRC</title>{entries}</channel></rss>'
    server, tmp_path = make_httpserver, tmp_path_factory.mktemp("flood")
    server.clear()
    server.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")
    config = with_healthy(server, tmp_path, "un_documents_feed", "/feed")
    run = poll(config)
    server.clear()
    return FloodRun(run, status_json(config), stored(tmp_path), alerts(tmp_path))


def test_a_feed_of_10000_items_is_capped_at_2000_documents(flood: FloodRun) -> None:
    """The symbols reader keeps the first 2,000 documents of a page (watchers/symbols_page.MAX_ITEMS)
    and drops the rest; the poll stays within the budget and the other source is polled normally."""
    assert flood.run.returncode == 0 and "Traceback" not in flood.run.stderr
    assert flood.run.seconds < FLOOD_BUDGET_S, f"the poll took {flood.run.seconds:.1f}s"
    assert flood.sources["hostile"]["last_outcome"] == "ok" and flood.sources["hostile"]["items"] == 2000
    assert flood.sources["healthy"]["last_outcome"] == "ok" and flood.sources["healthy"]["items"] == 3
    assert "A/HRC/50/L.1" in flood.items and "A/HRC/50/L.2000" in flood.items
    assert "A/HRC/50/L.2001" not in flood.items and "A/HRC/51/L.1" not in flood.items


def test_a_flood_of_2000_alerts_does_not_hold_back_another_sources_alerts(flood: FloodRun) -> None:
    """The healthy source's three new drafts reach the console in the same poll as the flood."""
    assert announced(flood.alerts, "healthy") == [s for s, _ in HEALTHY]


# -- a 10 KB symbol -----------------------------------------------------------------------------------

_LONG_L = "A/HRC/61/L." + "1" * 10_000
_LONG_PATH = "A/HRC/" + "1/" * 5000


@pytest.mark.parametrize("kind", ["symbols", "undl_records"])
def test_a_10_kb_symbol_gives_no_giant_key(kind: str, httpserver: HTTPServer, tmp_path: Path) -> None:
    """No hang and no 10 KB key: only real symbols become items; stored keys and titles stay short."""
    if kind == "symbols":
        rows = _html_row(_LONG_L, b"Ten thousand digits") + _html_row("A/HRC/61/L.71", _LONG_PATH.encode())
        body, content_type = _page(rows), "text/html"
    else:
        records = (FIXTURES / "records.xml").read_text(encoding="utf-8")
        body = records.replace("A/HRC/61/L.41", _LONG_L).replace("A/HRC/61/L.42", _LONG_PATH).encode()
        content_type = "application/xml"
    httpserver.expect_request("/page").respond_with_data(body, content_type=content_type)
    config = with_healthy(httpserver, tmp_path, kind, "/page")
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    items = stored(tmp_path)
    if kind == "symbols":
        assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok"
        assert "A/HRC/61/L.71" in items
    else:
        # Neither record carries a symbol (parse_symbol refuses over 200 characters): both are
        # skipped, and a first poll with no items is a clean, empty baseline.
        assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok" and items == {}
    assert all(len(key) <= 64 for key in items), [key[:80] for key in items]
    assert all(len(str(f.get("title", ""))) <= 300 for f in items.values())
    assert all(len(a.text) < 2000 for a in alerts(tmp_path))


# -- HTML and CRLF injection in titles ----------------------------------------------------------------

_INJECTED = (
    "<script>alert(1)</script> <b>bold</b> </a> &amp; Co.\r\nBcc: victim@example.org\r\n\r\n"
    "[2026-01-01 00:00 UTC] #999 new (forged)\nForged alert"
)
# What a reader must see, literally: markup as text, the entity as written, line breaks as spaces.
_SHOWN = (
    "<script>alert(1)</script> <b>bold</b> </a> &amp; Co. Bcc: victim@example.org [2026-01-01 00:00 UTC] #999"
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _injection_page(kind: str) -> tuple[bytes, str]:
    """A page of `kind` whose one item's title is the escaped `_INJECTED` text (plus real markup)."""
    escaped = _escape(_INJECTED)
    if kind == "symbols":
        title = escaped + " <b>real markup</b><script>alert(2)</script>"
        return _page(_html_row("A/HRC/61/L.81", title.encode())), "text/html; charset=utf-8"
    if kind == "webtv_schedule":
        card = (
            '<div class="un3-card-row-video"><h6>Human Rights Council</h6>'
            f'<h4><a href="/en/asset/k1z/k1zhostile1">{escaped}</a></h4>'
            f'<div class="field__item">{escaped} <b>real markup</b><script>alert(2)</script></div>'
            '<span class="badge">Live</span></div>'
        )
        return f'<!DOCTYPE html><html><body class="un3-page">{card}</body></html>'.encode(), "text/html"
    if kind == "press_feed":
        entry = (
            f"<item><title>Human Rights Council adopts a resolution: {escaped}</title>"
            "<link>https://www.ungeneva.org/en/news-media/meeting-summary/2026/04/hrc</link>"
            "<description>The Council adopted the resolution by a vote of 30 in favour, 10 against and 7"
            " abstentions.</description></item>"
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel>{entry}</channel></rss>'.encode(),
            "text/xml",
        )
    return _feed(escaped.encode()), "application/rss+xml"


@pytest.mark.parametrize("kind", ["symbols", "un_documents_feed", "press_feed", "webtv_schedule"])
def test_markup_and_crlf_in_a_title_are_shown_as_plain_text(
    kind: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A title made of escaped markup and CR/LF reaches the alert as literal text on one line: no
    header line ("Bcc:") and no forged alert block; the page's own <script> is dropped, not shown."""
    body, content_type = _injection_page(kind)
    httpserver.expect_request("/page").respond_with_data(body, content_type=content_type)
    path = "/page?day={date}" if kind == "webtv_schedule" else "/page"  # its url is a template
    config = with_healthy(httpserver, tmp_path, kind, path)
    run = poll(config)
    sources = assert_healthy_unaffected(run, config, tmp_path)
    assert run.returncode == 0 and sources["hostile"]["last_outcome"] == "ok"
    found = stored(tmp_path)
    (fields,) = [f for key, f in found.items() if not key.startswith("vote:")]  # the press article's
    title = fields["title"]
    assert _SHOWN in title and "\r" not in title and "\n" not in title, repr(title)
    assert "alert(2)" not in title
    assert [a.source for a in alerts(tmp_path)].count("forged") == 0
    (alert,) = alerts_of(tmp_path, "hostile")
    lines = alert.text.splitlines()
    assert any(_SHOWN in line for line in lines), alert.text
    assert not any(line.lstrip().lower().startswith(("bcc:", "[2026-")) for line in lines)


# -- symbol_probe: a server that ignores Range ------------------------------------------------------


def test_a_probe_answer_full_of_stream_markers_does_not_delay_the_next_source(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A probe's 64-byte Range request answered with 700 KB of "stream" markers (7% of the size cap) is
    read at once: the healthy source's request follows the probe's within 2 seconds."""
    body = b"%PDF-1.7\n" + b"stream\n" * 100_000
    answered: dict[str, float] = {}

    def timed(path: str, data: bytes, content_type: str) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            answered[path] = time.monotonic()
            return Response(data, content_type=content_type)

        return handler

    httpserver.expect_request("/probe").respond_with_handler(timed("/probe", body, "application/pdf"))
    healthy = listing_html(HEALTHY).encode()
    httpserver.expect_request("/healthy").respond_with_handler(timed("/healthy", healthy, "text/html"))
    probe = Source(
        "hostile",
        "symbol_probe",
        httpserver.url_for("/probe") + "?s={symbol}",
        'session = "62"\nlookahead = 1\nbudget = 1\nrevisions = false\ngap = "0s"',
    )
    config = write_sources(tmp_path, [probe, Source("healthy", "symbols", httpserver.url_for("/healthy"))])
    run = poll(config, timeout=30)
    assert_healthy_unaffected(run, config, tmp_path)
    delay = answered["/healthy"] - answered["/probe"]
    assert delay < 2, f"the healthy source waited {delay:.1f}s for the probe answer to be read"
