"""`python -m bot text diff OLD NEW [--json]` and `text show TARGET [--json]`: paragraph diffs.

OLD, NEW and TARGET are files (.txt, .pdf, .docx) or symbols fetched from the UN document system (the
config's [http] manners and [texts] url). A text that cannot be had is one line on stderr and status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from watchers.base import PageFetcher
    from watchers.texts.model import ParsedText

# PDFium and the parsers are imported by the handlers: `poll` from cron must not pay for them.

FILE_SUFFIXES = (".txt", ".pdf", ".docx", ".doc")


class _Source:
    """Reads targets, building the HTTP client only when a symbol needs fetching."""

    def __init__(self, config_path: str | None):
        self.config_path = config_path
        self._fetcher: PageFetcher | None = None
        self._url = ""

    def _client(self) -> tuple[PageFetcher, str]:
        if self._fetcher is None:
            from bot.config import load_config
            from watchers.fetch import HttpConfig, HttpFetcher
            from watchers.texts.config import TextsConfig

            config = load_config(self.config_path) if self.config_path else None
            self._fetcher = HttpFetcher(config.http if config else HttpConfig())
            self._url = (config.texts if config else TextsConfig()).url
        return self._fetcher, self._url

    def read(self, target: str) -> ParsedText:
        from watchers.texts.errors import TextUnavailable
        from watchers.texts.extract import MAX_BYTES, extract
        from watchers.texts.fetch import fetch_text
        from watchers.texts.paragraphs import parse_layout

        path = Path(target)
        if path.suffix.lower() in FILE_SUFFIXES or path.exists():
            try:
                with path.open("rb") as handle:
                    data = handle.read(MAX_BYTES + 1)
            except OSError as exc:
                raise TextUnavailable("unreadable", f"{target}: {exc.strerror}") from None
            try:
                return parse_layout(extract(data, plain_text=path.suffix.lower() not in (".pdf", ".docx")))
            except TextUnavailable as exc:
                raise TextUnavailable(exc.reason, f"{target}: {exc}") from None
        fetcher, url = self._client()
        return fetch_text(fetcher, target.strip(), url)


def _label(target: str, text: ParsedText) -> str:
    path = Path(target)
    return path.name if path.suffix.lower() in FILE_SUFFIXES or path.exists() else text.symbol or target


def _diff(args: argparse.Namespace) -> int:
    from bot.text_diff_format import plain, short_labels
    from watchers.texts.align import diff_texts
    from watchers.texts.errors import TextUnavailable

    source = _Source(args.config)
    try:
        old, new = source.read(args.old), source.read(args.new)
    except TextUnavailable as exc:
        print(f"error: {' '.join(str(exc).split())[:500]}", file=sys.stderr)
        return 1
    diff = diff_texts(old, new)
    if args.json:
        print(json.dumps([c.to_json() for c in diff.changes], ensure_ascii=False, indent=2))
    else:
        print(plain(diff, *short_labels(_label(args.old, old), _label(args.new, new))))
    return 0


def _show(args: argparse.Namespace) -> int:
    from watchers.texts.errors import TextUnavailable

    try:
        text = _Source(args.config).read(args.target)
    except TextUnavailable as exc:
        print(f"error: {' '.join(str(exc).split())[:500]}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(text.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{text.symbol or '(no symbol)'}: {text.title or '(no title)'} ({text.format}, {text.pages} pages)")
    if text.formula:
        print(text.formula)
    for paragraph in text.paragraphs:
        print(f"{paragraph.id:>10}  {paragraph.text}")
    if text.closing:
        print(f"{'closing':>10}  {text.closing}")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    text = subparsers.add_parser(
        "text", help="paragraphs of a draft or resolution, and what changed between two"
    )
    commands = text.add_subparsers(dest="text_command", required=True, metavar="ACTION")
    diff = commands.add_parser("diff", help="what NEW changes against OLD, paragraph by paragraph")
    diff.add_argument("old", help="a symbol (A/HRC/43/L.13) or a file (.txt, .pdf, .docx)")
    diff.add_argument("new", help="a symbol or a file")
    diff.add_argument("--json", action="store_true", help="the changes as JSON: [{old, new, kind, words}]")
    diff.add_argument("--config", default=None, help="config.toml for [http] and [texts] (optional)")
    diff.set_defaults(handler=_diff)
    show = commands.add_parser("show", help="the paragraphs of one text, as the diff reads them")
    show.add_argument("target", help="a symbol or a file")
    show.add_argument("--json", action="store_true")
    show.add_argument("--config", default=None)
    show.set_defaults(handler=_show)
