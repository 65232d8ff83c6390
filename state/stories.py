"""Stories: which draft's story each item belongs to.

A draft's story is anchored at the family root of its symbol (A/HRC/61/L.13 for L.13/Rev.1/Add.1) and
holds its revisions, addenda, corrigenda and amendments, the text it became (an adopted symbol joins
through any source that names both: a draft's `resolution`, an adopted text's `draft`, a vote naming
both), its vote and roll-call. A meeting is a story of its own, and so is a document that is no draft.
A vote on a text the sources name only by title, not joined to a draft, is a story of its own too.
When a source later links two stories (an adopted text first seen alone, then named with its draft),
the other story is merged into the draft's: its members, happenings and posts move over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from state.happenings import StoryInfo
from watchers.symbols import Symbol, parse_symbol

_CHUNK = 400


@dataclass(frozen=True)
class Placement:
    """Where an item belongs: `anchor` is strong (a symbol family or a link says so) or only the item's own
    key; `links` are other keys the item says belong with it (an adopted symbol named with its draft)."""

    anchor: str
    strong: bool
    links: tuple[str, ...] = ()
    session: str | None = None


def _symbol(value: Any) -> Symbol | None:
    return parse_symbol(value) if isinstance(value, str) else None


def _draft_root(symbol: Symbol, fields: Mapping[str, Any]) -> str:
    amends = _symbol(fields.get("amendment_to"))
    return (amends or symbol).family


def placement(key: str, kind: str, fields: Mapping[str, Any]) -> Placement | None:
    """None for items that tell no story (press articles)."""
    if kind == "meeting":
        return Placement(key, strong=False)
    if kind == "vote":
        draft = _symbol(fields.get("draft_symbol"))
        adopted = _symbol(fields.get("symbol"))
        links = (adopted.normalised,) if adopted else ()
        if draft is not None:
            return Placement(draft.family, True, links, draft.session)
        if adopted is not None:
            return Placement(adopted.normalised, False, links, adopted.session)
        checks = fields.get("checks") if isinstance(fields.get("checks"), Mapping) else {}
        session = checks.get("session") if isinstance(checks.get("session"), str) else None
        return Placement(key, False, (), session)
    if kind != "document":
        return None
    symbol = _symbol(fields.get("symbol") or key)
    if symbol is None:
        return Placement(key, strong=False)
    if symbol.is_draft:
        resolution = _symbol(fields.get("resolution"))
        links = (resolution.normalised,) if resolution else ()
        return Placement(_draft_root(symbol, fields), True, links, symbol.session)
    if symbol.is_adopted_text:
        draft = _symbol(fields.get("draft"))
        if draft is not None and draft.is_draft:
            return Placement(_draft_root(draft, {}), True, (), draft.session)
        return Placement(symbol.normalised, False, (), symbol.session)
    return Placement(symbol.family, True, (), symbol.session)


class Stories:
    """The stories and story_members tables, inside the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._members: dict[str, int | None] = {}  # what this transaction read or wrote of story_members
        self._anchors: dict[str, int | None] = {}
        self._titled: set[int] = set()  # stories whose title this transaction has settled
        self._anchor_of: dict[int, str] = {}
        self._made: dict[int, StoryInfo] = {}  # the stories this transaction created, as created

    def preload(self, keys: Iterable[str]) -> None:
        """Reads the stories of many keys (as members and as anchors) in a few queries, not one each."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self._members]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            self._members.update(dict.fromkeys(chunk))
            self._anchors.update(dict.fromkeys(chunk))
            query = f"SELECT key, story_id FROM story_members WHERE key IN ({marks})"  # noqa: S608 (only ?s)
            self._members.update({r["key"]: r["story_id"] for r in self.conn.execute(query, chunk)})
            query = f"SELECT anchor, id, title FROM stories WHERE anchor IN ({marks})"  # noqa: S608 (only ?s)
            for r in self.conn.execute(query, chunk):
                self._anchors[r["anchor"]] = r["id"]
                self._anchor_of[r["id"]] = r["anchor"]
                if r["title"]:
                    self._titled.add(r["id"])

    def _member(self, key: str) -> int | None:
        if key not in self._members:
            row = self.conn.execute("SELECT story_id FROM story_members WHERE key = ?", (key,)).fetchone()
            self._members[key] = row["story_id"] if row else None
        return self._members[key]

    def _anchor(self, anchor: str) -> int | None:
        if anchor not in self._anchors:
            row = self.conn.execute("SELECT id FROM stories WHERE anchor = ?", (anchor,)).fetchone()
            self._anchors[anchor] = int(row["id"]) if row else None
        return self._anchors[anchor]

    def _by_anchor(self, anchor: str, session: str | None, stamp: str, title: str) -> int:
        found = self._anchor(anchor)
        if found is not None:
            return found
        member = self._member(anchor)
        if member is not None:
            return member
        cursor = self.conn.execute(
            "INSERT INTO stories (anchor, title, session, created_at) VALUES (?, ?, ?, ?)",
            (anchor, title[:2000], session, stamp),
        )
        story_id = int(cursor.lastrowid or 0)
        self._made[story_id] = StoryInfo(story_id, anchor, title[:2000], session)
        if title:
            self._titled.add(story_id)
        self._anchors[anchor] = story_id
        self._anchor_of[story_id] = anchor
        if self._member(anchor) is None:
            self.conn.execute("INSERT INTO story_members VALUES (?, ?)", (anchor, story_id))
            self._members[anchor] = story_id
        return story_id

    def _join(self, key: str, story_id: int) -> None:
        current = self._member(key)
        if current is None:
            self.conn.execute("INSERT INTO story_members VALUES (?, ?)", (key, story_id))
            self._members[key] = story_id
        elif current != story_id:
            self.merge(current, story_id)

    def place(self, key: str, where: Placement, stamp: str, title: str | None = None) -> int:
        """The item's story id, creating or merging stories as its placement requires; the story takes
        `title` if it has none yet."""
        current = self._member(key)
        if not where.strong and current is not None:
            story_id = current
        else:
            story_id = self._by_anchor(where.anchor, where.session, stamp, title or "")
            self._join(key, story_id)
        for link in where.links:
            self._join(link, story_id)
        self.name(story_id, title)
        return story_id

    def merge(self, source: int, target: int) -> None:
        """Moves story `source` into `target`; a happening both told keeps the target's identity. An
        amendment's own story (seen before a source said it amends the target's draft) brings its
        happenings keyed as the draft's story tells them: its tabling as the amendment's, its action and
        roll-call by its symbol (state/reports.py `in_story`), so none is told again."""
        moved, into = self.anchor_of(source), self.anchor_of(target)
        if moved != into and all((s := parse_symbol(a)) is not None and s.is_draft for a in (moved, into)):
            self.conn.execute(
                "UPDATE happenings SET ordinal = ?, kind = CASE kind WHEN 'tabled' THEN 'amendment'"
                " ELSE kind END, facts = CASE kind WHEN 'tabled' THEN facts"
                " ELSE json_set(facts, '$.amends', ?) END WHERE story_id = ? AND ordinal = ''"
                " AND kind IN ('tabled', 'action', 'roll_call')",
                (moved, into, source),
            )
        self.conn.execute(
            "UPDATE happenings SET ordinal = ordinal || '~' || id WHERE story_id = ? AND (kind, ordinal) IN"
            " (SELECT kind, ordinal FROM happenings WHERE story_id = ?)",
            (source, target),
        )
        for table in ("story_members", "happenings", "notices"):
            self.conn.execute(f"UPDATE {table} SET story_id = ? WHERE story_id = ?", (target, source))  # noqa: S608
        self.conn.execute(
            "INSERT OR IGNORE INTO story_posts SELECT ?, channel, message_id FROM story_posts"
            " WHERE story_id = ?",
            (target, source),
        )
        self.conn.execute("DELETE FROM story_posts WHERE story_id = ?", (source,))
        self.conn.execute(
            "UPDATE stories SET title = CASE WHEN title = '' THEN"
            " (SELECT title FROM stories WHERE id = ?) ELSE title END WHERE id = ?",
            (source, target),
        )
        self.conn.execute("DELETE FROM stories WHERE id = ?", (source,))
        self._members = {k: (target if v == source else v) for k, v in self._members.items()}
        self._anchors = {k: (target if v == source else v) for k, v in self._anchors.items()}
        self._anchor_of.pop(source, None)
        self._made.pop(source, None)
        self._made.pop(target, None)

    def anchor_of(self, story_id: int) -> str:
        if story_id not in self._anchor_of:
            self._anchor_of[story_id] = self.info(story_id).anchor
        return self._anchor_of[story_id]

    def info(self, story_id: int) -> StoryInfo:
        if story_id in self._made:
            return self._made[story_id]
        row = self.conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return StoryInfo(row["id"], row["anchor"], row["title"], row["session"])

    def name(self, story_id: int, title: str | None) -> None:
        """A story takes the first title any of its items gives; a later wording does not rename it."""
        if title and story_id not in self._titled:
            self.conn.execute(
                "UPDATE stories SET title = ? WHERE id = ? AND title = ''", (title[:2000], story_id)
            )
            self._titled.add(story_id)
            self._made.pop(story_id, None)

    def of_key(self, key: str) -> int | None:
        return self._member(key)
