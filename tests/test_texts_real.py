"""Paragraph diffs on real texts: the hand-checked alignments, a draft against its adopted text, and a
real UN document read from its PDF and from its Word file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from watchers.texts.align import diff_texts
from watchers.texts.blocks import _PREAMBULAR_OPENING
from watchers.texts.extract import extract
from watchers.texts.model import ParsedText
from watchers.texts.paragraphs import parse_layout

TEXTS = Path(__file__).parent / "fixtures" / "texts"
# pairs.expected.json's statuses in this diff's kinds: renumbered = moved, "+moved" = amended (ids show it)
KIND = {
    "unchanged": "unchanged",
    "moved": "moved",
    "renumbered": "moved",
    "amended": "amended",
    "amended+moved": "amended",
    "amended+renumbered": "amended",
    "added": "added",
    "deleted": "deleted",
}
# README.md of the data: "OP5 is a judgement call" (a study requested became a report taken note of)
JUDGEMENT_CALLS = {("A/HRC/RES/37/23", "OP5", "OP5")}


def parsed(name: str) -> ParsedText:
    return parse_layout(extract((TEXTS / name).read_bytes(), plain_text=True))


def expected(old: str, new: str) -> list[dict[str, str | None]]:
    pairs = json.loads((TEXTS / "pairs.expected.json").read_text())["pairs"]
    return next(p["paragraphs"] for p in pairs if (p["old"], p["new"]) == (old, new))


@pytest.mark.parametrize(
    ("old_symbol", "new_symbol", "old_file", "new_file"),
    [
        ("A/HRC/RES/37/23", "A/HRC/RES/43/21", "A-HRC-RES-37-23.txt", "A-HRC-RES-43-21.txt"),
        ("A/HRC/RES/43/21", "A/HRC/RES/46/13", "A-HRC-RES-43-21.txt", "A-HRC-RES-46-13.txt"),
    ],
)
def test_successive_resolutions_agree_with_the_hand_checked_alignment(
    old_symbol: str, new_symbol: str, old_file: str, new_file: str
) -> None:
    diff = diff_texts(parsed(old_file), parsed(new_file))
    got = {(c.old.id if c.old else None, c.new.id if c.new else None): c.kind for c in diff.changes}
    checked = 0
    for entry in expected(old_symbol, new_symbol):
        if (old_symbol, entry["old"], entry["new"]) in JUDGEMENT_CALLS:
            continue
        assert got.get((entry["old"], entry["new"])) == KIND[str(entry["status"])], entry
        checked += 1
    assert checked >= 30


def test_one_word_reorder_edits_are_named() -> None:
    """Moved paragraphs re-sequence "also"/"further": the diff names the word, not the paragraph."""
    diff = diff_texts(parsed("A-HRC-RES-43-21.txt"), parsed("A-HRC-RES-46-13.txt"))
    change = next(c for c in diff.changes if c.old and c.old.id == "PP12")
    assert change.new is not None and change.new.id == "PP9"
    assert change.to_json()["words"] == {"inserted": [], "deleted": ["also"]}
    comma = next(c for c in diff.changes if c.old and c.old.id == "PP19")
    assert comma.kind == "amended" and comma.deleted == [","]
    assert diff.summary("43/21", "46/13").startswith("46/13 against 43/21: 6 preambular and 3 operative")


def test_draft_against_the_resolution_adopted_unchanged_reports_no_change() -> None:
    """Raw PDF text (footnotes, glued page furniture, "Gover nment", marks) against split paragraphs."""
    draft, adopted = parsed("A-C.3-78-L.41.txt"), parsed("A-RES-78-220.txt")
    assert draft.symbol == "A/C.3/78/L.41" and draft.formula == "The General Assembly,"
    assert [p.id for p in draft.paragraphs] == [p.id for p in adopted.paragraphs]
    diff = diff_texts(draft, adopted)
    assert {c.kind for c in diff.changes} == {"unchanged"}
    assert diff.summary("L.41", "78/220") == "78/220 against L.41: no paragraph changed"
    (gap,) = diff.notes
    assert gap.new is not None and gap.new.id == "OP1"
    assert "printed line at a page break are missing from the new text" in gap.note


def test_raw_pdf_text_loses_its_furniture_and_footnotes() -> None:
    draft = parsed("A-C.3-78-L.41.txt")
    ids = [p.id for p in draft.paragraphs]
    assert ids[:4] == ["PP1", "PP2", "PP3", "OP1"] and ids[-1] == "OP35"
    assert [i for i in ids if i.startswith("OP30(")] == [f"OP30({x})" for x in "abcdefg"]
    body = " ".join(p.text for p in draft.paragraphs)
    for furniture in ("23-21227", "A/C.3/78/L.41", "Resolution 217 A (III)", "____", "*2321227*"):
        assert furniture not in body
    assert "Human Rights, the International Covenants on Human Rights and" in draft.paragraphs[0].text
    assert "Political Rights; expresses serious" in draft.paragraph("OP10").text  # type: ignore[union-attr]
    assert draft.paragraph("OP1").page_starts  # type: ignore[union-attr]


def test_split_paragraphs_lose_glued_page_headers() -> None:
    adopted = parsed("A-RES-78-220.txt")
    for pid in ("OP10", "OP17", "OP22", "OP27", "OP30(d)"):
        text = adopted.paragraph(pid).text  # type: ignore[union-attr]
        assert "23-25993" not in text and "A/RES/78/220" not in text, pid
    assert "as well as other actions provided" in adopted.paragraph("OP10").text  # type: ignore[union-attr]
    assert adopted.closing == "50th plenary meeting 19 December 2023"


def test_every_real_preambular_paragraph_opens_like_one() -> None:
    """The participle rule that splits raw text into preambular paragraphs, on every real one."""
    for name in ("A-HRC-RES-37-23.txt", "A-HRC-RES-43-21.txt", "A-HRC-RES-46-13.txt", "A-RES-78-220.txt"):
        for paragraph in parsed(name).paragraphs:
            if paragraph.section == "PP":
                assert _PREAMBULAR_OPENING.match(paragraph.text), (name, paragraph.text[:40])


def test_adoption_note_is_not_part_of_the_last_paragraph() -> None:
    resolution = parsed("A-HRC-RES-46-13.txt")
    assert resolution.paragraphs[-1].text.endswith("at its fifty-second session.")
    assert resolution.closing is not None and resolution.closing.startswith("49th meeting 23 March 2021")


def test_parsed_text_round_trips_through_json() -> None:
    text = parsed("A-C.3-78-L.41.txt")
    again = ParsedText.from_json(json.loads(json.dumps(text.to_json())))
    assert again == text
    assert diff_texts(text, again).summary("a", "b") == "b against a: no paragraph changed"


@pytest.fixture(scope="module")
def budget_section() -> tuple[ParsedText, ParsedText]:
    """A/81/6 (Sect. 24) read from the UN's PDF (47 pages) and from its Word file, once."""
    return parsed("A_81_6_Sect24.pdf"), parsed("A_81_6_Sect24.docx")


