"""Safe reading of MARCXML answers (UN Digital Library, OHCHR Search Library).

Parsed with lxml with entities unresolved, no DTD and no network, so a hostile answer can neither
expand nor fetch anything. Anything that is not a MARC collection or record is a ParseError.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from watchers.base import Page, ParseError

MAX_XML_BYTES = 50_000_000
MAX_VALUE = 4000


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


@dataclass(frozen=True)
class DataField:
    tag: str
    ind1: str
    subfields: tuple[tuple[str, str], ...]

    def first(self, code: str) -> str:
        return next((value for c, value in self.subfields if c == code), "")


@dataclass(frozen=True)
class Record:
    """One MARC record: control fields by tag and data fields in document order."""

    control: dict[str, str] = field(default_factory=dict)
    fields: tuple[DataField, ...] = ()

    def all(self, tag: str) -> list[DataField]:
        return [f for f in self.fields if f.tag == tag]

    def first(self, tag: str, code: str) -> str:
        return next((f.first(code) for f in self.fields if f.tag == tag and f.first(code)), "")

    def has(self, *tags: str) -> bool:
        return any(f.tag in tags for f in self.fields)


def _record(element: etree._Element) -> Record:
    control: dict[str, str] = {}
    fields: list[DataField] = []
    for child in element:
        name = _local(child.tag)
        if name == "controlfield":
            control[child.get("tag", "")] = (child.text or "").strip()[:200]
        elif name == "datafield":
            subfields = tuple(
                (sub.get("code", ""), " ".join((sub.text or "").split())[:MAX_VALUE])
                for sub in child
                if _local(sub.tag) == "subfield"
            )
            fields.append(DataField(child.get("tag", ""), child.get("ind1", " "), subfields))
    return Record(control, tuple(fields))


def parse_records(page: Page) -> list[Record]:
    """Every record of a MARCXML page; ParseError for an empty, oversized, non-XML or non-MARC body."""
    body = page.body
    if not body.strip():
        raise ParseError(f"{page.url}: empty body")
    if len(body) > MAX_XML_BYTES:
        raise ParseError(f"{page.url}: MARCXML answer too large ({len(body)} bytes)")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"{page.url}: not XML: {exc}") from None
    if root is None or _local(root.tag) not in ("collection", "record"):
        name = _local(root.tag) if root is not None else "nothing"
        raise ParseError(f"{page.url}: not MARCXML (root element <{name}>)")
    if _local(root.tag) == "record":
        return [_record(root)]
    return [_record(el) for el in root if _local(el.tag) == "record"]
