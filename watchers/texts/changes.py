"""What a diff of two texts says: one Change per paragraph pair, and the one-line summary of them all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from watchers.texts.model import Paragraph, ParsedText

ChangeKind = Literal["unchanged", "moved", "amended", "added", "deleted"]
EditOp = Literal["=", "+", "-"]
NAMED = 3  # up to this many paragraphs are named in the summary; more are counted
_SECTION_WORD = {"PP": "preambular", "OP": "operative", "": ""}


@dataclass(frozen=True)
class Edit:
    """A piece of an amended paragraph: kept ("="), inserted ("+") or deleted ("-") words."""

    op: EditOp
    text: str


@dataclass(frozen=True)
class Change:
    """One paragraph of either text and what became of it.

    unchanged: same words, same id; moved: same words, another id (renumbered or reordered); amended:
    words inserted or deleted (`edits` is the new paragraph with the old words struck in); added: only
    in the new text; deleted: only in the old. `note` explains noise that was not counted as a change.
    """

    kind: ChangeKind
    old: Paragraph | None
    new: Paragraph | None
    edits: tuple[Edit, ...] = ()
    note: str = ""

    @property
    def inserted(self) -> list[str]:
        return [e.text for e in self.edits if e.op == "+"]

    @property
    def deleted(self) -> list[str]:
        return [e.text for e in self.edits if e.op == "-"]

    @property
    def paragraph(self) -> Paragraph:
        """The paragraph this change is about: the new one, or the old one when deleted."""
        found = self.new or self.old
        assert found is not None
        return found

    def to_json(self) -> dict[str, Any]:
        """`{old, new, kind, words}`; words = {"inserted": [...], "deleted": [...]}, each a run of words."""
        return {
            "old": self.old.id if self.old else None,
            "new": self.new.id if self.new else None,
            "kind": self.kind,
            "words": {"inserted": self.inserted, "deleted": self.deleted},
        }


def _names(changes: Sequence[Change]) -> str:
    ids = [c.paragraph.id for c in changes]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _counted(changes: Sequence[Change]) -> str:
    """ "3 preambular and 2 operative paragraphs", or "5 paragraphs" for a report."""
    sections = Counter(c.paragraph.section for c in changes)
    parts = [f"{n} {_SECTION_WORD[s]}".strip() for s, n in sorted(sections.items(), reverse=True)]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{text} paragraph{'' if len(changes) == 1 else 's'}"


@dataclass(frozen=True)
class TextDiff:
    """Two texts and their changes, in the new text's order (a deleted paragraph where it stood)."""

    old: ParsedText
    new: ParsedText
    changes: tuple[Change, ...]

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def notable(self) -> list[Change]:
        """Every change but the unchanged paragraphs."""
        return [c for c in self.changes if c.kind != "unchanged"]

    @property
    def notes(self) -> list[Change]:
        return [c for c in self.changes if c.note]

    def summary(self, old_label: str, new_label: str) -> str:
        """One line, e.g. "Rev.1 against L.13: OP2 and OP5 dropped, PP8 reworded, new PP12"."""
        parts: list[str] = []
        for kind, verb in (("deleted", "dropped"), ("amended", "reworded")):
            found = self.of_kind(kind)  # type: ignore[arg-type]
            if found:
                parts.append(f"{_names(found) if len(found) <= NAMED else _counted(found)} {verb}")
        added = self.of_kind("added")
        if added:
            parts.append(f"new {_names(added)}" if len(added) <= NAMED else f"{_counted(added)} added")
        moved = self.of_kind("moved")
        if moved:
            if len(moved) <= 2:
                parts.append(", ".join(f"{c.old.id} now {c.new.id}" for c in moved if c.old and c.new))
            else:
                parts.append(f"{_counted(moved)} renumbered or moved")
        return f"{new_label} against {old_label}: " + (", ".join(parts) if parts else "no paragraph changed")
