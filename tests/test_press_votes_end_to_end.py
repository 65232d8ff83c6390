"""Issue 10, must-show 2, through real `python -m bot poll` processes and a local server: a press feed
entry linking to a real summary article gives vote alerts joined to the right drafts of the session's
listing by title (the HRC38 summary names no symbol), and a summary reporting four votes gives four."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.spine_support import Source, alerts, bot, write_sources

FIXTURES = Path(__file__).parent / "fixtures" / "watchers"
HRC38 = "/meeting-summary/2018/07/human-rights-council-adopts-six-resolutions-including-syria"
HRC26 = "/resolutions-and-voting-results-of-26th-hrc-session/"


def _feed(httpserver: HTTPServer, entries: slice) -> str:
    feed = (FIXTURES / "press_feed_with_articles.xml").read_text(encoding="utf-8")
    head, *items = feed.split("    <item>")
    tail = "  </channel>\n</rss>\n"
    kept = [item.split("</item>")[0] + "</item>\n" for item in items][entries]
    return (head + "".join("    <item>" + item for item in kept) + tail).replace(
        "{base}", httpserver.url_for("").rstrip("/")
    )


def _serve(httpserver: HTTPServer, entries: slice) -> None:
    httpserver.clear()
    for path, name in (
        ("/drafts/38", "hrc38_drafts_listing_synthetic.html"),
        ("/drafts/26", "hrc26_drafts_listing.html"),
        (HRC38, "ungeneva_meeting_summary_2018-07-06_HRC38.html"),
        (HRC26, "unwatch_hrc26_results_article.html"),
    ):
        httpserver.expect_request(path).respond_with_data(
            (FIXTURES / name).read_bytes(), content_type="text/html; charset=utf-8"
        )
    httpserver.expect_request("/rss.xml").respond_with_data(
        _feed(httpserver, entries), content_type="application/rss+xml"
    )


def test_votes_told_by_title_join_their_drafts_and_four_votes_give_four(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    sources = [
        Source("drafts-38", "symbols", httpserver.url_for("/drafts/38")),
        Source("drafts-26", "symbols", httpserver.url_for("/drafts/26")),
        Source("summaries", "press_feed", httpserver.url_for("/rss.xml")),
    ]
    config = write_sources(tmp_path, sources, read_timeout="5s")
    _serve(httpserver, slice(2, 3))  # the listings, and a feed with only the entry reporting no action
    first = bot("poll", "--config", str(config))
    assert first.returncode == 0, first.stderr
    assert alerts(tmp_path) == [], "the first poll of each source is its baseline"

    _serve(httpserver, slice(0, 3))
    second = bot("poll", "--config", str(config))
    assert second.returncode == 0, second.stderr
    headlines = sorted(a.text.splitlines()[0] for a in alerts(tmp_path))
    assert headlines == [
        "A/HRC/26/L.14 adopted by a recorded vote: 24-7-16",
        "A/HRC/26/L.15 adopted by a recorded vote: 23-4-19",
        "A/HRC/26/L.4 adopted by a recorded vote: 32-5-9",
        "A/HRC/26/L.8/Rev.1 adopted by a recorded vote: 29-10-8",
        "A/HRC/38/L.15 adopted by a recorded vote: 19-6-21",
        "A/HRC/38/L.17 adopted by a recorded vote: 26-5-15",
    ], (
        "Belarus and Syria joined their drafts by title; the HRC26 summary's four votes are four"
        " (the tallies are the record's)"
    )
    belarus = next(a for a in alerts(tmp_path) if a.text.startswith("A/HRC/38/L.15"))
    assert belarus.text.splitlines()[1] == "Situation of human rights in Belarus", "the draft's own title"
    assert "Source: the press feed at localhost (press report, not official yet)" in belarus.text

    assert bot("poll", "--config", str(config)).returncode == 0
    assert len(alerts(tmp_path)) == 6, "read again, nothing is told again"
