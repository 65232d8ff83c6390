"""Renders a sample email digest and screenshots its HTML part in headless Chromium.

    .venv/bin/python scripts/screenshot_digest.py [OUT_DIR]

Writes OUT_DIR/digest.eml (the message as sent), OUT_DIR/digest.html (its HTML part, inline images
turned into data: URIs so a browser shows them) and, when Chromium is installed (Debian: `apt-get install
chromium`), OUT_DIR/digest.png at a desktop and OUT_DIR/digest-phone.png at a phone width. The notices are
SYNTHETIC, chosen to stress the layout: hostile and 5,000-character titles, a vote with a chart.
Not part of `make test`.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.email_digest import build_message, new_digest_id, plan_digest
from bot.vote_picture import vote_png
from state.happenings import SourceInfo
from state.model import Notice
from state.store import Store
from watchers.base import Item, Snapshot
from watchers.symbols import document_fields, parse_symbol

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
HOSTILE = '<b>bold</b> &amp; </a><script>alert("x")</script> — Rights & "quotes"'
_PHRASE = "Promotion and protection of all human rights, civil, political, economic, social and cultural "
LONG = ((_PHRASE + "rights, including the right to development. ") * 40)[:5000]  # a 5,000-character title


def _doc(symbol: str, title: str, **extra: Any) -> Item:
    parsed = parse_symbol(symbol)
    assert parsed is not None
    fields = {**document_fields(parsed), "title": title, "url": f"https://docs.un.org/en/{symbol}", **extra}
    return Item(parsed.normalised, "document", fields)


def sample_items() -> list[list[Item]]:
    """What three polls reported, in order: drafts tabled and revised, a meeting live, then the votes."""
    roll_call = dict.fromkeys(("DEU", "FRA", "GBR", "NLD", "CHL", "MEX", "JPN", "KOR", "CZE", "BEL"), "yes")
    roll_call.update(dict.fromkeys(("CHN", "CUB", "ERI", "VNM", "SDN"), "no"))
    roll_call.update(dict.fromkeys(("IND", "IDN", "BRA", "ZAF", "QAT", "KEN"), "abstain"))
    vote = {
        "symbol": "A/HRC/RES/61/4",
        "draft_symbol": "A/HRC/61/L.4",
        "title": "Situation of human rights in Belarus",
        "date": "2026-04-02",
        "outcome": "adopted",
        "yes": 23,
        "no": 16,
        "abstain": 8,
        "non_voting": 0,
        "roll_call": roll_call,
        "checks": {"session": "61", "source": "OHCHR session page"},
        "previous_vote": {"symbol": "A/HRC/RES/58/19", "date": "2025-04-03"},
        "since_previous": [
            "Tallies: 21-15-11 in 2025 -> 23-16-8 now",
            "Moved abstain -> yes: Chile (Latin American and Caribbean)",
        ],
        "authority": 2,
    }
    rejected = {
        **vote,
        "symbol": None,
        "draft_symbol": "A/HRC/61/L.39",
        "title": HOSTILE,
        "outcome": "rejected",
    }
    rejected.update(yes=12, no=25, abstain=10, roll_call={}, since_previous=[], previous_vote={})
    meeting = {
        "title": "Interactive dialogue on Myanmar",
        "start_utc": "2026-03-16T09:00:00+00:00",
        "live": True,
        "url": "https://webtv.un.org/en/asset/k1x/k1x2y3z",
    }
    return [
        [
            _doc("A/HRC/61/L.4", "Situation of human rights in Belarus"),
            _doc("A/HRC/61/L.7", HOSTILE, sponsors=["Chile", "Mexico"]),
            _doc("A/HRC/61/L.8", LONG.strip()),
            _doc("A/HRC/61/L.2", "Safety of journalists"),
            _doc("A/HRC/60/L.5", "Rights of the child"),
            Item("meeting:1x2y3z", "meeting", meeting),
        ],
        [_doc("A/HRC/61/L.2/Rev.1", "Safety of journalists")],
        [
            Item("vote:A/HRC/61/L.4", "vote", vote),
            Item("vote:A/HRC/61/L.39", "vote", rejected),
            _doc(
                "A/HRC/RES/61/3", "Safety of journalists", status="adopted_without_vote", draft="A/HRC/61/L.2"
            ),
        ],
    ]


def sample_notices() -> list[Notice]:
    """The sample polls applied to a throwaway store, as the bot would, with a failing source at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.sqlite3", channels=("email",))
        now = datetime.now(UTC)
        source = SourceInfo("sample", "the OHCHR session page", 1)
        for items in sample_items():
            store.apply(source, Snapshot(items=tuple(items), complete=False), now, announce_existing=True)
        for _ in range(3):
            store.record_failure("un-feed", now, "timeout", "read timed out")
        notices = [e.notice for e in store.pending("email", now, limit=1000)]
        store.close()
    return notices


def sample_message() -> EmailMessage:
    events = sample_notices()
    slot = datetime(2026, 4, 3, 8, 0, tzinfo=ZoneInfo("Europe/Zurich"))
    digest = plan_digest(
        events,
        digest_id=new_digest_id("hrcwatch.example.org"),
        slot=slot,
        domain="hrcwatch.example.org",
        vote_chart=vote_png,
    )
    return build_message(
        digest,
        sender=Address("HRC Watch", "digest", "hrcwatch.example.org"),
        recipient="alice@example.org",
        unsubscribe="",
        prefix="HRC Watch",
        now=slot,
    )


def browser_html(msg: EmailMessage) -> str:
    """The HTML part with each cid: image replaced by a data: URI, as a mail client would show it."""
    html_part = msg.get_body(("html",))
    assert html_part is not None
    markup = html_part.get_content()
    for part in msg.walk():
        if part.get_content_maintype() == "image":
            cid = str(part["Content-ID"]).strip("<>")
            data = base64.b64encode(part.get_content()).decode()
            markup = markup.replace(f"cid:{cid}", f"data:{part.get_content_type()};base64,{data}")
    return markup


def screenshot(html_file: Path, png: Path, width: int, height: int) -> bool:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print(
            "chromium not found: install it (apt-get install chromium) to get a screenshot", file=sys.stderr
        )
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
             f"--screenshot={png}", html_file.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    _trim(png)
    return True


def _trim(png: Path) -> None:
    """Cuts the empty page below the message (the window is taller than any digest)."""
    from PIL import Image, ImageChops

    with Image.open(png) as image:
        rgb = image.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((0, rgb.height - 1)))
    box = ImageChops.difference(rgb, background).getbbox()
    if box:
        rgb.crop((0, 0, rgb.width, min(rgb.height, box[3] + 24))).save(png)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "var/digest-preview")
    out.mkdir(parents=True, exist_ok=True)
    msg = sample_message()
    (out / "digest.eml").write_bytes(msg.as_bytes())
    html_file = out / "digest.html"
    html_file.write_text(browser_html(msg), encoding="utf-8")
    print(f"wrote {out / 'digest.eml'} and {html_file}")
    for name, width, height in (("digest.png", 900, 4200), ("digest-phone.png", 390, 6400)):
        if screenshot(html_file, out / name, width, height):
            print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
