"""The shared HTTP client against a raw-socket server: trickled, cut, reset, rate-limited and redirected
answers (issue 11, items 3, 4 and 5), in the fetcher itself and through a real `python -m bot poll`."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.raw_http import (
    RawServer,
    Trickle,
    chunked_cut,
    cut_short,
    head,
    page,
    raw_server,
    redirect,
    reset,
)
from tests.smtp_fixtures import TlsFiles
from tests.spine_support import Source, alerts, bot, drafts, listing_html, status_json, write_sources
from watchers.base import Page, SourceError
from watchers.fetch import HttpConfig, HttpFetcher
from watchers.redirects import refusal

LISTING = listing_html(drafts(3)).encode()
FAST = HttpConfig(
    connect_timeout=timedelta(seconds=0.3), read_timeout=timedelta(seconds=0.3), min_host_gap=timedelta(0)
)


@pytest.fixture
def raw() -> Iterator[RawServer]:
    with raw_server() as server:
        yield server


def fetch(url: str, **kwargs: object) -> Page | SourceError:
    try:
        found = HttpFetcher(FAST).get(url, conditional=False, **kwargs)  # type: ignore[arg-type]
    except SourceError as exc:
        return exc
    assert found is not None
    return found


def fast_sources(tmp_path: Path, sources: list[Source]) -> Path:
    return write_sources(tmp_path, sources, read_timeout="0.2s", connect_timeout="0.2s")


# -- the deadline ---------------------------------------------------------------------------------


def test_a_trickled_page_ends_at_the_deadline_and_frees_its_host(raw: RawServer) -> None:
    """One byte every 50 ms never trips a read timeout; the deadline ends it, hangs up, and the next
    request to the same host, waiting for the host's gate meanwhile, is answered."""
    trickle = Trickle(LISTING, every=0.02)
    raw.serve("/trickle", trickle)
    raw.serve("/other", page(LISTING))
    quick = timedelta(seconds=0.15)
    fetcher = HttpFetcher(HttpConfig(connect_timeout=quick, read_timeout=quick, min_host_gap=timedelta(0)))
    outcome: list[SourceError] = []

    def slow() -> None:
        try:
            fetcher.get(raw.url("/trickle"), conditional=False)
        except SourceError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    while "/trickle" not in raw.requests:
        assert thread.is_alive()
    other = fetcher.get(raw.url("/other"), conditional=False)
    thread.join(5)
    (error,) = outcome
    assert error.outcome == "timeout" and "within 0.6 s (the deadline)" in str(error)
    assert trickle.hung_up.wait(5), "the bot never hung up on the trickle"
    assert trickle.sent < len(LISTING) // 10
    assert other is not None and other.body == LISTING


def test_poll_ends_a_trickled_source_as_timeout_and_polls_the_next_one(
    raw: RawServer, tmp_path: Path
) -> None:
    raw.serve("/trickle", Trickle(LISTING))
    raw.serve("/healthy", page(LISTING))
    config = fast_sources(
        tmp_path,
        [
            Source("trickle", "symbols", raw.url("/trickle")),
            Source("healthy", "symbols", raw.url("/healthy")),
        ],
    )
    answer = bot("poll", "--config", str(config))
    assert answer.returncode == 1
    assert "source trickle failed: timeout: " in answer.stderr and "(the deadline)" in answer.stderr
    sources = status_json(config)
    assert sources["trickle"]["last_outcome"] == "timeout" and sources["healthy"]["items"] == 3
    assert "Traceback" not in answer.stderr


# -- truncated bodies -----------------------------------------------------------------------------


