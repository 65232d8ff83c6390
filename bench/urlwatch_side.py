"""urlwatch (PyPI, bench-only) on the same 50 URLs: whole-process time and peak RSS, as for ours."""

from __future__ import annotations

import os
from pathlib import Path

from bench.procs import PYTHON, ProcResult, checked, measure

URLWATCH = Path(PYTHON).parent / "urlwatch"
_CONFIG = """report:
  stdout: {enabled: true, color: false}
  email: {enabled: false}
  html: {separate: false}
"""


class Urlwatch:
    """A urlwatch set-up in its own directory: urls.yaml, config, cache; HOME points there too."""

    def __init__(self, urls: list[str], workdir: Path) -> None:
        workdir.mkdir(parents=True)
        self.workdir = workdir
        self.urls_file = workdir / "urls.yaml"
        self.urls_file.write_text(
            "\n---\n".join(f"name: drafts{i:02d}\nurl: {url}\n" for i, url in enumerate(urls)),
            encoding="utf-8",
        )
        self.config_file = workdir / "urlwatch.yaml"
        self.config_file.write_text(_CONFIG, encoding="utf-8")

    @staticmethod
    def available() -> bool:
        return URLWATCH.exists()

    def cycle(self) -> ProcResult:
        argv = [
            str(URLWATCH),
            "--urls",
            str(self.urls_file),
            "--config",
            str(self.config_file),
            "--cache",
            str(self.workdir / "cache.db"),
            "--hooks",
            str(self.workdir / "hooks.py"),
        ]
        home = str(self.workdir)
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_CACHE_HOME": home}
        return checked(measure(argv, self.workdir, env), "urlwatch")
