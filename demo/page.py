"""var/demo/index.html: the channel posts as a reader would see them, and the email digest.

Post texts are Telegram HTML as the fake server received them. They are re-rendered through an allow-list
(Telegram's tags; links only to http(s)); anything else is shown escaped, so a scraped string cannot add
markup to the page. The digest (its own file, vote charts inlined as data URIs) is in a sandboxed iframe.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

_TAGS = {"b": "b", "strong": "strong", "i": "i", "em": "em", "u": "u", "s": "s", "code": "code", "pre": "pre"}
_TAGS["blockquote"] = "blockquote"


class _Safe(HTMLParser):
    """Keeps Telegram's tags (and <a href="http...">), escapes the rest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("https://", "http://")):
                self.out.append(f'<a href="{html.escape(href)}" rel="noopener noreferrer">')
                self.open.append("a")
                return
        if tag in _TAGS:
            self.out.append(f"<{_TAGS[tag]}>")
            self.open.append(tag)
            return
        self.out.append(html.escape(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
            self.out.append(f"</{_TAGS.get(tag, 'a')}>")
        else:
            self.out.append(html.escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data))

    def render(self, text: str) -> str:
        self.feed(text)
        self.close()
        return "".join(self.out) + "".join(f"</{_TAGS.get(t, 'a')}>" for t in reversed(self.open))


def safe_telegram_html(text: str) -> str:
    return _Safe().render(text).replace("\n", "<br>\n")


@dataclass(frozen=True)
class Post:
    """A channel message as a reader sees it now: its text after the last edit, and its replies."""

    message_id: int
    text: str  # Telegram HTML
    photo: bytes | None = None
    reply_to: int | None = None
    edited: bool = False


def threads(posts: Sequence[Post]) -> list[tuple[Post, list[Post]]]:
    """Each thread's first post with the replies under it, in order; a reply to a reply joins its root."""
    root_of: dict[int, int] = {}
    out: dict[int, tuple[Post, list[Post]]] = {}
    for post in posts:
        root = root_of.get(post.reply_to or -1) if post.reply_to else None
        if root is None:
            root_of[post.message_id] = post.message_id
            out[post.message_id] = (post, [])
        else:
            root_of[post.message_id] = root
            out[root][1].append(post)
    return list(out.values())


_STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; background: #e7ebf0; margin: 0; }
main { display: flex; gap: 24px; padding: 24px; align-items: flex-start; flex-wrap: wrap; }
section { flex: 1 1 520px; min-width: 420px; }
h1 { margin: 0; padding: 18px 24px 0; font-size: 22px; }
p.lead { margin: 4px 24px 0; color: #444; }
h2 { font-size: 17px; margin: 0 0 12px; }
.post { background: #fff; border-radius: 10px; padding: 10px 14px; margin: 0 0 10px;
        box-shadow: 0 1px 2px rgba(0,0,0,.15); line-height: 1.4; font-size: 14px; overflow-wrap: anywhere; }
.post img { display: block; max-width: 100%; border-radius: 6px; margin-bottom: 8px; }
.post a { color: #2a6ebb; }
.replies { margin: -4px 0 12px 26px; border-left: 3px solid #b9c7d8; padding-left: 10px; }
.edited { color: #888; font-size: 12px; font-style: italic; }
iframe { width: 100%; height: 1800px; border: 0; background: #eef1f5; border-radius: 10px; }
"""


def _card(post: Post) -> str:
    image = ""
    if post.photo:
        data = base64.b64encode(post.photo).decode("ascii")
        image = f'<img src="data:image/png;base64,{data}" alt="vote chart">'
    edited = '<div class="edited">edited</div>' if post.edited else ""
    return f'<div class="post">{image}{safe_telegram_html(post.text)}{edited}</div>'


def render_page(posts: Sequence[Post], digest_file: str, note: str) -> str:
    """The page: the channel as threads (a story's later posts under its first one) and the digest,
    its own HTML file beside the page, in a sandboxed iframe."""
    cards = []
    for root, replies in threads(posts):
        cards.append(_card(root))
        if replies:
            cards.append(f'<div class="replies">{"".join(_card(r) for r in replies)}</div>')
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>HRC Watch demo</title>'
        f"<style>{_STYLE}</style></head><body>"
        "<h1>HRC Watch demo</h1>"
        f'<p class="lead">{html.escape(note)}</p><main>'
        f"<section><h2>Telegram channel ({len(posts)} posts)</h2>{''.join(cards)}</section>"
        '<section><h2>Email digest</h2><iframe sandbox="allow-same-origin" title="email digest" '
        f'src="{html.escape(digest_file, quote=True)}"></iframe></section>'
        "</main></body></html>"
    )
