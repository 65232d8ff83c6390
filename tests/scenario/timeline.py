"""The last days of session 61, step by step: the pages of five sources at each moment, and the news.

Each step is the full set of pages at one moment (what changed since the previous step is what the bot
should notice) and the headlines a person should have been told because of it. Expectations come from the
timeline itself, never from the bot's store. A round is: drafts tabled and a meeting scheduled; a draft
revised and the meeting live; the press reporting a vote; the OHCHR page recording the action; the
Search Library publishing the roll-call. `timeline(rounds)` repeats it with fresh symbols.

Page formats are those of the fixtures in tests/fixtures/watchers/ (the same selectors and fields).
The roll-calls are real: OHCHR Search Library records 35381 and 35382 (A/HRC/RES/61/6 and 61/7), copied
from tests/fixtures/watchers/searchlibrary_voting_61.xml; from the third round on they are renumbered.
Every page is SYNTHETIC and says so in a comment naming what it is built from.
"""

from __future__ import annotations

import copy
import html
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as defused

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "watchers"
MARC = "http://www.loc.gov/MARC21/slim"
DATE = "2026-03-30"


@dataclass(frozen=True)
class Source:
    """One [[sources]] entry of the bot's config, served by the scenario server under `path`."""

    name: str
    kind: str
    path: str
    content_type: str
    options: str = ""


SOURCES: tuple[Source, ...] = (
    Source("un-documents", "un_documents_feed", "/docs/rss/hrc.xml", "application/rss+xml"),
    Source(
        "ohchr-res-dec-stat",
        "ohchr_session",
        "/ohchr/en/hr-bodies/hrc/regular-sessions/session61/res-dec-stat",
        "text/html; charset=utf-8",
    ),
    Source(
        "searchlibrary-votes",
        "undl_records",
        "/searchlibrary/search?cc=Voting&of=xm&fct__1=Human+Rights+Council&fct__2=RECORDED",
        "application/xml",
    ),
    Source(
        "webtv-schedule",
        "webtv_schedule",
        "/webtv/en/schedule/{date}",
        "text/html; charset=utf-8",
        'days = 1\ncategories = ["Human Rights Council"]',
    ),
    Source(
        "ungeneva-summaries", "press_feed", "/ungeneva/meeting-summaries-list/rss.xml", "application/rss+xml"
    ),
)


@dataclass(frozen=True)
class Step:
    """The pages (source name -> body) at one moment, the headlines of the posts this moment should
    produce (one per happening), and of the confirmations (an edit of an earlier post on Telegram)."""

    label: str
    pages: dict[str, str]
    expect: tuple[str, ...] = ()
    confirms: tuple[str, ...] = ()

    def changed(self, previous: Step | None) -> list[str]:
        """The sources whose page differs from the previous step's."""
        return [s.name for s in SOURCES if previous is None or previous.pages[s.name] != self.pages[s.name]]


@dataclass
class _Record:
    """A real Search Library voting record, with what the timeline needs to know about it."""

    element: ET.Element
    resolution: str
    draft: str
    title: str
    yes: int
    no: int
    abstain: int


def _field(record: ET.Element, tag: str, code: str = "a") -> ET.Element:
    found = record.find(f"{{{MARC}}}datafield[@tag='{tag}']/{{{MARC}}}subfield[@code='{code}']")
    assert found is not None, f"record has no {tag}${code}"
    return found


def _real_records() -> list[_Record]:
    root = defused.parse(FIXTURES / "searchlibrary_voting_61.xml").getroot()
    records = []
    for element in root.findall(f"{{{MARC}}}record"):
        if _field(element, "591").text != "RECORDED":
            continue
        records.append(
            _Record(
                element,
                resolution=_field(element, "791").text or "",
                draft=(_field(element, "993").text or "").removeprefix("Draft resolution "),
                title=(_field(element, "245").text or "").rstrip(" :"),
                yes=int(_field(element, "996", "b").text or 0),
                no=int(_field(element, "996", "c").text or 0),
                abstain=int(_field(element, "996", "d").text or 0),
            )
        )
    return records


