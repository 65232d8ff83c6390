"""Why a text could not be had: one exception with a reason code and a sentence a reader can act on."""

from __future__ import annotations

from typing import Literal

Reason = Literal[
    "not_published",  # documents.un.org answered with nothing, or with an HTML page
    "scanned",  # a PDF with no text layer
    "old_word",  # a binary .doc (Word 97-2003)
    "unreadable",  # a damaged, encrypted or unknown file
    "not_the_document",  # the server answered another symbol's text
    "too_large",  # more pages or bytes than we read
    "no_paragraphs",  # readable, but no paragraph structure was found
    "blocked",  # a bot challenge
    "fetch_failed",  # timeout, network or HTTP error
]


class TextUnavailable(Exception):
    """A text that cannot be fetched or read. `reason` is the code, str() the sentence for a subscriber."""

    def __init__(self, reason: Reason, message: str):
        super().__init__(message)
        self.reason: Reason = reason
