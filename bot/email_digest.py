"""An email digest: one block per story, its happenings in order, stories grouped by session.

The message is multipart/alternative (plain text + HTML, vote charts inline as multipart/related
parts). Every scraped string reaches the HTML only through `html.escape`, and every header goes through
`EmailMessage` with an SMTP policy, which refuses CR/LF inside a header value; the subject is also
collapsed to one line and shortened before that, so a hostile title can neither inject a header nor
break the layout. Operator notices, when kept, go in a short "Operator notes" section at the end: the
people on a digest list are the ones who would otherwise never learn that a source went dark.
"""

from __future__ import annotations

import hashlib
import html
import logging
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import quote

from bot.happening_text import HappeningText, as_plain_text, as_post, describe
from state.model import Notice
from watchers.symbols import parse_symbol

log = logging.getLogger("hrcwatch.email")

# What the subject counts: (key, noun), in the order of the summary.
COUNTED: tuple[tuple[str, str], ...] = (
    ("votes", "vote"),
    ("drafts", "new draft"),
    ("revisions", "revision"),
    ("actions", "action"),
    ("meetings", "live meeting"),
    ("other", "other update"),
)
_COUNT_OF = {
    "tabled": "drafts",
    "revised": "revisions",
    "addendum": "revisions",
    "corrigendum": "revisions",
    "amendment": "revisions",
    "live": "meetings",
    "roll_call": "votes",
}
_BY_VOTE = frozenset({"adopted_by_vote", "rejected", "voted"})
_ACCENT = "#1f5fa8"
_TALLY_COLOURS = (
    ("yes", "#2e8b57", "in favour"),
    ("no", "#c83232", "against"),
    ("abstain", "#e6aa1e", "abstaining"),
)
SUBJECT_LIMIT = 180
# CRLF line ends, header values refused if they hold CR/LF, and 7-bit transfer encodings for the body
# (quoted-printable or base64), so the message also survives a relay without 8BITMIME.
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")

VoteChart = Callable[[Notice], bytes | None]


def encodable(text: str) -> str:
    """Lone surrogates (valid in JSON, not in UTF-8) become "?" instead of failing the whole digest."""
    return text.encode("utf-8", "replace").decode("utf-8")


def one_line(text: str, limit: int) -> str:
    """Control characters (CR, LF, NUL, ...) become spaces, runs of space one space, then cut to `limit`."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in encodable(str(text)))
    flat = " ".join(cleaned.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def session_of(notice: Notice) -> str | None:
    """ "61" or "S-34": the story's session, else the session of a symbol the notice names."""
    declared = notice.story.get("session") or notice.facts.get("session")
    if isinstance(declared, str | int) and not isinstance(declared, bool) and str(declared).strip():
        return one_line(str(declared), 20).upper()
    for text in (notice.story.get("anchor"), notice.facts.get("symbol"), notice.facts.get("acted_on")):
        symbol = parse_symbol(text) if isinstance(text, str) else None
        if symbol is not None:
            return symbol.session
    return None


def counted_as(notice: Notice) -> str:
    """Which count of the subject a notice adds to."""
    if notice.kind == "action":
        return "votes" if str(notice.facts.get("outcome")) in _BY_VOTE else "actions"
    return _COUNT_OF.get(notice.kind, "other")


def _session_order(session: str | None) -> tuple[int, int, str]:
    """Newest regular session first, then special sessions, then anything else, then none."""
    if session is None:
        return (3, 0, "")
    if session.isdigit():
        return (0, -int(session), "")
    if session.startswith("S-") and session[2:].isdigit():
        return (1, -int(session[2:]), "")
    return (2, 0, session)


def session_heading(session: str | None) -> str:
    if session is None:
        return "Not tied to a session"
    if session.startswith("S-") and session[2:].isdigit():
        return f"HRC special session {session[2:]}"
    return f"HRC session {session}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@dataclass(frozen=True)
class DigestItem:
    """One subscriber notice, told; `chart` is a PNG shown inline under `cid`."""

    notice: Notice
    text: HappeningText
    session: str | None
    chart: bytes | None = None
    cid: str = ""


@dataclass(frozen=True)
class StoryBlock:
    """One story of the digest: its heading and its notices in the order they happened."""

    heading: str
    title: str
    items: tuple[DigestItem, ...]