def test_real_un_pdf_and_word_file_give_the_same_paragraphs(
    budget_section: tuple[ParsedText, ParsedText],
) -> None:
    pdf, docx = budget_section
    assert pdf.style == docx.style == "numbered"
    assert [p.id for p in pdf.paragraphs] == [p.id for p in docx.paragraphs]
    assert len(pdf.paragraphs) == 146 and pdf.paragraphs[0].id == "24.1"
    assert {"24.9(a)", "24.9(b)", "24.18(b)"} <= {p.id for p in pdf.paragraphs}
    assert diff_texts(pdf, docx).notable == []
    assert pdf.symbol is not None and pdf.symbol.startswith("A/81/6 (Sect. 24)")


def test_real_un_pdf_paragraphs_hold_no_page_furniture(budget_section: tuple[ParsedText, ParsedText]) -> None:
    pdf, _ = budget_section
    page_number = re.compile(r"\b\d{1,2}/47\b")
    for paragraph in pdf.paragraphs:
        assert "26-04944" not in paragraph.text, paragraph.id
        assert not page_number.search(paragraph.text), paragraph.id
        assert "Section 24 Human rights" not in paragraph.text, paragraph.id
        assert "Human rights and humanitarian affairs" not in paragraph.text, paragraph.id
    continued = pdf.paragraph("24.12")
    assert continued is not None and continued.page_starts  # joined across pages 4 and 5
    assert "ensure that human rights considerations are systematically integrated" in continued.text