def _renumbered(record: _Record, draft: str, resolution: str) -> _Record:
    element = copy.deepcopy(record.element)
    _field(element, "791").text = resolution
    _field(element, "993").text = f"Draft resolution {draft}"
    control = element.find(f"{{{MARC}}}controlfield[@tag='001']")
    assert control is not None
    control.text = str(90000 + int(resolution.rsplit("/", 1)[1]))
    return _Record(element, resolution, draft, record.title, record.yes, record.no, record.abstain)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Draft:
    symbol: str
    title: str
    kind: str = "draft resolution"


@dataclass(frozen=True)
class Adoption:
    number: str  # "61/6", or "" when nothing was adopted
    title: str
    draft: str
    action: str


@dataclass(frozen=True)
class Meeting:
    asset: str
    number: int
    start: str
    badge: str = ""  # "" scheduled, "Live", or a duration once over

    @property
    def title(self) -> str:
        return f"{_ordinal(self.number)} Meeting - 61st Session of Human Rights Council"


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    date: str


@dataclass
class _State:
    """What the five sites show at one moment."""

    drafts: list[Draft] = field(default_factory=list)
    adoptions: list[Adoption] = field(default_factory=list)
    records: list[_Record] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    def pages(self) -> dict[str, str]:
        return {
            "un-documents": documents_feed(self.drafts),
            "ohchr-res-dec-stat": res_dec_stat(self.adoptions),
            "searchlibrary-votes": voting_records(self.records),
            "webtv-schedule": webtv_schedule(self.meetings),
            "ungeneva-summaries": meeting_summaries(self.articles),
        }


def documents_feed(drafts: list[Draft]) -> str:
    items = "\n".join(
        f"    <item>\n      <title>{html.escape(d.symbol)} - {html.escape(d.title)} : {d.kind}</title>\n"
        f"      <description>{d.kind.capitalize()} {html.escape(d.symbol)}. Human Rights Council, "
        "Sixty-first session.</description>\n"
        f"      <link>https://docs.un.org/en/{html.escape(d.symbol)}</link>\n"
        f"      <pubDate>Mon, 30 Mar 2026 {9 + i % 9:02d}:{i * 7 % 60:02d}:00 GMT</pubDate>\n    </item>"
        for i, d in enumerate(drafts)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- SYNTHETIC: UN documents RSS (docs.un.org/rss/hrc.xml) in the layout of\n"
        "     tests/fixtures/watchers/un_documents_hrc_rss.xml; replayed by tests/scenario/timeline.py. -->\n"
        '<rss version="2.0">\n  <channel>\n    <title>UN Documents - Human Rights Council</title>\n'
        "    <link>https://docs.un.org/</link>\n"
        f"    <description>Latest documents of the Human Rights Council</description>\n{items}\n"
        "  </channel>\n</rss>\n"
    )


def res_dec_stat(adoptions: list[Adoption]) -> str:
    rows = "\n".join(
        "  <tr><td>"
        + (
            f'<a href="/en/documents/resolutions/ahrcres{a.number.replace("/", "")}">{a.number}</a>'
            if a.number
            else ""
        )
        + f"</td>\n      <td>{html.escape(a.title)}</td>\n      <td>{a.draft}</td><td>31 March 2026</td>\n"
        f"      <td>{html.escape(a.action)}</td></tr>"
        for a in adoptions
    )
    return (
        "<!DOCTYPE html>\n"
        "<!-- SYNTHETIC: OHCHR res-dec-stat page of session 61 in the layout of\n"
        "     tests/fixtures/watchers/ohchr_res_dec_stat_session51.html; action texts in the wording of\n"
        "     data/votes/dw_unhrc_resolutions_action_taken.csv; replayed by tests/scenario/timeline.py. -->\n"
        '<html lang="en">\n<head><meta charset="utf-8"><title>HRC 61st session: resolutions, decisions and'
        " President's statements | OHCHR</title></head>\n<body>\n<main>\n"
        "<h1>Resolutions, decisions and President's statements - 61st session</h1>\n<h2>Resolutions</h2>\n"
        '<table summary="List of Resolutions">\n'
        "  <thead><tr><th>Resolution</th><th>Title</th><th>Draft</th><th>Date</th><th>Action</th></tr>"
        "</thead>\n"
        f"  <tbody>\n{rows}\n  </tbody>\n</table>\n</main>\n</body>\n</html>\n"
    )


