"""The digest message: grouping, subject, multipart layout, escaping, and no header injection."""

from __future__ import annotations

import dataclasses
import html
import importlib.util
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from bot.email_digest import build_message, new_digest_id, one_line, plan_digest
from state.model import Notice
from state.store import Store
from tests.email_support import MORNING, add_notices, adopted, draft, meeting, queued, revision, vote
from watchers.base import Item

ROOT = Path(__file__).resolve().parent.parent
SENDER = Address("HRC Watch", "digest", "hrcwatch.test")
HOSTILE = '<b>bold</b> &amp; </a><script>alert("x")</script> Rights & "quotes"'
LONG_TITLE = " ".join(f"word{i:04d}" for i in range(556))[:5000]


DIGEST_ID = new_digest_id("hrcwatch.test")  # one digest: every `wire` of it is a retry of the same


def notices_of(tmp_path: Path, items: list[Item]) -> list[Notice]:
    store = Store(tmp_path / "store.sqlite3", channels=("email",))
    add_notices(store, items)
    return queued(store)


def wire(events: list[Notice], recipient: str = "alice@example.org", **kwargs: object) -> EmailMessage:
    """Builds the message, serialises it as smtplib would, and parses what a mail client would see."""
    digest = plan_digest(events, digest_id=DIGEST_ID, slot=MORNING, domain="hrcwatch.test", **kwargs)
    built = build_message(
        digest, sender=SENDER, recipient=recipient, unsubscribe="", prefix="HRC Watch", now=MORNING
    )
    parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text, markup = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and markup is not None
    return text.get_content(), markup.get_content()


