"""`python -m bot text diff` as a real process against a local documents.un.org: PDF for one symbol,
Word for another, nothing or an HTML page for unpublished ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.spine_support import bot
from tests.test_texts_real import KIND, expected
from tests.un_documents import config, fixture, serve

L13, REV1 = "A/HRC/43/L.13", "A/HRC/43/L.13/Rev.1"


@pytest.fixture
def documents(httpserver: HTTPServer) -> list[str]:
    return serve(
        httpserver,
        {
            (L13, "pdf"): fixture("un-layout-L13.pdf"),
            (REV1, "doc"): fixture("un-layout-L13-Rev1.docx"),
            ("A/HRC/43/L.16", "pdf"): fixture("un-layout-L13.pdf"),  # a neighbouring document answered
            ("A/HRC/43/L.17", "pdf"): fixture("scanned.pdf"),
        },
        html_for={"A/HRC/43/L.15"},
    )


def test_diff_of_two_symbols_as_json(tmp_path: Path, httpserver: HTTPServer, documents: list[str]) -> None:
    result = bot("text", "diff", L13, REV1, "--json", "--config", str(config(tmp_path, httpserver)))
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)
    got = {(c["old"], c["new"]): c["kind"] for c in changes}
    # the rendered drafts carry the words of 43/21 and 46/13: the hand-checked alignment applies
    for entry in expected("A/HRC/RES/43/21", "A/HRC/RES/46/13"):
        assert got[(entry["old"], entry["new"])] == KIND[str(entry["status"])]
    pp9 = next(c for c in changes if c["old"] == "PP12")
    assert pp9 == {
        "old": "PP12",
        "new": "PP9",
        "kind": "amended",
        "words": {"inserted": [], "deleted": ["also"]},
    }
    assert set(changes[0]) == {"old", "new", "kind", "words"}
    # L.13: Word answered empty, then the PDF; Rev.1: the Word file at once
    assert documents == [f"{L13} doc", f"{L13} pdf", f"{REV1} doc"]


def test_diff_of_two_symbols_for_a_reader(
    tmp_path: Path, httpserver: HTTPServer, documents: list[str]
) -> None:
    result = bot("text", "diff", L13, REV1, "--config", str(config(tmp_path, httpserver)))
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith("Rev.1 against L.13: 6 preambular and 3 operative paragraphs dropped")
    assert (
        "PP12 reworded, now PP9" in rest
        and "Reaffirming [-also-] that the work of the Human Rights Council …" in rest
    )


@pytest.mark.parametrize(
    ("symbol", "says"),
    [
        ("A/HRC/43/L.14", "A/HRC/43/L.14: an empty answer: the text is not published (yet)"),
        ("A/HRC/43/L.15", "A/HRC/43/L.15: an HTML page instead of the document: not published (yet)"),
        ("A/HRC/43/L.16", "the server answered the text of A/HRC/43/L.13"),
        ("A/HRC/43/L.17", "a PDF without a text layer (a scanned image)"),
    ],
)
def test_a_text_that_cannot_be_had_is_one_line(
    tmp_path: Path, httpserver: HTTPServer, documents: list[str], symbol: str, says: str
) -> None:
    result = bot("text", "diff", symbol, REV1, "--json", "--config", str(config(tmp_path, httpserver)))
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and says in line
    assert len([a for a in documents if a.startswith(symbol)]) <= 4


def test_a_bad_texts_url_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[texts]\nurl = "https://documents.un.org/api/symbol/access?s=A"\n')
    result = bot("text", "diff", "A/HRC/43/L.13", "A/HRC/43/L.13/Rev.1", "--config", str(path))
    assert result.returncode == 2
    assert "[texts]" in result.stderr and "{symbol}" in result.stderr
