"""The HRC symbol grammar: real spellings (docs/SOURCES.md §1), rejections, ordering, and properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchers.symbols import (
    Symbol,
    document_fields,
    find_symbols,
    parse_adopted_number,
    parse_symbol,
)


@pytest.mark.parametrize(
    ("text", "normalised", "family"),
    [
        ("A/HRC/43/L.13", "A/HRC/43/L.13", "A/HRC/43/L.13"),
        ("A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13"),
        ("A/HRC.35/L.13/Rev.1", "A/HRC/35/L.13/Rev.1", "A/HRC/35/L.13"),
        ("A/HRC/43/L.13/Rev 1", "A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13"),
        ("A/HRC/43/L.13 Rev.2", "A/HRC/43/L.13/Rev.2", "A/HRC/43/L.13"),
        ("A / HRC / 43 / L. 13 / Rev. 1", "A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13"),
        ("a/hrc/43/l.13/rev.1", "A/HRC/43/L.13/Rev.1", "A/HRC/43/L.13"),
        ("A/HRC/55/L.2/Add.1", "A/HRC/55/L.2/Add.1", "A/HRC/55/L.2"),
        ("A/HRC/43/L.5/Rev.1/Add.1", "A/HRC/43/L.5/Rev.1/Add.1", "A/HRC/43/L.5"),
        ("A/HRC/S-34/L.1/Add.1", "A/HRC/S-34/L.1/Add.1", "A/HRC/S-34/L.1"),
        ("A/HRC/S–34/L.1", "A/HRC/S-34/L.1", "A/HRC/S-34/L.1"),
        ("A/HRC/S 34/L.01", "A/HRC/S-34/L.1", "A/HRC/S-34/L.1"),
        ("A/HRC/43/L.13/Corr.1", "A/HRC/43/L.13/Corr.1", "A/HRC/43/L.13"),
        ("A/HRC/43/L.13/Cor.1", "A/HRC/43/L.13/Corr.1", "A/HRC/43/L.13"),
        ("A/HRC/RES/43/21", "A/HRC/RES/43/21", "A/HRC/RES/43/21"),
        ("A/HRC/RES/S-34/1", "A/HRC/RES/S-34/1", "A/HRC/RES/S-34/1"),
        ("A/HRC/DEC/55/115", "A/HRC/DEC/55/115", "A/HRC/DEC/55/115"),
        ("A/HRC/PRST/50/1", "A/HRC/PRST/50/1", "A/HRC/PRST/50/1"),
        ("A/HRC/61/SR.29", "A/HRC/61/SR.29", "A/HRC/61/SR.29"),
        ("A/HRC/55/2", "A/HRC/55/2", "A/HRC/55/2"),
        ("A/HRC/55/2/Add.1", "A/HRC/55/2/Add.1", "A/HRC/55/2"),
        ("  A/HRC/61/L.3.  ", "A/HRC/61/L.3", "A/HRC/61/L.3"),
        ("A/HRC/61/L.3\u00a0", "A/HRC/61/L.3", "A/HRC/61/L.3"),
    ],
)
def test_real_spellings_normalise(text: str, normalised: str, family: str) -> None:
    symbol = parse_symbol(text)
    assert symbol is not None
    assert symbol.normalised == normalised
    assert symbol.family == family


@pytest.mark.parametrize(
    "text",
    [
        "A/C.3/78/L.49",
        "A/C.3/78/L.49/Rev.1",
        "A/HRC/WG.6/43/L.1",
        "A/HRC/AC/30/L.1",
        "E/CN.4/2005/L.10",
        "E/CN.4/RES/2005/1",
        "A/RES/78/213",
        "UNA/HRC/43/L.13",
        "A/HRC/0/L.1",
        "A/HRC/43/L.0",
        "A/HRC/43/L.13/Rev.0",
        "A/HRC/2021/1",
        "43/21",
        "A/HRC/43/L.13 and more",
        "",
    ],
)
def test_non_hrc_and_malformed_are_refused(text: str) -> None:
    assert parse_symbol(text) is None


def test_derived_properties() -> None:
    symbol = parse_symbol("A/HRC/43/L.5/Rev.2/Add.1")
    assert symbol is not None
    assert symbol.is_draft and symbol.session == "43"
    assert (symbol.revision, symbol.addendum, symbol.corrigendum) == (2, 1, None)
    assert str(symbol.parent) == "A/HRC/43/L.5/Rev.2"
    assert symbol.revision_of is None
    rev2 = parse_symbol("A/HRC/43/L.5/Rev.2")
    assert rev2 is not None and str(rev2.revision_of) == "A/HRC/43/L.5/Rev.1"
    special = parse_symbol("A/HRC/RES/S-34/1")
    assert special is not None and special.session == "S-34" and not special.is_draft


def test_document_fields_name_what_a_revision_revises() -> None:
    assert document_fields(Symbol("L", "43", 13, (("Rev", 1),))) == {
        "symbol": "A/HRC/43/L.13/Rev.1",
        "family": "A/HRC/43/L.13",
        "series": "L",
        "session": "43",
        "is_draft": True,
        "revision": 1,
        "revision_of": "A/HRC/43/L.13",
    }
    add = document_fields(Symbol("L", "55", 2, (("Add", 1),)))
    assert add["addendum_to"] == "A/HRC/55/L.2" and "revision_of" not in add


def test_revisions_order_within_a_family() -> None:
    spellings = [
        "A/HRC/43/L.13/Rev.2",
        "A/HRC/43/L.13/Rev.1/Add.1",
        "A/HRC/43/L.13",
        "A/HRC/43/L.13/Rev.1",
        "A/HRC/43/L.13/Add.1",
        "A/HRC/43/L.2",
        "A/HRC/S-34/L.1",
        "A/HRC/42/L.40",
    ]
    symbols = [parse_symbol(s) for s in spellings]
    assert all(symbols)
    ordered = [s.normalised for s in sorted(symbols, key=lambda s: s.sort_key)]  # type: ignore[union-attr]
    assert ordered == [
        "A/HRC/42/L.40",
        "A/HRC/43/L.2",
        "A/HRC/43/L.13",
        "A/HRC/43/L.13/Add.1",
        "A/HRC/43/L.13/Rev.1",
        "A/HRC/43/L.13/Rev.1/Add.1",
        "A/HRC/43/L.13/Rev.2",
        "A/HRC/S-34/L.1",
    ]


def test_find_symbols_in_free_text() -> None:
    text = (
        "Amendment A/HRC/61/L.39 to Draft resolution A/HRC/61/L.28 (see A/HRC/61/L.28), recalling "
        "Human Rights Council resolution 43/21 and General Assembly resolution 60/251 and Council "
        "resolution 7/1; A/C.3/78/L.49/Rev.1 and A/HRC/WG.6/43/L.1 are not Council texts; "
        "https://docs.un.org/en/A/HRC/61/L.28/Rev.1 and HRC decision S-34/2."
    )
    assert [s.normalised for s in find_symbols(text)] == [
        "A/HRC/61/L.39",
        "A/HRC/61/L.28",
        "A/HRC/RES/43/21",
        "A/HRC/61/L.28/Rev.1",
        "A/HRC/DEC/S-34/2",
    ]


def test_parse_adopted_number_in_a_known_cell() -> None:
    assert str(parse_adopted_number("55/2")) == "A/HRC/RES/55/2"
    assert str(parse_adopted_number(" S-34/1 ", "DEC")) == "A/HRC/DEC/S-34/1"
    assert str(parse_adopted_number("A/HRC/PRST/50/1")) == "A/HRC/PRST/50/1"
    assert parse_adopted_number("A/HRC/50/L.1") is None
    assert parse_adopted_number("Resolutions") is None


def test_long_hostile_text_is_linear() -> None:
    hostile = "A/HRC/43/L.13/Rev " * 20_000 + "A / HRC / " * 20_000 + "Human Rights Council " * 20_000
    started = time.perf_counter()
    find_symbols(hostile)
    assert time.perf_counter() - started < 5


_PIECES = st.sampled_from(
    [
        "A",
        "/",
        ".",
        "HRC",
        "RES",
        "DEC",
        "PRST",
        "L",
        "SR",
        "S-",
        "S",
        "Rev",
        "Add",
        "Corr",
        " ",
        "-",
        "0",
        "1",
        "13",
        "43",
        "999",
        "12345",
        "\u00a0",
        "–",
        "Human Rights Council resolution ",
        "x",
    ]
)
_SYMBOLISH = st.lists(_PIECES, max_size=30).map("".join)
_ANY_TEXT = st.one_of(st.text(max_size=300), _SYMBOLISH)

_SYMBOLS = st.builds(
    Symbol,
    series=st.sampled_from(["L", "RES", "DEC", "PRST", "SR", "DOC"]),
    session=st.one_of(st.integers(1, 999).map(str), st.integers(1, 99).map(lambda k: f"S-{k}")),
    number=st.integers(1, 9999),
    suffixes=st.lists(st.tuples(st.sampled_from(["Rev", "Add", "Corr"]), st.integers(1, 99)), max_size=4).map(
        tuple
    ),
)


@settings(max_examples=500)
@given(_ANY_TEXT)
def test_parser_never_raises(text: str) -> None:
    parse_symbol(text)
    parse_adopted_number(text)
    for symbol in find_symbols(text):
        document_fields(symbol)
        _ = symbol.sort_key


@settings(max_examples=500)
@given(_ANY_TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    symbol = parse_symbol(text)
    if symbol is not None:
        again = parse_symbol(symbol.normalised)
        assert again == symbol
        assert again is not None and again.normalised == symbol.normalised


@settings(max_examples=500)
@given(_ANY_TEXT)
def test_every_found_symbol_parses_back_to_itself(text: str) -> None:
    for symbol in find_symbols(text):
        assert parse_symbol(symbol.normalised) == symbol


@settings(max_examples=300)
@given(_SYMBOLS, st.text(max_size=20), st.text(max_size=20))
def test_a_symbol_is_found_in_any_surroundings(symbol: Symbol, before: str, after: str) -> None:
    assert parse_symbol(symbol.normalised) == symbol
    text = f"{before} {symbol.normalised} {after}"
    found = {s.normalised for s in find_symbols(text)}
    assert symbol.normalised in found or any(s.startswith(symbol.normalised + "/") for s in found)