def _gzip_cut(body: bytes) -> object:
    packed = gzip.compress(body)

    def script(conn: object) -> None:
        conn.sendall(  # type: ignore[attr-defined]
            head(Content_Type="text/html", Content_Encoding="gzip", Connection="close")
            + packed[: len(packed) // 2]
        )

    return script


CUTS = {
    "short-content-length": (
        lambda: cut_short(LISTING[:400], len(LISTING)),
        f"truncated after 400 of {len(LISTING)} bytes",
    ),
    "chunked-without-last-chunk": (
        lambda: chunked_cut([LISTING[:400]]),
        "the chunked body ends before its last chunk",
    ),
    "gzip-stream-cut": (lambda: _gzip_cut(LISTING), "the compressed body stops before its end"),
}


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_a_truncated_body_is_a_failure_never_a_shorter_listing(
    cut: str, raw: RawServer, tmp_path: Path
) -> None:
    """The listing of three drafts, then the same answer cut after the first: a network_error that changes
    nothing (no draft is "no longer listed"), named with what arrived."""
    script, says = CUTS[cut]
    raw.serve("/drafts", page(LISTING), script())  # type: ignore[operator]
    config = fast_sources(tmp_path, [Source("drafts", "symbols", raw.url("/drafts"))])
    assert bot("poll", "--config", str(config)).returncode == 0
    answer = bot("poll", "--config", str(config))
    assert answer.returncode == 1
    assert "source drafts failed: network_error: " in answer.stderr and says in answer.stderr
    (drafts_status,) = status_json(config).values()
    assert drafts_status["items"] == 3 and drafts_status["consecutive_failures"] == 1
    assert alerts(tmp_path) == []


# -- transient failures: the bounded retry ----------------------------------------------------------


def _status(code: str, retry_after: int | None = None) -> object:
    headers = {"Retry_After": retry_after} if retry_after is not None else {}

    def script(conn: object) -> None:
        conn.sendall(head(code, Content_Length=0, **headers))  # type: ignore[attr-defined]

    return script


@pytest.mark.parametrize(
    "first", ["reset", "502", "503-retry-after-0", "504"], ids=lambda f: f"{f}-then-page"
)
def test_a_transient_failure_is_retried_within_the_request(first: str, raw: RawServer) -> None:
    scripts = {
        "reset": reset(),
        "502": _status("502 Bad Gateway"),
        "503-retry-after-0": _status("503 Service Unavailable", 0),
        "504": _status("504 Gateway Timeout"),
    }
    raw.serve("/drafts", scripts[first], page(LISTING))
    found = fetch(raw.url("/drafts"))
    assert isinstance(found, Page) and found.body == LISTING
    assert raw.requests == ["/drafts", "/drafts"]


def test_retries_are_bounded_and_the_last_answer_is_the_error(raw: RawServer) -> None:
    raw.serve("/drafts", _status("503 Service Unavailable", 0))
    error = fetch(raw.url("/drafts"))
    assert isinstance(error, SourceError) and error.outcome == "http_error" and error.status == 503
    assert raw.requests == ["/drafts"] * 3


@pytest.mark.parametrize("code", ["429 Too Many Requests", "503 Service Unavailable"])
def test_a_long_retry_after_is_not_waited_out_but_kept_on_the_error(code: str, raw: RawServer) -> None:
    """Waiting 10 minutes inside a poll would hold the host; the scheduler gets the Retry-After instead."""
    raw.serve("/drafts", _status(code, 600))
    error = fetch(raw.url("/drafts"))
    assert isinstance(error, SourceError) and error.outcome == "http_error"
    assert error.retry_after == 600 and error.status == int(code[:3])
    assert raw.requests == ["/drafts"]


def test_a_500_is_not_retried(raw: RawServer) -> None:
    raw.serve("/drafts", _status("500 Internal Server Error"))
    error = fetch(raw.url("/drafts"))
    assert isinstance(error, SourceError) and error.status == 500 and raw.requests == ["/drafts"]


# -- redirects ----------------------------------------------------------------------------------------


def test_a_redirect_on_the_same_origin_is_followed(raw: RawServer) -> None:
    raw.serve("/old", redirect("/new"))
    raw.serve("/new", page(LISTING))
    found = fetch(raw.url("/old"))
    assert isinstance(found, Page) and found.url == raw.url("/new")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.1:{other}/new", "is not the source's host"),
        ("http://localhost:{port}/new", "is not the source's host"),
        ("ftp://127.0.0.1/new", "not an http(s) URL"),
    ],
    ids=["another-port", "another-host", "another-scheme"],
)
def test_a_redirect_off_the_origin_is_refused_naming_both_urls(
    target: str, reason: str, raw: RawServer
) -> None:
    with raw_server() as other:
        location = target.format(port=raw.port, other=other.port)
        raw.serve("/old", redirect(location))
        other.serve("/new", page(LISTING))
        error = fetch(raw.url("/old"))
        assert isinstance(error, SourceError) and error.outcome == "redirect_refused"
        assert f"{raw.url('/old')}: redirect to {location} refused: " in str(error) and reason in str(error)
        assert other.requests == []


def test_an_allowed_host_is_followed(raw: RawServer) -> None:
    raw.serve("/old", redirect(f"http://localhost:{raw.port}/new"))
    raw.serve("/new", page(LISTING))
    found = fetch(raw.url("/old"), allow_redirects_to=[f"localhost:{raw.port}"])
    assert isinstance(found, Page) and found.url == f"http://localhost:{raw.port}/new"


def test_a_redirect_loop_is_refused_after_a_few_hops(raw: RawServer) -> None:
    raw.serve("/loop", redirect("/loop"))
    error = fetch(raw.url("/loop"))
    assert isinstance(error, SourceError) and error.outcome == "redirect_refused"
    assert "more than 5 redirects" in str(error) and len(raw.requests) == 6


def test_allow_redirects_to_in_the_config(raw: RawServer, tmp_path: Path) -> None:
    """Two sources redirected to the same other host: the one that allows it is polled, the other is not."""
    raw.serve("/allowed", redirect(f"http://localhost:{raw.port}/listing"))
    raw.serve("/refused", redirect(f"http://localhost:{raw.port}/listing"))
    raw.serve("/listing", page(LISTING))
    allow = f'allow_redirects_to = ["localhost:{raw.port}"]'
    config = fast_sources(
        tmp_path,
        [
            Source("allowed", "symbols", raw.url("/allowed"), allow),
            Source("refused", "symbols", raw.url("/refused")),
        ],
    )
    answer = bot("poll", "--config", str(config))
    assert answer.returncode == 1 and "source refused failed: redirect_refused: " in answer.stderr
    sources = status_json(config)
    assert sources["allowed"]["items"] == 3 and sources["refused"]["last_outcome"] == "redirect_refused"
    assert raw.requests.count("/listing") == 1


