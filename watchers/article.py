"""The story of a news or meeting-summary page, without the page around it.

UN Geneva and OHCHR pages wrap the story in navigation, a "Skip to main content" link, menus in other
languages, breadcrumbs, share buttons, related-links blocks and footers. The story is the page's
<article> (else <main>, else the body) with those parts removed; block elements become paragraphs, so
the vote reader sees one resolution paragraph per paragraph. What is left still goes through the vote
reader's chrome filter (watchers.votes.chrome).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from watchers.base import Page
from watchers.pages import clean_text, load_html
from watchers.votes.chrome import strip_chrome

if TYPE_CHECKING:
    from bs4 import Tag

MAX_ARTICLE_CHARS = 200_000
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
)
_CHROME_NAMES = re.compile(
    r"breadcrumb|menu|navbar|\bnav\b|navigation|language|lang-switch|skip|related|footer|share|social|sidebar"
    r"|cookie|banner",
    re.IGNORECASE,
)
_BLOCKS = (
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "div",
    "section",
    "tr",
    "br",
    "dd",
    "dt",
    "blockquote",
)
_BLANKS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def _is_chrome(tag: Tag) -> bool:
    names = " ".join([str(tag.get("id") or ""), *(tag.get("class") or []), str(tag.get("role") or "")])
    return bool(_CHROME_NAMES.search(names)) or tag.get("role") == "navigation"


def article_parts(page: Page) -> tuple[str | None, str]:
    """(headline, story text with one paragraph per block) of an HTML page; ParseError if not HTML."""
    soup = load_html(page)
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_chrome(t)]:
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    heading = root.find("h1") or soup.find("h1")
    headline = clean_text(heading.get_text(" ")) if heading else None
    for block in root.find_all(_BLOCKS):
        block.insert_before("\n\n")
        block.append("\n\n")
    lines = (" ".join(line.split()) for line in root.get_text().splitlines())
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return headline or None, strip_chrome(text[:MAX_ARTICLE_CHARS])
