"""The bench kit's 50 listings and its server (bench/kit/ is a verbatim copy of the shared kit).

The pages are rebuilt by the kit's own generator and checked against its SHA256SUMS, so a figure
measured here is measured on the same bytes as the kit's published figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent / "kit"
PAGES = 50
ROUTES = ("static", "nocond", "churn")


def build_pages(outdir: Path) -> Path:
    """Writes the kit's 50 pages into `outdir` and checks them against the kit's SHA256SUMS."""
    subprocess.run([sys.executable, str(KIT / "pages.py"), str(outdir)], check=True, capture_output=True)
    if (outdir / "SHA256SUMS").read_text() != (KIT / "SHA256SUMS").read_text():
        raise RuntimeError(f"the pages in {outdir} differ from bench/kit/SHA256SUMS")
    return outdir


class KitServer:
    """bench/kit/server.py in its own process on 127.0.0.1 (a free port), stopped on exit."""

    def __init__(self, pages: Path, workdir: Path) -> None:
        self.pages, self.workdir = pages, workdir
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> KitServer:
        port_file = self.workdir / "server.port"
        port_file.unlink(missing_ok=True)
        argv = [sys.executable, str(KIT / "server.py"), "--dir", str(self.pages)]
        argv += ["--port-file", str(port_file), "--max-seconds", "7200"]
        log = (self.workdir / "server.out").open("wb")
        self._proc = subprocess.Popen(argv, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the kit server did not start; see {self.workdir / 'server.out'}")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(10)

    def urls(self, route: str) -> list[str]:
        return [f"http://127.0.0.1:{self.port}/{route}/page-{p:02d}.html" for p in range(PAGES)]