def _story_heading(notice: Notice) -> tuple[str, str]:
    anchor = str(notice.story.get("anchor") or "")
    title = " ".join(str(notice.story.get("title") or "").split())
    if parse_symbol(anchor) is None:
        return (title or "A Council meeting" if anchor.startswith("meeting:") else title or anchor), ""
    return anchor, title


@dataclass(frozen=True)
class Digest:
    """What one digest says; the same for every recipient (only the footer and headers differ)."""

    digest_id: str
    slot: datetime
    items: tuple[DigestItem, ...]
    notes: tuple[HappeningText, ...] = ()
    domain: str = "localhost"
    timezone: str = field(default="UTC")

    def counts(self) -> dict[str, int]:
        counts = {key: 0 for key, _ in COUNTED}
        for item in self.items:
            counts[counted_as(item.notice)] += 1
        return counts

    def grouped(self) -> list[tuple[str | None, list[StoryBlock]]]:
        """[(session, [story blocks in order of their first notice])], sessions newest first."""
        sessions = sorted({item.session for item in self.items}, key=_session_order)
        out = []
        for session in sessions:
            stories: dict[Any, list[DigestItem]] = {}
            for item in self.items:
                if item.session == session:
                    key = item.notice.story_id if item.notice.story_id is not None else f"n{item.notice.id}"
                    stories.setdefault(key, []).append(item)
            blocks = []
            for items in stories.values():
                heading, title = _story_heading(items[0].notice)
                blocks.append(StoryBlock(heading, title, tuple(items)))
            out.append((session, blocks))
        return out

    @property
    def date_text(self) -> str:
        return f"{self.slot.day} {self.slot:%B %Y}"

    def summary(self) -> str:
        nouns = dict(COUNTED)
        parts = [_plural(n, nouns[key]) for key, n in self.counts().items() if n]
        if self.notes:
            parts.append(_plural(len(self.notes), "operator note"))
        return ", ".join(parts) or "nothing new"

    def subject(self, prefix: str) -> str:
        subject = f"{prefix}: {self.summary()} - {self.slot.day} {self.slot:%b %Y}"
        if len(self.items) == 1:
            subject += f" - {self.items[0].text.headline}"
        return one_line(subject, SUBJECT_LIMIT)


def new_digest_id(domain: str) -> str:
    """A fresh `email.utils.make_msgid` for the sender's domain (time, pid, 64 random bits), hashed to
    21 characters so that headers built from it stay short: no two digests share it, even when a new
    store reuses outbox row ids. The notifier pins it with the digest, so every retry of that digest
    carries the same Message-ID."""
    return "d" + hashlib.sha256(make_msgid(domain=domain).encode()).hexdigest()[:20]


def plan_digest(
    notices: Sequence[Notice],
    *,
    digest_id: str,
    slot: datetime,
    domain: str,
    operator_notes: bool = True,
    vote_chart: VoteChart | None = None,
) -> Digest:
    """Tells each notice; operator notices become notes (or are left out). A happening confirmed within
    the same digest is told once, as confirmed."""
    items: list[DigestItem] = []
    notes: list[HappeningText] = []
    confirmed = {n.happening_id: n for n in notices if n.type == "confirmed"}
    told = {n.happening_id for n in notices if n.type == "happening"}
    for notice in notices:
        if notice.type == "confirmed" and notice.happening_id in told:
            continue
        text = (
            as_post(confirmed[notice.happening_id])
            if notice.happening_id in confirmed and notice.type == "happening"
            else describe(notice)
        )
        if notice.for_operators:
            if operator_notes:
                notes.append(text)
            continue
        # Without a roll-call a chart shows only the tallies: the tally bar says that more compactly.
        wants_chart = notice.kind == "roll_call" and notice.type != "correction"
        chart = vote_chart(notice) if wants_chart and vote_chart is not None else None
        cid = f"vote{notice.id}.{digest_id}@{domain}" if chart else ""
        items.append(DigestItem(notice, text, session_of(notice), chart, cid))
    tz = getattr(slot.tzinfo, "key", None) or str(slot.tzinfo or "UTC")
    return Digest(digest_id, slot, tuple(items), tuple(notes), domain, tz)


# -- plain text ----------------------------------------------------------------------------------


