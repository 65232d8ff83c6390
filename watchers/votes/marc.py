"""OHCHR Search Library "Voting" records (MARCXML): official totals (996) and one 967 per member.

The XML comes from the network, so it is parsed without entities or network access, and anything
that is not MARCXML is a ValueError rather than an empty result.
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from watchers.symbols import find_symbols, parse_symbol
from watchers.votes.checks import finish
from watchers.votes.countries import registry
from watchers.votes.model import Choice, Vote, session_of

MAX_XML_BYTES = 50_000_000
_CODES: dict[str, Choice] = {"Y": "yes", "N": "no", "A": "abstain", ".": "not_voting", "": "not_voting"}
_TOTALS = {"b": "yes", "c": "no", "d": "abstain", "e": "not_voting"}


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _fields(record: etree._Element) -> list[tuple[str, dict[str, str], str]]:
    """(tag, first value of each subfield code, control text) for every field of a record."""
    out: list[tuple[str, dict[str, str], str]] = []
    for child in record:
        name = _local(child.tag)
        if name not in ("datafield", "controlfield"):
            continue
        subfields: dict[str, str] = {}
        for sub in child:
            if _local(sub.tag) == "subfield":
                subfields.setdefault(sub.get("code", ""), (sub.text or "").strip()[:500])
        out.append((child.get("tag", ""), subfields, (child.text or "").strip()[:100]))
    return out


def _iso_date(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat()
    except ValueError:
        return None


def _record_vote(record: etree._Element) -> Vote | None:
    fields = _fields(record)
    first: dict[str, dict[str, str]] = {}
    for tag, subfields, _ in fields:
        first.setdefault(tag, subfields)
    vote_type = first.get("591", {}).get("a", "").upper()
    if vote_type and "RECORDED" not in vote_type:
        return None
    reg = registry()
    roll_call: dict[str, Choice] = {}
    unrecognised: list[str] = []
    warnings: list[str] = []
    for tag, subfields, _ in fields:
        if tag != "967":
            continue
        code = subfields.get("b", "").upper()
        iso3 = code if reg.get(code) else reg.lookup(subfields.get("e", ""))
        choice = _CODES.get(subfields.get("d", "").upper())
        if iso3 is None or choice is None:
            unrecognised.append(f"{code} {subfields.get('e', '')} {subfields.get('d', '')}".strip())
        elif iso3 in roll_call:
            warnings.append(f"{reg.name(iso3)} appears twice in the record")
        else:
            roll_call[iso3] = choice
    totals = first.get("996", {})
    stated: dict[str, int] = {}
    for code, category in _TOTALS.items():
        if totals.get(code, "").isdigit():
            stated[category] = int(totals[code])
    parsed = parse_symbol(first.get("791", {}).get("a") or "")
    symbol = parsed.normalised if parsed else None
    # A vote catalogued under an L-document (a rejected draft, an amendment) is on that document: for an
    # amendment, 993 names the draft it amends first ("Amendment to A/HRC/39/L.20 A/HRC/39/L.26").
    drafts = [s.normalised for s in find_symbols(first.get("993", {}).get("a", "")) if s.is_draft]
    title = first.get("245", {}).get("a", "").rstrip(" :/") or None
    record_id = next((text for tag, _, text in fields if tag == "001"), "")
    vote = Vote(
        symbol=symbol if parsed and not parsed.is_draft else None,
        draft_symbol=symbol if parsed and parsed.is_draft else (drafts[0] if drafts else None),
        title=title,
        date=_iso_date(first.get("269", {}).get("a", "")),
        session=session_of(symbol),
        roll_call=roll_call,
        unrecognised=tuple(unrecognised),
        warnings=tuple(warnings),
        checks={"layout": "marcxml", "record": record_id},
        source=f"https://searchlibrary.ohchr.org/record/{record_id}" if record_id else "marcxml",
    )
    return finish(vote, stated)


def parse_voting_records(xml: bytes) -> list[Vote]:
    """Every recorded vote in a MARCXML answer; other vote types (without a vote, withdrawn) are skipped."""
    if len(xml) > MAX_XML_BYTES:
        raise ValueError(f"MARCXML answer too large ({len(xml)} bytes)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if root is None:
        raise ValueError("not XML: empty document")
    records = (
        [root] if _local(root.tag) == "record" else [el for el in root.iter() if _local(el.tag) == "record"]
    )
    if _local(root.tag) not in ("collection", "record"):
        raise ValueError(f"not MARCXML: root element is <{_local(root.tag)}>")
    votes = []
    for record in records:
        vote = _record_vote(record)
        if vote is not None:
            votes.append(vote)
    return votes