def voting_records(records: list[_Record]) -> str:
    ET.register_namespace("", MARC)
    body = "\n".join(ET.tostring(r.element, encoding="unicode") for r in records)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- SYNTHETIC answer of the OHCHR Search Library (cc=Voting, of=xm): real records 35381 and 35382\n"
        "     copied from tests/fixtures/watchers/searchlibrary_voting_61.xml (renumbered from the third\n"
        "     round of tests/scenario/timeline.py on). -->\n"
        f'<collection xmlns="{MARC}">\n{body}\n</collection>\n'
    )


def webtv_schedule(meetings: list[Meeting]) -> str:
    cards = "\n".join(
        '  <div class="un3-card-row-video">\n'
        f'    <div class="d-none mediaun-timezone" data-nid="{250000 + m.number}">{m.start}</div>\n'
        '    <h6 class="text-primary">Human Rights Council</h6>\n'
        f'    <h4><a href="/en/asset/{m.asset[:3]}/{m.asset}">{m.title}</a></h4>\n'
        f'    <div class="field__item">{m.title}</div>\n'
        f'    <span class="badge{" bg-danger" if m.badge == "Live" else ""}">{m.badge}</span>\n  </div>'
        for m in meetings
    )
    return (
        "<!DOCTYPE html>\n"
        "<!-- SYNTHETIC: UN Web TV day schedule in the layout of\n"
        "     tests/fixtures/watchers/webtv_schedule_2026-03-30.html;\n"
        "     replayed by tests/scenario/timeline.py. -->\n"
        '<html lang="en">\n<head><title>Schedule | UN Web TV</title></head>\n<body class="un3-page">\n'
        f'<div class="view-content">\n{cards}\n</div>\n</body>\n</html>\n'
    )


def meeting_summaries(articles: list[Article]) -> str:
    items = "\n".join(
        f"    <item>\n      <title>{html.escape(a.title)}</title>\n"
        f"      <link>https://www.ungeneva.org/en/news-media/meeting-summary/{a.slug}</link>\n"
        "      <description>"
        + html.escape("".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs))
        + f"</description>\n      <pubDate>{a.date}</pubDate>\n    </item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- SYNTHETIC: UN Geneva meeting summaries RSS in the layout of\n"
        "     tests/fixtures/watchers/ungeneva_meeting_summaries_rss.xml; the first item's sentences are\n"
        "     those of that fixture (real, resolution 45/1); the others are written from the replayed\n"
        "     votes. -->\n"
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">\n  <channel>\n'
        "    <title>Meeting summaries | United Nations Geneva</title>\n"
        "    <link>https://www.ungeneva.org/en/news-media/meeting-summaries-list</link>\n"
        f"    <description>Meeting summaries</description>\n{items}\n  </channel>\n</rss>\n"
    )


_TITLES = (
    "Situation of human rights in the Democratic People's Republic of Korea",
    "Situation of human rights in Belarus",
    "Promotion and protection of the rights of older persons",
    "Freedom of opinion and expression",
    "Human rights and climate change",
    "The question of the death penalty",
    "Rights of the child",
    "Safety of journalists",
)
_BELARUS_2020 = Article(
    "2020/09/human-rights-council-adopts-resolution-belarus",
    "Human Rights Council adopts resolution on situation of human rights in Belarus",
    (
        "In the resolution (A/HRC/45/L.1), adopted by a vote of 23 in favour, 2 against and 22 abstentions, "
        "the Council calls upon the Belarusian authorities to enter into a dialogue with the political "
        "opposition.",
    ),
    "Fri, 18 Sep 2020 16:40:00 GMT",
)


