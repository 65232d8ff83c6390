"""Files in the UN's layout (SYNTHETIC renderings of real words, tests/fixtures/texts/make_un_layout.py)
give back the paragraphs of the text they were made from; files that are not a text are named errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from watchers.texts.align import diff_texts
from watchers.texts.errors import TextUnavailable
from watchers.texts.extract import extract
from watchers.texts.model import ParsedText
from watchers.texts.paragraphs import parse_layout

TEXTS = Path(__file__).parent / "fixtures" / "texts"


def parsed(name: str) -> ParsedText:
    return parse_layout(extract((TEXTS / name).read_bytes(), plain_text=True))


@pytest.mark.parametrize(
    ("rendered", "source", "symbol"),
    [
        ("un-layout-L13.pdf", "A-HRC-RES-43-21.txt", "A/HRC/43/L.13"),
        ("un-layout-L13.docx", "A-HRC-RES-43-21.txt", "A/HRC/43/L.13"),
        ("un-layout-L13-Rev1.pdf", "A-HRC-RES-46-13.txt", "A/HRC/43/L.13/Rev.1"),
        ("un-layout-L13-Rev1.docx", "A-HRC-RES-46-13.txt", "A/HRC/43/L.13/Rev.1"),
    ],
)
def test_un_layout_file_gives_back_its_paragraphs(rendered: str, source: str, symbol: str) -> None:
    text, words = parsed(rendered), parsed(source)
    assert text.symbol == symbol
    assert text.formula == "The Human Rights Council,"
    assert text.title == "Promoting mutually beneficial cooperation in the field of human rights"
    assert [p.id for p in text.paragraphs] == [p.id for p in words.paragraphs]
    assert diff_texts(words, text).notable == []
    body = " ".join(p.text for p in text.paragraphs)
    for furniture in ("GE.20-", "Please recycle", "A/HRC/43/L.13", "A/HRC/43/31.", "SYNTHETIC"):
        assert furniture not in body


def test_footnote_mark_and_text_leave_the_paragraph() -> None:
    pdf = parsed("un-layout-L13.pdf")
    op5 = pdf.paragraph("OP5")
    assert op5 is not None and op5.text.endswith("promoting and protecting human rights;")
    assert pdf.pages == 3 and any(p.page_starts for p in pdf.paragraphs)


def test_scanned_pdf_is_named() -> None:
    with pytest.raises(TextUnavailable) as caught:
        extract((TEXTS / "scanned.pdf").read_bytes())
    assert caught.value.reason == "scanned" and "without a text layer" in str(caught.value)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DEEP = (
    f"<w:document {W}><w:body><w:p>".encode()
    + b"<w:r>" * 20_000
    + b"</w:r>" * 20_000
    + b"</w:p></w:body></w:document>"
)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not_published"),
        (b"   \r\n", "not_published"),
        (b"<!DOCTYPE html><html><body>Document not found</body></html>", "not_published"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old_word"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> broken", "unreadable"),
        (b"PK\x03\x04 not really a zip", "unreadable"),
        (_zip({"content.xml": b"<x/>"}), "unreadable"),
        (_zip({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}), "unreadable"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "unreadable"),
        (_zip({"word/document.xml": DEEP}), "unreadable"),
        (_zip({"word/document.xml": b" " * 41_000_000}), "too_large"),
    ],
    ids=[
        "empty",
        "blank",
        "html",
        "doc",
        "broken-pdf",
        "broken-zip",
        "not-word",
        "entities",
        "png",
        "deep",
        "bomb",
    ],
)
def test_what_is_not_a_text_is_a_named_error(body: bytes, reason: str) -> None:
    with pytest.raises(TextUnavailable) as caught:
        extract(body)
    assert caught.value.reason == reason


def test_a_text_without_paragraphs_is_a_named_error() -> None:
    with pytest.raises(TextUnavailable) as caught:
        parse_layout(extract(b"Nothing here looks like a resolution.\n", plain_text=True))
    assert caught.value.reason == "no_paragraphs"