def render_text(digest: Digest, recipient: str, unsubscribe: str, prefix: str) -> str:
    out = [
        f"{prefix} digest, {digest.slot:%A} {digest.date_text}, {digest.slot:%H:%M} ({digest.timezone})",
        digest.summary().capitalize(),
        "",
    ]
    if not digest.items and not digest.notes:
        out += ["Nothing new since the last digest.", ""]
    for session, stories in digest.grouped():
        out += [f"== {session_heading(session)} ==", ""]
        for story in stories:
            out.append(f"* {story.heading}" + (f": {story.title}" if story.title else ""))
            for item in story.items:
                body = as_plain_text(item.text).split("\n")
                out.append(f"  - {body[0]}")
                out += [f"    {line}" for line in body[1:] if line != story.title]
            out.append("")
    if digest.notes:
        out += ["== Operator notes ==", ""]
        for note in digest.notes:
            body = as_plain_text(note).split("\n")
            out += [f"* {body[0]}", *(f"  {line}" for line in body[1:]), ""]
    out += ["-- ", f"You receive this digest at {recipient}.", f"Unsubscribe: {unsubscribe}", ""]
    return encodable("\n".join(out))


# -- HTML ------------------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _tally_bar(fields: Mapping[str, Any]) -> str:
    """A CSS bar of the tallies: the vote's picture when no chart could be drawn."""
    counts = [(fields.get(k), colour, label) for k, colour, label in _TALLY_COLOURS]
    numbers = [n for n, _, _ in counts if isinstance(n, int) and not isinstance(n, bool) and n > 0]
    total = sum(numbers)
    if not total:
        return ""
    cells = "".join(
        f'<td style="background:{colour};height:14px;width:{100 * n / total:.1f}%" title="{n} {label}"></td>'
        for n, colour, label in counts
        if isinstance(n, int) and not isinstance(n, bool) and n > 0
    )
    legend = " · ".join(
        f'<span style="color:{colour};font-weight:600">{_e(n)}</span> {label}'
        for n, colour, label in counts
        if n is not None
    )
    return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        f'style="border-collapse:collapse;margin:8px 0 4px"><tr>{cells}</tr></table>'
        f'<div style="font-size:13px;color:#444">{legend}</div>'
    )


def _html_item(item: DigestItem, story_title: str) -> str:
    text = item.text
    parts = [f'<div style="font-weight:600;font-size:14px;color:#111">{_e(text.headline)}</div>']
    for line in text.lines:
        if line == story_title:
            continue
        parts.append(f'<div style="font-size:13px;color:#444;margin-top:2px">{_e(line)}</div>')
    if item.chart:
        alt = f"Vote chart: {text.headline}"
        parts.append(
            f'<img src="cid:{_e(item.cid)}" alt="{_e(alt)}" width="560" '
            'style="display:block;width:100%;max-width:560px;height:auto;margin:8px 0;border:1px solid #ddd">'
        )
    elif item.notice.kind == "action" and str(item.notice.facts.get("outcome")) in _BY_VOTE:
        parts.append(_tally_bar(item.notice.facts))
    if text.links:
        links = " · ".join(
            f'<a href="{_e(url)}" style="color:{_ACCENT}">{_e(label)}</a>' for label, url in text.links
        )
        parts.append(f'<div style="font-size:13px;margin-top:4px">{links}</div>')
    return f'<div style="margin:8px 0 0;padding-top:6px;border-top:1px solid #e3e6ea">{"".join(parts)}</div>'


def _html_story(story: StoryBlock) -> str:
    title = (
        f'<div style="font-size:14px;color:#222;margin-top:2px">{_e(story.title)}</div>'
        if story.title
        else ""
    )
    items = "".join(_html_item(item, story.title) for item in story.items)
    return (
        f'<div style="margin:0 0 14px;padding:10px 12px;border-left:4px solid {_ACCENT};background:#f7f8fa;'
        'overflow-wrap:anywhere;word-break:break-word">'
        f'<div style="font-weight:700;font-size:15px;color:#111">{_e(story.heading)}</div>'
        f"{title}{items}</div>"
    )


