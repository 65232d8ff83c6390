"""Any body, however hostile, either parses into items or raises ParseError: never another exception."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from watchers.base import Item, Page, ParseError
from watchers.registry import load_kinds

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
KINDS = ["ohchr_session", "press_feed", "symbol_probe", "symbols", "un_documents_feed", "undl_records"]
KINDS += ["webtv_schedule"]
SEEDS = [
    (FIXTURES / name).read_bytes()
    for name in (
        "ohchr_res_dec_stat_session51.html",
        "un_documents_hrc_rss.xml",
        "searchlibrary_voting_61.xml",
        "webtv_schedule_2026-03-30.html",
        "probe_answer_A_HRC_61_L.15.pdf",
    )
]


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """Random bytes, or a real fixture cut and spliced with random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    seed = draw(st.sampled_from(SEEDS))
    cut = draw(st.integers(0, len(seed)))
    return seed[:cut] + draw(st.binary(max_size=200)) + seed[cut : cut + draw(st.integers(0, 4000))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), body=bodies())
def test_parse_returns_items_or_raises_parse_error(kind: str, body: bytes) -> None:
    cls = load_kinds()[kind]
    watcher = cls(kind, "https://example.org/{date}", cls.Options())
    page = Page("https://example.org/page", 200, {}, body, datetime(2026, 4, 1, tzinfo=UTC))
    try:
        items = watcher.parse(page)
    except ParseError:
        return
    assert all(isinstance(item, Item) for item in items)
