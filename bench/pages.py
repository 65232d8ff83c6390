"""50 synthetic draft listings on 127.0.0.1, with ETags (a second cycle answers 304) and a fetch log."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.spine_support import drafts, listing_html

FIRST_SESSION = 10  # page i lists drafts of session FIRST_SESSION + i, so a symbol names its page


@dataclass
class Listing:
    """One page: its drafts and how many times it was edited."""

    docs: list[tuple[str, str]]
    edits: int = 0
    body: bytes = b""
    etag: str = ""

    def render(self) -> None:
        self.body = listing_html(self.docs).encode("utf-8")
        self.etag = '"' + hashlib.sha1(self.body, usedforsecurity=False).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Fetch:
    at: float  # time.monotonic() when the answer was sent
    page: int
    status: int


@dataclass
class ListingSite:
    """The pages and the server's log of what it answered; `change` edits pages between cycles."""

    pages: list[Listing]
    log: list[Fetch] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, count: int = 50, per_page: int = 40) -> ListingSite:
        site = cls([Listing(drafts(per_page, FIRST_SESSION + i)) for i in range(count)])
        for page in site.pages:
            page.render()
        return site

    def change(self, index: int, titles: int = 1, added: int = 0) -> None:
        """Revises `titles` titles (a " (rev. n)" suffix) and adds `added` drafts."""
        with self.lock:
            page = self.pages[index]
            for _ in range(titles):
                row = page.edits % len(page.docs)
                symbol, title = page.docs[row]
                page.docs[row] = (symbol, f"{title.split(' (rev.')[0]} (rev. {page.edits + 1})")
                page.edits += 1
            for _ in range(added):
                symbol = f"A/HRC/{FIRST_SESSION + index}/L.{len(page.docs) + 1}"
                page.docs.append((symbol, "Cooperation with and assistance to Ukraine in human rights"))
            page.render()

    def answer(self, index: int, if_none_match: str | None) -> tuple[int, Listing]:
        with self.lock:
            page = self.pages[index]
            return (304 if if_none_match == page.etag else 200), page

    def record(self, index: int, status: int) -> None:
        with self.lock:
            self.log.append(Fetch(time.monotonic(), index, status))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        head, _, tail = self.path.rpartition("/")
        if head != "/drafts" or not tail.isdigit() or int(tail) >= len(site.pages):
            self.send_error(404)
            return
        index = int(tail)
        status, page = site.answer(index, self.headers.get("If-None-Match"))
        self.send_response(status)
        self.send_header("ETag", page.etag)
        if status == 304:
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            self.wfile.write(page.body)
        self.wfile.flush()
        site.record(index, status)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the bench prints a table, not an access log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: ListingSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site


class SiteServer:
    """Serves a ListingSite from a thread; `urls` are the 50 listing URLs."""

    def __init__(self, site: ListingSite) -> None:
        self.site = site
        self._server = _Server(site)
        self._thread = threading.Thread(target=self._server.serve_forever, name="listing-site", daemon=True)

    @property
    def urls(self) -> list[str]:
        port = self._server.server_address[1]
        return [f"http://127.0.0.1:{port}/drafts/{i}" for i in range(len(self.site.pages))]

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
