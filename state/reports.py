"""What one source's item says happened at the Council: the reports that become happenings.

A document item reports that a draft was tabled, revised, given an addendum, a corrigendum or an
amendment, that another document was published, and (through its status) the action taken on it. A
vote item reports the action (outcome and tallies) and, with a roll-call, that the roll-call is out. A
meeting item reports that the meeting is live. Everything else an item carries (links, dates, a second
source's wording of a title, sponsors) is not news and reports nothing. Pure functions: no store here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from watchers.symbols import Symbol, parse_symbol

# status field of document items -> the action's outcome
_OUTCOMES = {
    "adopted_without_vote": "adopted_without_vote",
    "adopted_by_vote": "adopted_by_vote",
    "rejected": "rejected",
    "rejected_by_vote": "rejected",
    "withdrawn": "withdrawn",
    "not_considered": "not_considered",
    "postponed": "postponed",
    "read_out": "read_out",
}
_VOTE_OUTCOMES = {"adopted": "adopted_by_vote", "rejected": "rejected"}
ROLL_CALL = 2  # the authority of an official roll-call (watchers.votes.items)
_SUFFIX_KINDS = {"Rev": "revised", "Add": "addendum", "Corr": "corrigendum"}
_LINKS = (("url", "Document"), ("pdf_url", "PDF"), ("record_url", "Record"))


@dataclass(frozen=True)
class Report:
    """One happening as one source reports it. `ordinal` tells apart happenings of one kind in a story."""

    kind: str
    ordinal: str
    facts: dict[str, Any]


def _text(value: Any, limit: int = 10_000) -> str | None:
    """A string fact, whitespace collapsed and bounded (a title is kept whole up to `limit`)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:limit]
    return text or None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value if str(v).strip()] if isinstance(value, list) else []


def links(fields: Mapping[str, Any], document_label: str = "Document") -> list[list[str]]:
    """[label, url] pairs of the http(s) links an item carries."""
    found = []
    for name, label in _LINKS:
        value = fields.get(name)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            found.append([document_label if name == "url" else label, value[:2000]])
    return found


def _clean(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if v not in (None, "", [], {})}


def _document(symbol: Symbol, fields: Mapping[str, Any]) -> list[Report]:
    common = {
        "symbol": symbol.normalised,
        "title": _text(fields.get("title")),
        "links": links(fields),
    }
    reports: list[Report] = []
    amends = parse_symbol(str(fields.get("amendment_to") or ""))
    if symbol.is_draft and amends is not None:
        reports.append(
            Report("amendment", symbol.normalised, _clean({**common, "amends": amends.normalised}))
        )
    elif symbol.is_draft and not symbol.suffixes:
        sponsors = _names(fields.get("sponsors"))
        reports.append(Report("tabled", "", _clean({**common, "sponsors": sponsors})))
    elif symbol.is_draft:
        kind, _ = symbol.suffixes[-1]
        parent = symbol.revision_of if kind == "Rev" else symbol.parent
        to = parent.normalised if parent else None
        reports.append(Report(_SUFFIX_KINDS[kind], symbol.normalised, _clean({**common, "to": to})))
    elif symbol.series in ("DOC", "SR"):
        reports.append(Report("published", symbol.normalised, _clean(common)))
    outcome = _OUTCOMES.get(str(fields.get("status") or ""))
    if outcome is not None:
        adopted = parse_symbol(str(fields.get("resolution") or ""))
        if symbol.is_adopted_text:
            adopted = symbol
        facts = {
            "outcome": outcome,
            "acted_on": symbol.normalised if symbol.is_draft else _text(fields.get("draft"), 60),
            "adopted_as": adopted.normalised if adopted else None,
            "date": _text(fields.get("action_date"), 40),
            "meeting": fields.get("meeting") if isinstance(fields.get("meeting"), int) else None,
            "orally_revised": True if fields.get("orally_revised") else None,
            "title": common["title"],
            "links": common["links"] if symbol.is_adopted_text else [],
        }
        reports.append(Report("action", "", _clean(facts)))
    return reports


