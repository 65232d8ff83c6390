"""A raw-socket HTTP server for faults no HTTP library will produce: trickled, cut and reset answers.

Each path is answered by a script that writes bytes straight to the socket. The answers are SYNTHETIC,
built from HTTP/1.1's framing (RFC 9112): a status line, headers, then a Content-Length body, a
chunked body, or a body delimited by closing the connection.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Script = Callable[[socket.socket], None]


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    """A status line and headers. Every answer says `Connection: close`, as the server closes each
    connection after one answer: a client must not send its next request (a retry) on it."""
    headers = {**headers, "Connection": "close"}
    lines = [f"HTTP/1.1 {status}", *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def page(body: bytes, content_type: str = "text/html; charset=utf-8") -> Script:
    """A complete answer with its Content-Length."""

    def script(conn: socket.socket) -> None:
        conn.sendall(head(Content_Type=content_type, Content_Length=len(body)) + body)

    return script


def cut_short(body: bytes, declared: int) -> Script:
    """Declares `declared` bytes, sends `body` (fewer), then closes."""

    def script(conn: socket.socket) -> None:
        conn.sendall(head(Content_Type="text/html", Content_Length=declared) + body)

    return script


def chunked_cut(chunks: list[bytes]) -> Script:
    """A chunked body whose connection closes before the last (zero-length) chunk."""

    def script(conn: socket.socket) -> None:
        frames = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks)
        conn.sendall(head(Content_Type="text/html", Transfer_Encoding="chunked") + frames)

    return script


def redirect(location: str, status: str = "302 Found") -> Script:
    def script(conn: socket.socket) -> None:
        conn.sendall(head(status, Location=location, Content_Length=0))

    return script


def reset() -> Script:
    """Closes with a TCP reset as soon as the request arrived, the way an overloaded proxy drops one."""

    def script(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return script


@dataclass
class Trickle:
    """Sends the head at once, then one body byte every `every` seconds until the client hangs up."""

    body: bytes
    every: float = 0.05
    sent: int = 0
    hung_up: threading.Event = field(default_factory=threading.Event)

    def __call__(self, conn: socket.socket) -> None:
        conn.sendall(head(Content_Type="text/html", Content_Length=len(self.body)))
        try:
            for byte in self.body:
                conn.sendall(bytes([byte]))
                self.sent += 1
                time.sleep(self.every)
        except OSError:
            self.hung_up.set()


@dataclass
class RawServer:
    port: int
    scripts: dict[str, list[Script]]
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, *scripts: Script) -> None:
        """Answers the next requests for `path` with `scripts` in turn; the last one repeats."""
        self.scripts[path] = list(scripts)

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                more = conn.recv(65536)
                if not more:
                    return
                data += more
            path = data.split(b" ", 2)[1].decode("latin-1")
            self.requests.append(path)
            queue = self.scripts.get(path.split("?")[0])
            if not queue:
                conn.sendall(head("404 Not Found", Content_Length=0))
                return
            script = queue.pop(0) if len(queue) > 1 else queue[0]
            script(conn)


@contextmanager
def raw_server() -> Iterator[RawServer]:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    server = RawServer(listener.getsockname()[1], {})

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=server._answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(5)
