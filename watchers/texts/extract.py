"""Bytes of a PDF, a Word .docx or plain text -> lines, after checking what the bytes really are.

The UN document system answers an unpublished symbol with 200 and an empty body or an HTML page
(docs/SOURCES.md §2), so the status code proves nothing: the magic bytes decide. A binary Word 97-2003
file, an HTML page, an empty body or anything unknown is a named TextUnavailable, never an empty text;
so is a file that defeats the PDF or Word parser (the files are untrusted).
"""

from __future__ import annotations

from watchers.texts.docx_text import docx_layout
from watchers.texts.errors import TextUnavailable
from watchers.texts.model import Layout
from watchers.texts.pdf_text import pdf_layout
from watchers.texts.plain_text import text_layout

MAX_BYTES = 20_000_000
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body", b"<!--")


def sniff(data: bytes) -> str:
    """ "pdf", "docx", "doc", "html", "empty" or "other", from the first bytes."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "empty"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(_OLE2):
        return "doc"
    if head.startswith(_HTML_STARTS) or b"<html" in head:
        return "html"
    return "other"


def extract(data: bytes, *, plain_text: bool = False) -> Layout:
    """The lines of a PDF or .docx; with `plain_text`, anything else that decodes is read as text."""
    if len(data) > MAX_BYTES:
        raise TextUnavailable("too_large", f"{len(data)} bytes (at most {MAX_BYTES} are read)")
    kind = sniff(data)
    if kind in ("pdf", "docx"):
        try:
            return pdf_layout(data) if kind == "pdf" else docx_layout(data)
        except TextUnavailable:
            raise
        except Exception as exc:  # a parser defeated by a hostile file (RecursionError included)
            name = type(exc).__name__
            raise TextUnavailable(
                "unreadable", f"a {kind.upper()} file that cannot be read ({name})"
            ) from None
    if kind == "doc":
        raise TextUnavailable("old_word", "a Word 97-2003 .doc file, which is not read (only .docx and PDF)")
    if kind == "empty":
        raise TextUnavailable("not_published", "an empty answer: the text is not published (yet)")
    if kind == "html":
        raise TextUnavailable("not_published", "an HTML page instead of the document: not published (yet)")
    if plain_text:
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > len(text) // 100 + 1 or "\x00" in text:
            raise TextUnavailable("unreadable", "neither a PDF, a Word file nor UTF-8 text")
        return text_layout(text)
    raise TextUnavailable("unreadable", "neither a PDF nor a Word file (unknown content)")
