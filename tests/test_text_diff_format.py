"""The diff as people read it: Telegram HTML that Telegram accepts within a limit, a standalone HTML
document, plain text; hostile words escaped everywhere."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.text_diff_format import html_document, plain, short_labels, telegram_html
from tests.fake_telegram import _utf16, parse_html
from watchers.texts.align import diff_texts
from watchers.texts.changes import TextDiff
from watchers.texts.extract import extract
from watchers.texts.model import Paragraph, ParsedText
from watchers.texts.paragraphs import parse_layout

TEXTS = Path(__file__).parent / "fixtures" / "texts"
HOSTILE = 'Decides <script>alert("x")</script> & <b>bold</b> </s> to act on the matter at its next session;'


def real_diff() -> TextDiff:
    read = lambda name: parse_layout(extract((TEXTS / name).read_bytes(), plain_text=True))  # noqa: E731
    return diff_texts(read("A-HRC-RES-43-21.txt"), read("A-HRC-RES-46-13.txt"))


def hostile_diff() -> TextDiff:
    old = ParsedText((Paragraph("OP1", "Decides to act on the matter at its next session;", "1."),), "txt")
    new = ParsedText((Paragraph("OP1", HOSTILE, "1."), Paragraph("OP2", "<i>" * 50, "2.")), "txt")
    return diff_texts(old, new)


@pytest.mark.parametrize("limit", [400, 1000, 4096])
def test_telegram_message_is_accepted_and_fits(limit: int) -> None:
    message = telegram_html(real_diff(), "43/21", "46/13", limit)
    visible = parse_html(message.html)
    assert _utf16(visible) <= limit
    assert visible.startswith("46/13 against 43/21:")
    assert message.left_out > 0 and visible.endswith(f"…and {message.left_out} more changes")


def test_telegram_message_strikes_deleted_and_bolds_inserted_words() -> None:
    message = telegram_html(real_diff(), "43/21", "46/13", 100_000)
    assert message.left_out == 0 and "more changes" not in message.html
    assert "Reaffirming <s>also</s> that the work" in message.html
    assert "Guided by <b>the purposes and principles of</b> the Charter" in message.html


def test_hostile_words_are_escaped_in_every_rendering() -> None:
    diff = hostile_diff()
    visible = parse_html(telegram_html(diff, "a", "b").html)
    assert '<script>alert("x")</script>' in visible and "<i>" * 50 in visible
    page = html_document(diff, "<title>", "a", "b")
    assert (
        "<script" not in page
        and "<b>" not in page
        and "&lt;" in page
        and "<title>&lt;title&gt;</title>" in page
    )

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found.add(tag)

    parser = Tags()
    parser.feed(page)
    assert parser.found <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "p",
        "div",
        "span",
        "ins",
        "del",
    }
    assert 'Decides <[+script>alert("x")</script> & <b>bold</b> </s+]> to act' in plain(diff, "a", "b")


def test_document_holds_every_paragraph() -> None:
    diff = real_diff()
    page = html_document(diff, "46/13 against 43/21", "43/21", "46/13")
    assert page.count('class="change ') == len(diff.changes) == 34
    assert "<del>also</del>" in page


def test_short_labels() -> None:
    assert short_labels("A/HRC/43/L.13", "A/HRC/43/L.13/Rev.1") == ("L.13", "Rev.1")
    assert short_labels("A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13/Rev.2") == ("Rev.1", "Rev.2")
    assert short_labels("A/HRC/RES/37/23", "A/HRC/43/L.13") == ("RES/37/23", "43/L.13")
    assert short_labels("old.pdf", "new.docx") == ("old.pdf", "new.docx")