def _tally(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _vote(fields: Mapping[str, Any]) -> list[Report]:
    yes, no, abstain = (_tally(fields.get(k)) for k in ("yes", "no", "abstain"))
    checks = fields.get("checks") if isinstance(fields.get("checks"), Mapping) else {}
    common = {
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "non_voting": _tally(fields.get("non_voting")),
        "adopted_as": _text(fields.get("symbol"), 60),
        "acted_on": _text(fields.get("draft_symbol"), 60),
        "title": _text(fields.get("title")),
        "session": _text(checks.get("session"), 10),
        "previous_vote": fields.get("previous_vote")
        if isinstance(fields.get("previous_vote"), dict)
        else None,
        "since_previous": [str(line)[:600] for line in (fields.get("since_previous") or [])[:30]],
        "links": links(fields),
    }
    outcome = _VOTE_OUTCOMES.get(str(fields.get("outcome") or ""), "voted")  # "voted": not stated
    roll_call = fields.get("roll_call")
    reports: list[Report] = []
    if yes is not None or no is not None:
        facts = {
            **common,
            "outcome": outcome,
            "listed": _listed(roll_call) if _tally(fields.get("authority")) != ROLL_CALL else None,
            "date": _text(fields.get("date"), 40),
            "tallies_source": _text(checks.get("tallies"), 200),
            "warnings": [str(w)[:300] for w in (fields.get("warnings") or [])[:5]],
        }
        reports.append(Report("action", "", _clean(facts)))
    if isinstance(roll_call, Mapping) and roll_call and _tally(fields.get("authority")) == ROLL_CALL:
        facts = {
            **common,
            "outcome": outcome if outcome != "voted" else None,
            "roll_call": {str(k): str(v) for k, v in sorted(roll_call.items())},
        }
        reports.append(Report("roll_call", "", _clean(facts)))
    return reports


def _listed(roll_call: Any) -> dict[str, list[str]] | None:
    """Countries a press report names under each vote: shown as reported, never as the roll-call."""
    if not isinstance(roll_call, Mapping):
        return None
    listed: dict[str, list[str]] = {}
    for iso3, choice in sorted(roll_call.items()):
        if choice in ("yes", "no", "abstain", "not_voting"):
            listed.setdefault(str(choice), []).append(str(iso3))
    return listed or None


def _meeting(fields: Mapping[str, Any]) -> list[Report]:
    if fields.get("live") is not True:
        return []
    facts = {
        "title": _text(fields.get("title")),
        "start_utc": _text(fields.get("start_utc"), 40),
        "summary_record": _text(fields.get("summary_record"), 60),
        "links": links(fields, "Webcast"),
    }
    return [Report("live", "", _clean(facts))]


def reports_of(key: str, kind: str, fields: Mapping[str, Any]) -> list[Report]:
    """The happenings one item reports; press articles report nothing of their own (their votes do)."""
    if kind == "vote":
        return _vote(fields)
    if kind == "meeting":
        return _meeting(fields)
    if kind == "document":
        symbol = parse_symbol(str(fields.get("symbol") or key))
        return _document(symbol, fields) if symbol is not None else []
    return []


def combined(reports: list[Report]) -> dict[tuple[str, str], dict[str, Any]]:
    """One source's reports of one story, per happening: a document's status and that source's vote
    item both report the action; their facts are joined (the first stated value of each fact wins)."""
    joined: dict[tuple[str, str], dict[str, Any]] = {}
    for report in reports:
        facts = joined.setdefault((report.kind, report.ordinal), {})
        for name, value in report.facts.items():
            if name not in facts or (name == "outcome" and facts[name] == "voted"):
                facts[name] = value
    return joined


def in_story(report: Report, anchor: str) -> Report:
    """A story holds its draft's action and roll-call, and those of each amendment to it: an action or
    roll-call on another draft than the story's is its own happening, keyed by that draft's family, and
    says which draft it amends."""
    if report.kind not in ("action", "roll_call") or report.ordinal:
        return report
    acted = parse_symbol(str(report.facts.get("acted_on") or ""))
    root = parse_symbol(anchor)
    if acted is None or root is None or not (acted.is_draft and root.is_draft) or acted.family == anchor:
        return report
    return Report(report.kind, acted.family, {**report.facts, "amends": anchor})