def render_html(digest: Digest, recipient: str, unsubscribe: str, prefix: str) -> str:
    body: list[str] = []
    if not digest.items and not digest.notes:
        body.append('<p style="font-size:14px;color:#444">Nothing new since the last digest.</p>')
    for session, stories in digest.grouped():
        body.append(
            '<h2 style="font-size:19px;margin:22px 0 8px;padding-bottom:4px;border-bottom:2px solid #1f2d3d">'
            f"{_e(session_heading(session))}</h2>"
        )
        body.extend(_html_story(story) for story in stories)
    if digest.notes:
        body.append('<h2 style="font-size:15px;margin:22px 0 6px;color:#8a1f1f">Operator notes</h2>')
        for note in digest.notes:
            lines = "".join(f"<br>{_e(line)}" for line in note.lines)
            body.append(
                f'<div style="font-size:13px;color:#444;margin:0 0 6px">{_e(note.headline)}{lines}</div>'
            )
    title = f"{prefix} digest, {digest.date_text}"
    return encodable(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title></head>"
        '<body style="margin:0;padding:0;background:#eef1f5">'
        '<div style="max-width:640px;margin:0 auto;padding:20px;background:#ffffff;'
        "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;line-height:1.4;color:#111\">"
        '<div style="font-size:12px;color:#666;text-transform:uppercase;letter-spacing:0.06em">'
        f"{_e(prefix)}</div>"
        f'<h1 style="font-size:22px;margin:2px 0 4px">Digest, {_e(digest.slot.strftime("%A"))} '
        f"{_e(digest.date_text)}</h1>"
        f'<div style="font-size:14px;color:#444">{_e(digest.summary().capitalize())} · '
        f"{_e(digest.slot.strftime('%H:%M'))} {_e(digest.timezone)}</div>"
        f"{''.join(body)}"
        '<hr style="border:0;border-top:1px solid #ddd;margin:24px 0 10px">'
        f'<div style="font-size:12px;color:#777">You receive this digest at {_e(recipient)}. '
        f'<a href="{_e(unsubscribe)}" style="color:#777">Unsubscribe</a>.</div>'
        "</div></body></html>"
    )


# -- the message -----------------------------------------------------------------------------------


def parse_address(text: str) -> Address:
    """Exactly one address, "name <a@b>" or "a@b"; anything else (CR/LF included) is a ValueError."""
    if not isinstance(text, str) or any(ch in text for ch in "\r\n\0"):
        raise ValueError(f"not an email address: {text!r}")
    header = policy.default.header_factory("To", text)
    addresses = getattr(header, "addresses", ())
    if len(addresses) != 1 or header.defects or "@" not in addresses[0].addr_spec:
        raise ValueError(f"not an email address: {text!r}")
    address = addresses[0]
    if not address.username or not address.domain:
        raise ValueError(f"not an email address: {text!r}")
    return address


def unsubscribe_uri(template: str, sender: Address, recipient: str) -> str:
    """The configured URI with {recipient} filled in, or a mailto: to the sender."""
    if template:
        return template.replace("{recipient}", quote(recipient, safe="@"))
    subject = quote(f"unsubscribe {recipient}", safe="@")
    return f"mailto:{sender.addr_spec}?subject={subject}"


def build_message(
    digest: Digest, *, sender: Address, recipient: str, unsubscribe: str, prefix: str, now: datetime
) -> EmailMessage:
    """One recipient's copy: its own To, footer, List-Unsubscribe, and Message-ID (the digest's id with a
    tag of the recipient, so each copy has its own and a retry to that recipient has the same)."""
    address = parse_address(recipient).addr_spec
    uri = unsubscribe_uri(unsubscribe, sender, address)
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = digest.subject(prefix)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(now)
    rcpt_tag = hashlib.sha256(address.lower().encode()).hexdigest()[:10]
    msg["Message-ID"] = f"<{digest.digest_id}.{rcpt_tag}@{digest.domain}>"
    msg["List-Unsubscribe"] = f"<{uri}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-HRCWatch-Digest"] = digest.digest_id
    msg.set_content(render_text(digest, address, uri, prefix))
    msg.add_alternative(render_html(digest, address, uri, prefix), subtype="html")
    charts = [item for item in digest.items if item.chart]
    if charts:
        html_part = msg.get_payload()[1]
        for item in charts:
            assert item.chart is not None
            html_part.add_related(
                item.chart, "image", "png", cid=f"<{item.cid}>", filename=f"vote-{item.notice.id}.png"
            )
    return msg