PUBLIC = "http://93.184.215.14/hrc"  # a public address (no DNS needed for a literal)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/admin",
        "http://127.0.0.1:8080/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
    ],
)
def test_a_public_source_never_redirects_inwards_even_to_an_allowed_host(target: str) -> None:
    host = target.split("/")[2]
    reason = refusal(PUBLIC, target, [host, host.strip("[]")])
    assert reason is not None and "non-public address" in reason


def test_a_private_source_may_redirect_within_its_network() -> None:
    assert refusal("http://10.0.0.4/hrc", "http://10.0.0.5/hrc", ["10.0.0.5"]) is None
    assert refusal("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/b", []) is None


def test_http_may_upgrade_to_https_but_not_downgrade() -> None:
    assert refusal("http://93.184.215.14/a", "https://93.184.215.14/a", []) is None
    assert refusal("https://93.184.215.14/a", "http://93.184.215.14/a", []) is not None


# -- a proxy named by the environment ----------------------------------------------------------------


def test_the_proxy_the_environment_names_is_used_and_no_proxy_hosts_are_reached_directly(
    raw: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator behind a proxy sets HTTP_PROXY: the page is asked of the proxy (an absolute URL in
    the request line), and a host in NO_PROXY is still reached directly."""
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{raw.port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    raw.serve("http://drafts.example.invalid/list", page(LISTING))
    raw.serve("/direct", page(LISTING))
    proxied = fetch("http://drafts.example.invalid/list")
    direct = fetch(raw.url("/direct"))
    assert isinstance(proxied, Page) and proxied.body == LISTING
    assert isinstance(direct, Page) and direct.body == LISTING
    assert raw.requests == ["http://drafts.example.invalid/list", "/direct"]


# -- the resolver ---------------------------------------------------------------------------------------


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch, raw: RawServer) -> None:
    """The system resolver as three names make it behave: one is this machine, one never answers (a
    stalled DNS server), one does not exist."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> object:
        if host == "stalled.example":
            time.sleep(5)
        if host in ("stalled.example", "nowhere.example"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real("127.0.0.1" if host == "drafts.example" else host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_stalled_resolver_ends_at_the_connect_timeout(raw: RawServer, resolver: None) -> None:
    """A socket shutdown cannot end a DNS lookup: the lookup is waited for at most the connect timeout,
    so a resolver that never answers is a timeout, not a poll held for as long as it stalls."""
    started = time.monotonic()
    error = fetch("http://stalled.example/drafts")
    assert isinstance(error, SourceError) and error.outcome == "timeout", error
    assert time.monotonic() - started < 2.0


def test_a_name_is_resolved_then_connected_to_and_an_unknown_one_is_named(
    raw: RawServer, resolver: None
) -> None:
    raw.serve("/drafts", page(LISTING))
    found = fetch(f"http://drafts.example:{raw.port}/drafts")
    assert isinstance(found, Page) and found.body == LISTING
    error = fetch("http://nowhere.example/drafts")
    assert isinstance(error, SourceError) and error.outcome == "network_error"
    assert "cannot resolve host nowhere.example" in str(error)


def test_a_redirect_target_that_rebinds_to_a_private_address_is_not_connected_to(
    raw: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the redirect's host is public when the redirect is checked, then answers with
    this machine's address when the connection is made. A public source's redirect connects only to
    public addresses, so the second answer is refused, not followed into the bot's own network."""
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> object:
        if host in ("source.example", "rebinding.example"):
            checking = port is None  # watchers.redirects classifying the hop, not a connection
            host = "8.8.8.8" if checking else "127.0.0.1"
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    raw.serve("/old", redirect(f"http://rebinding.example:{raw.port}/new"))
    raw.serve("/new", page(LISTING))
    error = fetch(
        f"http://source.example:{raw.port}/old", allow_redirects_to=[f"rebinding.example:{raw.port}"]
    )
    assert isinstance(error, SourceError) and error.outcome == "network_error", error
    assert "rebinding.example now resolves to non-public addresses only" in str(error)
    assert raw.requests == ["/old"]


# -- TLS ------------------------------------------------------------------------------------------------


def test_tls_is_verified_so_a_page_behind_a_self_signed_certificate_is_refused(tls_files: TlsFiles) -> None:
    """Certificates are checked against certifi's CA bundle, never skipped: a page served with a
    certificate no authority signed is a network_error that says so, and its body is not read."""
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=tls_files.server_context())
    server.start()
    try:
        server.expect_request("/drafts").respond_with_data(LISTING, content_type="text/html")
        url = server.url_for("/drafts")
        error = fetch(url)
    finally:
        server.stop()
    assert url.startswith("https://")
    assert isinstance(error, SourceError) and error.outcome == "network_error", error
    assert "certificate verify failed" in str(error)
