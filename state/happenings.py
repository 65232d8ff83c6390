"""Happenings: what a story went through, each told once, whichever source reports it first.

A happening's identity is (story, kind, ordinal), so a re-poll, a restart, a second source or a
re-derivation finds the row it made before. A later report of the same happening:
- agrees (every fact both state is equal): it is recorded, fills what the first report left out, and
  when it is the first official report (authority >= OFFICIAL) of one a press report told, it is a
  "confirmed" notice (channels edit the first post);
- contradicts it (other tallies, another outcome, another roll-call) with at least the authority of what
  was told: a "correction" notice naming both sources; with less authority, it is recorded and logged,
  and what was told stands.
Reports from a source's baseline poll record happenings as known (announced = 0) and tell nothing.
A draft first heard of when the action on it is reported (an OHCHR page listing what was adopted) is
told by that action alone: its tabling or revision, reported in the same breath, is recorded as known.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from state.json_text import dumps

log = logging.getLogger("hrcwatch.store")

DOCUMENT_KINDS = frozenset({"tabled", "revised", "addendum", "corrigendum", "amendment", "published"})

PRESS, OFFICIAL = 0, 1
# The facts two reports of a happening may disagree on; any other fact only fills gaps.
CONTESTED: dict[str, tuple[str, ...]] = {
    "action": ("outcome", "yes", "no", "abstain"),
    "roll_call": ("roll_call",),
}
CONFIRMABLE = frozenset({"action"})


@dataclass(frozen=True)
class SourceInfo:
    """Who reports: the source's name, how subscribers are told its name, and how much it counts."""

    name: str
    label: str
    authority: int