def timeline(rounds: int = 1) -> list[Step]:
    """A baseline step, then five steps per round."""
    real = _real_records()
    state = _State(
        drafts=[Draft(f"A/HRC/61/L.{n}", _TITLES[n % len(_TITLES)]) for n in (1, 4, 5)],
        meetings=[Meeting("k1zzzzzzzz", 28, f"{DATE}T09:00:00-04:00", "03:00:00")],
        articles=[_BELARUS_2020],
    )
    steps = [Step("baseline: the session's listings as the bot first sees them", state.pages())]
    for r in range(rounds):
        base = real[r % len(real)]
        record = (
            base if r < len(real) else _renumbered(base, f"A/HRC/61/L.{100 + r}", f"A/HRC/RES/61/{100 + r}")
        )
        voted = Draft(record.draft, record.title)
        revised = Draft(f"A/HRC/61/L.{20 + 10 * r}", _TITLES[r % len(_TITLES)])
        withdrawn = Draft(f"A/HRC/61/L.{21 + 10 * r}", _TITLES[(r + 3) % len(_TITLES)])
        meeting = Meeting(f"k1r{r:07d}", 40 + r, f"{DATE}T{10 + r % 8:02d}:00:00-04:00")
        tally = f"{record.yes}-{record.no}-{record.abstain}"
        adopted_rev = f"A/HRC/RES/61/{40 + r}"
        meeting_words = f"{_ordinal(40 + r)} meeting, 31 March 2026"

        state.drafts += [voted, revised, withdrawn]
        state.meetings = [meeting]
        steps.append(
            Step(
                f"round {r + 1}: drafts {voted.symbol}, {revised.symbol}, {withdrawn.symbol} tabled",
                state.pages(),
                (f"New draft {voted.symbol}", f"New draft {revised.symbol}", f"New draft {withdrawn.symbol}"),
            )
        )

        state.drafts.append(Draft(f"{revised.symbol}/Rev.1", revised.title, "revised draft resolution"))
        state.meetings = [Meeting(meeting.asset, meeting.number, meeting.start, "Live")]
        steps.append(
            Step(
                f"round {r + 1}: {revised.symbol}/Rev.1 published; "
                f"the {_ordinal(meeting.number)} meeting is live",
                state.pages(),
                (f"{revised.symbol} revised: Rev.1", f"Live now: {meeting.title}"),
            )
        )

        article = Article(
            f"2026/03/hrc61-action-{r + 1}",
            f"Human Rights Council adopts resolution on {record.title[0].lower()}{record.title[1:]}",
            (
                f"In a resolution on {record.title.lower()} ({voted.symbol}), adopted by a vote of "
                f"{record.yes} in favour, {record.no} against and {record.abstain} abstentions, "
                "the Council made its decision.",
            ),
            "Tue, 31 Mar 2026 18:05:00 GMT",
        )
        state.articles.append(article)
        steps.append(
            Step(
                f"round {r + 1}: the press reports the vote on {voted.symbol}",
                state.pages(),
                (f"{voted.symbol} adopted by a recorded vote: {tally}",),
            )
        )

        state.adoptions += [
            Adoption(
                adopted_rev.removeprefix("A/HRC/RES/"),
                revised.title,
                f"{revised.symbol}/Rev.1",
                f"Adopted without a vote | {meeting_words}",
            ),
            Adoption(
                record.resolution.removeprefix("A/HRC/RES/"),
                record.title,
                voted.symbol,
                f"Adopted by a recorded vote | {record.yes} to {record.no}, "
                f"with {record.abstain} abstentions, {meeting_words}",
            ),
            Adoption("", withdrawn.title, withdrawn.symbol, "Withdrawn by sponsor on 31 March 2026"),
        ]
        steps.append(
            Step(
                f"round {r + 1}: OHCHR records the action on {revised.symbol}/Rev.1, {voted.symbol}, "
                f"{withdrawn.symbol}",
                state.pages(),
                (f"{revised.symbol}/Rev.1 adopted without a vote", f"{withdrawn.symbol} withdrawn"),
                (f"Confirmed by the OHCHR session page: {voted.symbol} adopted by a recorded vote: {tally}",),
            )
        )

        state.records.append(record)
        steps.append(
            Step(
                f"round {r + 1}: the Search Library publishes the roll-call on {record.resolution}",
                state.pages(),
                (f"How each member voted on {record.resolution} ({tally})",),
            )
        )
    return steps


def expected(steps: list[Step], confirmations: bool = False) -> Counter[str]:
    """Every headline a person should have been told, with how many times (and the confirmations)."""
    return Counter(
        headline for step in steps for headline in (*step.expect, *(step.confirms if confirmations else ()))
    )
