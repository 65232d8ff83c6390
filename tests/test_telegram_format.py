"""Telegram HTML and splitting: escaped, within limits in UTF-16 units, nothing lost, never cut in a tag."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.happening_text import HappeningText
from bot.telegram_format import Line, burst_summary, split, text_lines, utf16_len
from tests.fake_telegram import parse_html

styles = st.sampled_from(["", "b", "i"])
texts = st.text(alphabet=st.sampled_from(list("ab <>&\"'/;💥é\u00a0")) | st.characters(), max_size=3000)
lines = st.lists(
    st.builds(Line, texts, styles)
    | st.builds(lambda t, u: Line(t or "x", href="https://example.org/?" + u), texts, texts),
    min_size=1,
    max_size=12,
)


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_utf16_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("💥") == 2
    assert utf16_len("🇺🇳") == 4


def test_hostile_text_is_escaped() -> None:
    html = split(
        text_lines(HappeningText('<b>&amp;</a>"', ("</a>",), (("PDF", 'https://x.org/?a=1&b="2"'),)))
    )[0].html
    assert html == (
        '<b>&lt;b&gt;&amp;amp;&lt;/a&gt;"</b>\n&lt;/a&gt;\n'
        '<a href="https://x.org/?a=1&amp;b=&quot;2&quot;">PDF</a>'
    )
    assert parse_html(html).startswith('<b>&amp;</a>"')


@settings(max_examples=150, deadline=None)
@given(lines, st.sampled_from([64, 1024, 4096]), st.none() | st.sampled_from([40, 1024]))
def test_chunks_fit_parse_and_keep_everything(ls: list[Line], limit: int, first: int | None) -> None:
    chunks = split(ls, limit, first_limit=first)
    for index, chunk in enumerate(chunks):
        budget = first if first is not None and index == 0 else limit
        assert utf16_len(chunk.plain) <= budget
        assert utf16_len(parse_html(chunk.html)) <= budget
    assert squeeze("".join(c.plain for c in chunks)) == squeeze("".join(line.plain() for line in ls))


def test_long_line_starts_in_the_current_chunk_and_lines_stay_whole() -> None:
    chunks = split([Line("Head", "b"), Line(" ".join(["word"] * 2500))])
    assert [len(c.lines) for c in chunks] == [2, 1, 1, 1]  # 12,499 characters
    assert all(utf16_len(c.plain) <= 4096 for c in chunks)
    short = split([Line("a" * 3000), Line("b" * 3000)])
    assert [c.plain for c in short] == ["a" * 3000, "b" * 3000]


def test_burst_summary_fits_one_message() -> None:
    chunk = burst_summary([f"A/HRC/61/L.{i} <adopted> " + "x" * 250 for i in range(200)])
    text = parse_html(chunk.html)
    assert text.startswith("200 updates") and utf16_len(chunk.plain) <= 4096
    assert text.rstrip().endswith("more: send /latest to the bot for details")