@dataclass(frozen=True)
class StoryInfo:
    id: int
    anchor: str
    title: str
    session: str | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "anchor": self.anchor, "title": self.title, "session": self.session}


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to queue: the store writes it and its outbox rows in the same transaction."""

    type: str
    source: str
    payload: dict[str, Any]
    story_id: int | None = None
    happening_id: int | None = None


def _stated(value: Any) -> bool:
    return value not in (None, "", [], {})


def contested(kind: str, told: Mapping[str, Any], report: Mapping[str, Any]) -> list[str]:
    """The contested facts on which `report` says otherwise than what was told (both must state them)."""
    conflicts = []
    for name in CONTESTED.get(kind, ()):
        a, b = told.get(name), report.get(name)
        if not (_stated(a) and _stated(b)) or a == b:
            continue
        if name == "outcome" and "voted" in (a, b):
            continue  # "voted" is an outcome the report did not state
        same_votes = (
            isinstance(a, Mapping) and isinstance(b, Mapping) and all(a[c] == b[c] for c in set(a) & set(b))
        )
        if name == "roll_call" and same_votes:
            continue
        conflicts.append(name)
    return conflicts


def filled(told: Mapping[str, Any], report: Mapping[str, Any]) -> dict[str, Any]:
    """What was told, with the facts it lacked taken from the report."""
    out = dict(told)
    for name, value in report.items():
        unstated = not _stated(out.get(name)) or (name == "outcome" and out.get(name) == "voted")
        if unstated and _stated(value):
            out[name] = value
    return out


def payload(story: StoryInfo, kind: str, ordinal: str, facts: Mapping[str, Any], source: SourceInfo) -> dict:
    return {
        "story": story.as_json(),
        "kind": kind,
        "ordinal": ordinal,
        "facts": dict(facts),
        "source_label": source.label,
        "official": source.authority >= OFFICIAL,
    }


_INSERT = (
    "INSERT INTO happenings (story_id, kind, ordinal, facts, authority, source, reports, announced,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class Happenings:
    """The happenings table, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, *, batch_quiet: bool = False) -> None:
        """`batch_quiet`: the happenings recorded without being told wait for `flush` (in order), for
        a caller that observes each story once, tells none, and moves no happening meanwhile (a
        baseline apply)."""
        self.conn = conn
        self.batch_quiet = batch_quiet
        self._preloaded: set[int] = set()
        self._rows: dict[tuple[int, str, str], sqlite3.Row] = {}
        self._quiet: list[tuple[Any, ...]] = []

    def preload(self, story_ids: Iterable[int]) -> None:
        """Reads the happenings of many stories in a few queries (one apply touches thousands at a
        baseline); each row is used once, by `observe`."""
        wanted = [s for s in dict.fromkeys(story_ids) if s not in self._preloaded]
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT * FROM happenings WHERE story_id IN ({marks})", chunk)  # noqa: S608
            self._rows.update({(r["story_id"], r["kind"], r["ordinal"]): r for r in rows})
            self._preloaded.update(chunk)

    def _row(self, story_id: int, kind: str, ordinal: str) -> sqlite3.Row | None:
        if story_id in self._preloaded:
            return self._rows.pop((story_id, kind, ordinal), None)
        return self.conn.execute(
            "SELECT * FROM happenings WHERE story_id = ? AND kind = ? AND ordinal = ?",
            (story_id, kind, ordinal),
        ).fetchone()

    def observe(
        self,
        story: StoryInfo,
        source: SourceInfo,
        reports: Mapping[tuple[str, str], dict[str, Any]],
        *,
        announce: bool,
        stamp: str,
    ) -> list[NoticeDraft]:
        """Records one source's reports on one story; returns what must be told because of them."""
        notices: list[NoticeDraft] = []
        rows = {(kind, ordinal): self._row(story.id, kind, ordinal) for kind, ordinal in reports}
        acted = any(kind == "action" and row is None for (kind, _), row in rows.items())
        for (kind, ordinal), facts in reports.items():
            row = rows[(kind, ordinal)]
            if row is None:
                told = announce and not (acted and kind in DOCUMENT_KINDS)
                notices.extend(self._new(story, source, kind, ordinal, facts, told, stamp))
            else:
                notices.extend(self._again(story, source, row, facts, announce))
        return notices

    def _new(
        self,
        story: StoryInfo,
        source: SourceInfo,
        kind: str,
        ordinal: str,
        facts: dict[str, Any],
        announce: bool,
        stamp: str,
    ) -> list[NoticeDraft]:
        reports = {source.name: {"label": source.label, "authority": source.authority, "facts": facts}}
        row = (story.id, kind, ordinal, dumps(facts), source.authority, source.name, dumps(reports),
               int(announce), stamp)  # fmt: skip
        if not announce and self.batch_quiet:
            self._quiet.append(row)
            return []
        cursor = self.conn.execute(_INSERT, row)
        if not announce:
            return []
        happening_id = int(cursor.lastrowid or 0)
        body = payload(story, kind, ordinal, facts, source)
        return [NoticeDraft("happening", source.name, body, story.id, happening_id)]

    def flush(self) -> None:
        """Writes the happenings recorded without being told, in one statement (a baseline has
        thousands; none of them needs its id)."""
        self.conn.executemany(_INSERT, self._quiet)
        self._quiet.clear()

    def _again(
        self, story: StoryInfo, source: SourceInfo, row: sqlite3.Row, facts: dict[str, Any], announce: bool
    ) -> list[NoticeDraft]:
        reports: dict[str, Any] = json.loads(row["reports"])
        mine = reports.get(source.name)
        if mine is not None and mine["facts"] == facts and mine["authority"] == source.authority:
            return []
        reports[source.name] = {"label": source.label, "authority": source.authority, "facts": facts}
        told: dict[str, Any] = json.loads(row["facts"])
        kind, ordinal = row["kind"], row["ordinal"]
        conflicts = contested(kind, told, facts)
        told_by = reports.get(row["source"], {}).get("label", row["source"])
        notices: list[NoticeDraft] = []
        if not conflicts:
            now_told = filled(told, facts)
            authority = max(row["authority"], source.authority)
            confirms = kind in CONFIRMABLE and row["authority"] < OFFICIAL <= source.authority
            if confirms:
                now_told["confirmed_by"] = source.label
            self._update(row["id"], now_told, authority, row["source"], reports)
            if confirms and row["announced"] and announce:
                teller = SourceInfo(row["source"], told_by, row["authority"])
                body = payload(story, kind, ordinal, now_told, teller)
                body["confirmed_by"] = source.label
                body["official"] = True
                notices.append(NoticeDraft("confirmed", source.name, body, story.id, row["id"]))
            return notices
        if source.authority < row["authority"]:
            self._update(row["id"], told, row["authority"], row["source"], reports)
            log.info(
                "story %s: %s reports %s otherwise (%s) than %s, which outranks it; kept",
                story.anchor, source.name, kind, ", ".join(conflicts), row["source"],
            )  # fmt: skip
            return notices
        corrected = {**filled(told, facts), **{name: facts[name] for name in conflicts}}
        corrected.pop("confirmed_by", None)
        self._update(row["id"], corrected, source.authority, source.name, reports)
        if row["announced"] and announce:
            body = payload(story, kind, ordinal, corrected, source)
            body["was"] = {name: told.get(name) for name in conflicts}
            body["was_source"] = told_by
            notices.append(NoticeDraft("correction", source.name, body, story.id, row["id"]))
        return notices

    def _update(
        self, happening_id: int, facts: Mapping[str, Any], authority: int, source: str, reports: Mapping
    ) -> None:
        self.conn.execute(
            "UPDATE happenings SET facts = ?, authority = ?, source = ?, reports = ? WHERE id = ?",
            (dumps(facts), authority, source, dumps(reports), happening_id),
        )
