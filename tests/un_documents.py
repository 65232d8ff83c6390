"""A local stand-in for documents.un.org's symbol endpoint (docs/SOURCES.md §2), for pytest-httpserver.

`/api/symbol/access?s=SYMBOL&l=en&t=doc|pdf` answers a document's bytes, or what the real server answers
for a symbol not published yet: 200 with an empty body, or 200 with an HTML page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TEXTS = Path(__file__).parent / "fixtures" / "texts"
PATH = "/api/symbol/access"
NOT_FOUND_PAGE = b"<!DOCTYPE html><html><head><title>Document not found</title></head><body></body></html>"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def serve(
    httpserver: HTTPServer, documents: Mapping[tuple[str, str], bytes], html_for: set[str]
) -> list[str]:
    """Serves `documents` keyed by (symbol, "doc"|"pdf"); returns the log of (symbol, type) asked for."""
    asked: list[str] = []

    def answer(request: Request) -> Response:
        symbol, kind = request.args.get("s", ""), request.args.get("t", "")
        asked.append(f"{symbol} {kind}")
        if symbol in html_for:
            return Response(NOT_FOUND_PAGE, 200, content_type="text/html; charset=utf-8")
        body = documents.get((symbol, kind))
        if body is None:
            return Response(b"", 200, content_type="application/octet-stream")
        return Response(body, 200, content_type=CONTENT_TYPES[kind])

    httpserver.expect_request(PATH).respond_with_handler(answer)
    return asked


def config(tmp_path: Path, httpserver: HTTPServer) -> Path:
    """A config.toml whose [texts] url points at the local server, with no gap between requests."""
    path = tmp_path / "config.toml"
    url = httpserver.url_for(PATH) + "?s={symbol}&l=en&t={type}"
    store = tmp_path / "store.sqlite3"
    path.write_text(f'[store]\npath = "{store}"\n\n[http]\nmin_host_gap = "0s"\n\n[texts]\nurl = "{url}"\n')
    return path


def fixture(name: str) -> bytes:
    return (TEXTS / name).read_bytes()
