"""Listing titles (issue 10): a draft's title is the text of the smallest element around its symbol that
names no other symbol, without the row's dates, language codes, "PDF", sizes or page chrome."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.spine_support import bot
from watchers.base import Page
from watchers.listing_titles import is_furniture
from watchers.symbols_page import SymbolsPage

FIXTURES = Path(__file__).parent / "fixtures"
BELARUS = (
    "Situation of human rights in Belarus in the run-up to the 2020 presidential election"
    " and in its aftermath"
)
UCM = "The negative impact of unilateral coercive measures on the enjoyment of human rights"


def inspect(fixture: str) -> dict[str, dict[str, object]]:
    """`python -m bot inspect symbols FILE`, as an operator runs it: key -> fields."""
    run = bot("inspect", "symbols", str(FIXTURES / "watchers" / fixture))
    assert run.returncode == 0, run.stderr
    return {line["key"]: line["fields"] for line in map(json.loads, run.stdout.splitlines())}


def parse(fixture: str, url: str = "https://www.ohchr.org/en/hr-bodies/hrc/drafts") -> dict[str, dict]:
    body = (FIXTURES / fixture).read_bytes()
    page = Page(url, 200, {"content-type": "text/html"}, body, datetime(2026, 4, 1, tzinfo=UTC))
    items = SymbolsPage("test", url, SymbolsPage.Options()).parse(page)
    return {item.key: dict(item.fields) for item in items}


def test_inspect_on_a_div_row_listing_gives_each_draft_its_title_and_nothing_else() -> None:
    """Rows of spans (symbol, title, date, six language links, "PDF", a size) inside page chrome: each
    draft gets its row's title, and the link is the symbol's own (or, for a symbol in plain text, one
    of its row's links)."""
    items = inspect("listing_div_rows.html")
    assert {key: fields["title"] for key, fields in items.items()} == {
        "A/HRC/49/L.13": BELARUS,
        "A/HRC/49/L.13/Rev.1": BELARUS,
        "A/HRC/49/L.3": "Promotion and protection of human rights in Nicaragua",
        "A/HRC/49/L.6": UCM,
        "A/HRC/49/L.11": "Right to work",
        "A/HRC/49/L.14": (
            "Rights of persons belonging to national or ethnic, religious and linguistic minorities"
        ),
        "A/HRC/49/L.32": (
            "Strengthening the Voluntary Technical Assistance Trust Fund to Support the Participation of "
            "Least Developed Countries and Small Island Developing States in the Work of the Human Rights "
            "Council"
        ),
    }
    assert items["A/HRC/49/L.13/Rev.1"]["url"] == (
        "https://documents.un.org/api/symbol/access?s=A/HRC/49/L.13/Rev.1&l=en&t=pdf"
    )
    assert items["A/HRC/49/L.13/Rev.1"]["revision_of"] == "A/HRC/49/L.13"
    assert "A/HRC/49/L.11" in str(items["A/HRC/49/L.11"]["url"])
    assert "A/HRC/49/L.99" not in items  # named only in a script


def test_inspect_on_a_table_listing_with_language_links_gives_each_draft_its_title_and_nothing_else() -> None:
    """Table rows with a dd/mm/yyyy date, AR ZH EN FR RU ES links carrying the symbol and a "PDF | 1 p."
    cell: none of them reaches a title."""
    items = inspect("listing_table_languages.html")
    assert {key: fields["title"] for key, fields in items.items()} == {
        "A/HRC/49/L.1": "Technical assistance and capacity-building for South Sudan",
        "A/HRC/49/L.3": "Promotion and protection of human rights in Nicaragua",
        "A/HRC/49/L.6": UCM,
        "A/HRC/49/L.6/Add.1": UCM,
        "A/HRC/49/L.13": BELARUS,
        "A/HRC/49/L.16": (
            "Promotion of the enjoyment of the cultural rights of everyone and respect for cultural diversity"
        ),
    }
    assert all(str(f["url"]).startswith("https://undocs.org/A/HRC/49/L.") for f in items.values())
    assert items["A/HRC/49/L.6/Add.1"]["addendum_to"] == "A/HRC/49/L.6"


def test_the_bench_kit_rows_give_the_title_cell_and_nothing_else() -> None:
    """The bench kit's layout (a <time> date and six language links a row, a session menu and a search
    form around the table): every draft's title is its row's title cell, exactly."""
    body = (FIXTURES / "watchers" / "listing_bench_kit_rows.html").read_text(encoding="utf-8")
    cells = re.findall(r'<a href="/doc/(A/HRC/13/L\.\d+)">.*?<td class="title">(.*?)</td>', body, re.S)
    assert len(cells) == 12
    items = parse("watchers/listing_bench_kit_rows.html", "http://127.0.0.1:8080/static/page-00.html")
    assert {key: fields["title"] for key, fields in items.items()} == {s: html.unescape(t) for s, t in cells}
    assert items["A/HRC/13/L.200"]["url"] == "http://127.0.0.1:8080/doc/A/HRC/13/L.200"


def test_a_row_nested_in_another_by_unclosed_tags_keeps_its_neighbour_out_of_the_title() -> None:
    """Unclosed tags put the next row inside this one: the title is this row's text without it, and the
    link of a symbol in plain text is not the nested row's."""
    items = parse("hostile/malformed_listing.html")
    assert items["A/HRC/61/L.21"]["title"] == "Human rights defenders urgent unclosed"
    assert items["A/HRC/61/L.22"]["title"] == "The right to food"
    assert items["A/HRC/61/L.23"]["title"] == "Safety of journalists <<<>>> deep"
    assert "L.24" not in str(items["A/HRC/61/L.23"]["url"])


@pytest.mark.parametrize(
    "piece",
    ["09/03/2010", "28 March 2022", "2010-03-09", "March 9, 2010", "AR", "zh", "Français", "PDF", "(245 KB)",
     "1.2 MB", "7 p.", "PDF | 1 p.", "N/A", "51/2", "Date:", "A/HRC/49/L.13", "AR ZH EN FR RU ES"],
)  # fmt: skip
def test_row_furniture_is_not_title(piece: str) -> None:
    assert is_furniture(piece)


@pytest.mark.parametrize(
    "piece",
    ["Right to work", BELARUS, "Technical assistance and capacity-building for Yemen", "The Social Forum",
     "Cooperation with Georgia", "Situation of human rights in Eritrea"],
)  # fmt: skip
def test_titles_are_not_furniture_even_with_dates_or_short_words_in_them(piece: str) -> None:
    assert not is_furniture(piece)
