"""Kind `un_documents_feed`: the UN documents RSS for the Council (docs.un.org/rss/hrc.xml).

One document item per HRC symbol named in an entry; L-documents carry is_draft=True, and each item
keeps the entry's link and a by-symbol PDF link. The feed is read as a feed or not at all: an HTML
answer (a login or error page) is a ParseError, never "no documents".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from watchers.base import Item, Page, Watcher
from watchers.registry import register
from watchers.symbols_page import feed_items
from watchers.undocs import pdf_url, split_document_type


@dataclass(frozen=True)
class UnDocumentsFeedOptions:
    """drafts_only: keep only L-documents (drafts, their revisions, addenda and amendments)."""

    drafts_only: bool = False


@register
class UnDocumentsFeed(Watcher):
    kind = "un_documents_feed"
    authority = 1
    label = "the UN documents feed"
    Options = UnDocumentsFeedOptions

    def parse(self, page: Page) -> list[Item]:
        items = feed_items(page)
        if self.options.drafts_only:
            items = [item for item in items if item.fields["is_draft"]]
        return [
            dataclasses.replace(item, fields=_with_links_and_type(item.key, item.fields)) for item in items
        ]


def _with_links_and_type(symbol: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    title, document_type = split_document_type(str(fields.get("title") or ""))
    out = {**fields, "pdf_url": pdf_url(symbol)}
    if document_type:
        out.update(title=title, document_type=document_type)
    return out
