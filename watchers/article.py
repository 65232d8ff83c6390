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
from watchers.pages import clean_text, drop, element_text, load_html
from watchers.votes.chrome import strip_chrome

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

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


def _is_chrome(element: Element) -> bool:
    names = " ".join(str(element.get(a) or "") for a in ("id", "class", "role"))
    return bool(_CHROME_NAMES.search(names)) or element.get("role") == "navigation"


def _story(root: Element) -> Element:
    for path in ("//article", "//main", "//*[@role='main']", "//body"):
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def article_parts(page: Page) -> tuple[str | None, str]:
    """(headline, story text with one paragraph per block) of an HTML page; ParseError if not HTML."""
    root = load_html(page)
    for element in list(root.iter(*_DROP_TAGS)):
        drop(element)
    for element in [e for e in root.iter() if isinstance(e.tag, str) and _is_chrome(e)]:
        if element.getparent() is not None:
            drop(element)
    story = _story(root)
    headings = story.xpath(".//h1") or root.xpath("//h1")
    headline = clean_text(element_text(headings[0])) if headings else None
    for block in story.iter(*_BLOCKS):
        block.text = "\n\n" + (block.text or "")
        block.tail = "\n\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in "".join(story.itertext()).splitlines())
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return headline or None, strip_chrome(text[:MAX_ARTICLE_CHARS])