def test_one_block_per_story_its_happenings_in_order_grouped_by_session(tmp_path: Path):
    items = [
        meeting("m1", "Interactive dialogue on Myanmar"),
        draft(2, "Safety of journalists"),
        revision(2, 1, "Safety of journalists"),
        draft(7, "Human rights defenders"),
        draft(5, "Rights of the child", session=60),
        vote(4, "Situation of human rights in Belarus", 23, 16, 8),
    ]
    store = Store(tmp_path / "store.sqlite3", channels=("email",))
    add_notices(store, items)
    add_notices(store, [adopted(3, "Safety of journalists", draft_n=2)], source="session-page")
    msg = wire(queued(store))
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    text, markup = bodies(msg)
    order = [
        "== HRC session 61 ==",
        "* A/HRC/61/L.2: Safety of journalists",
        "  - New draft A/HRC/61/L.2",
        "  - A/HRC/61/L.2 revised: Rev.1",
        "  - A/HRC/61/L.2 adopted without a vote",
        "    Adopted as resolution A/HRC/RES/61/3",
        "* A/HRC/61/L.7: Human rights defenders",
        "* A/HRC/61/L.4: Situation of human rights in Belarus",
        "  - A/HRC/61/L.4 adopted by a recorded vote: 23-16-8",
        "== HRC session 60 ==",
        "  - New draft A/HRC/60/L.5",
        "== Not tied to a session ==",
        "* Interactive dialogue on Myanmar",
        "  - Live now: Interactive dialogue on Myanmar",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert text.count("Safety of journalists") == 1, "the story's title once, not under every happening"
    html_order = ["HRC session 61", "A/HRC/61/L.2", "A/HRC/61/L.2 revised: Rev.1", "HRC session 60"]
    html_positions = [markup.index(marker) for marker in html_order]
    assert html_positions == sorted(html_positions)
    subject = msg["Subject"]
    assert "1 vote, 3 new drafts, 1 revision, 1 action, 1 live meeting" in subject
    assert f"{MORNING.day} {MORNING:%b %Y}" in subject


def test_headers_per_recipient(tmp_path: Path):
    events = notices_of(tmp_path, [draft(1, "The right to food")])
    alice, bob = wire(events, "alice@example.org"), wire(events, "Bob <bob@example.org>")
    assert alice["To"] == "alice@example.org" and bob["To"].addresses[0].addr_spec == "bob@example.org"
    # A long List-Unsubscribe is folded onto its own line: unfolded, it may start with a space.
    unsubscribe = alice["List-Unsubscribe"].strip()
    assert unsubscribe == "<mailto:digest@hrcwatch.test?subject=unsubscribe%20alice@example.org>"
    assert "unsubscribe%20bob@example.org" in bob["List-Unsubscribe"]
    assert alice["Message-ID"] != bob["Message-ID"]
    assert alice["Message-ID"] == wire(events, "alice@example.org")["Message-ID"], "stable across retries"
    assert alice["From"] == "HRC Watch <digest@hrcwatch.test>"
    assert alice["Auto-Submitted"] == "auto-generated"


def test_hostile_titles_arrive_intact_and_escaped(tmp_path: Path):
    items = [draft(1, HOSTILE), draft(2, LONG_TITLE), vote(3, HOSTILE, 30, 10, 7)]
    msg = wire(notices_of(tmp_path, items))
    text, markup = bodies(msg)
    assert HOSTILE in text, "the plain-text part shows the title as scraped"
    assert LONG_TITLE in text and len(LONG_TITLE) == 5000
    assert html.escape(HOSTILE, quote=True) in markup
    assert html.escape(LONG_TITLE) in markup
    for raw in ("<b>bold", "</a><script>", "<script>"):
        assert raw not in markup
    assert "&amp;amp;" in markup, "an already-escaped entity is escaped again, shown literally"
    assert all(len(line) <= 998 for line in msg.as_string().splitlines()), "SMTP line limit"


def test_crlf_in_a_subject_cannot_inject_a_header(tmp_path: Path):
    sneaky = "the right to food\r\nBcc: victim@evil.test\r\nX-Injected: yes"
    fields = {"title": sneaky, "yes": 30, "no": 2, "abstain": 15, "checks": {"session": "61\r\nX-Session: 1"}}
    item = Item("vote:title:61:the right to food", "vote", fields)
    msg = wire(notices_of(tmp_path, [item]))
    assert msg["Bcc"] is None and msg["X-Injected"] is None and msg["X-Session"] is None
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert "Bcc: victim@evil.test" in msg["Subject"], "kept as text on one line"
    assert set(msg.keys()) == {
        "Subject", "From", "To", "Date", "Message-ID", "List-Unsubscribe", "Auto-Submitted",
        "X-HRCWatch-Digest", "Content-Type", "MIME-Version",
    }  # fmt: skip


def test_lone_surrogate_does_not_sink_the_digest(tmp_path: Path):
    # SQLite refuses lone surrogates, so this event is built by hand: the renderer must not fail anyway.
    [notice] = notices_of(tmp_path, [draft(1, "placeholder")])
    facts = {**notice.facts, "title": "Broken \ud800 title"}
    msg = wire([dataclasses.replace(notice, payload={**notice.payload, "facts": facts})])
    text, markup = bodies(msg)
    assert "Broken ? title" in text and "Broken ? title" in markup


def test_subject_is_one_bounded_line():
    assert one_line("a\r\nb\x00c\x1b[31md\te", 100) == "a b c [31md e"
    assert len(one_line("x" * 1000, 180)) == 180


def test_operator_notes_at_the_end_or_left_out(tmp_path: Path):
    store = Store(tmp_path / "store.sqlite3", channels=("email",))
    add_notices(store, [draft(1, "The right to food")])
    for _ in range(3):
        store.record_failure("un-feed", MORNING, "timeout", "read timed out")
    events = queued(store)
    assert any(e.for_operators for e in events)
    text, markup = bodies(wire(events))
    assert text.index("== Operator notes ==") > text.index("New draft A/HRC/61/L.1")
    assert "Source un-feed is failing (3 polls in a row)" in text and "Operator notes" in markup
    quiet_text, _ = bodies(wire(events, operator_notes=False))
    assert "Operator notes" not in quiet_text and "un-feed" not in quiet_text


def test_empty_digest_says_nothing_new():
    msg = wire([])
    text, markup = bodies(msg)
    assert "nothing new" in msg["Subject"]
    assert "Nothing new since the last digest." in text and "Nothing new since the last digest." in markup


def test_vote_without_roll_call_gets_a_tally_bar_not_a_chart(tmp_path: Path):
    png = b"\x89PNG\r\n\x1a\n"
    msg = wire(notices_of(tmp_path, [vote(4, "Belarus", 23, 16, 8)]), vote_chart=lambda event: png)
    assert not any(p.get_content_type() == "image/png" for p in msg.walk())
    _, markup = bodies(msg)
    assert "background:#2e8b57" in markup and "23</span> in favour" in markup


def test_vote_chart_is_inline_when_given(tmp_path: Path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    item = vote(4, "Belarus", 23, 16, 8)
    since = {
        "previous_vote": {"symbol": "A/HRC/RES/58/1", "date": "2025-04-03"},
        "since_previous": [
            "Previous vote on this initiative: A/HRC/RES/58/1 (2025-04-03)",
            "Moved no -> yes: Germany (Western European and others)",
        ],
        "roll_call": {"DEU": "yes", "CHN": "no"},
        "authority": 2,  # an official roll-call
    }
    events = notices_of(tmp_path, [Item(item.key, item.kind, {**item.fields, **since})])
    msg = wire(events, vote_chart=lambda event: png)
    [text_part, related] = list(msg.iter_parts())
    assert related.get_content_type() == "multipart/related"
    html_part, image = list(related.iter_parts())
    cid = image["Content-ID"].strip("<>")
    assert image.get_content_type() == "image/png" and image.get_content() == png
    assert f'src="cid:{cid}"' in html_part.get_content()
    assert "Previous vote on this initiative: A/HRC/RES/58/1 (2025-04-03)" in text_part.get_content()
    assert "Moved no -> yes: Germany" in text_part.get_content()


def test_preview_script_builds_its_sample_without_a_browser():
    """scripts/screenshot_digest.py (the Chromium screenshot) must not rot; Chromium itself is not needed."""
    spec = importlib.util.spec_from_file_location(
        "screenshot_digest", ROOT / "scripts" / "screenshot_digest.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    markup = script.browser_html(script.sample_message())
    assert "cid:" not in markup and "data:image/png;base64," in markup
    assert "&lt;script&gt;" in markup and "<script>" not in markup
