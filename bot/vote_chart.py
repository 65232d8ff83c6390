"""A PNG of one vote: members in regional-group blocks, coloured by vote, tallies in the title.

Drawn with Pillow only (the daemon's memory budget rules out matplotlib). Sized for a Telegram
photo (1280 px wide) so that country labels stay readable on a phone.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageDraw, ImageFont

from watchers.votes.countries import GROUPS, registry
from watchers.votes.model import Vote

WIDTH = 1280
COLUMNS = 4
CELL_H = 34
TALLY_BAR_H = 100
COLOURS = {
    "yes": (46, 139, 87),
    "no": (200, 50, 50),
    "abstain": (230, 170, 30),
    "not_voting": (150, 150, 150),
    "not_shown": (225, 225, 225),
}
LABELS = {
    "yes": "Yes",
    "no": "No",
    "abstain": "Abstain",
    "not_voting": "Not voting",
    "not_shown": "Not shown",
}
# Short forms for labels only: the UN names of these do not fit a cell at phone size.
SHORT_LABELS = {
    "BOL": "Bolivia",
    "COD": "DR Congo",
    "FSM": "Micronesia",
    "GBR": "United Kingdom",
    "IRN": "Iran",
    "NLD": "Netherlands",
    "PRK": "DPR Korea",
    "TZA": "Tanzania",
    "USA": "United States",
    "VEN": "Venezuela",
}
_FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _title_lines(vote: Vote) -> tuple[str, str]:
    name = vote.key_symbol or "Vote"
    head = f"{name}: {vote.outcome.upper() if vote.outcome else 'OUTCOME NOT STATED'}"
    tallies = ", ".join(
        f"{label} {value}"
        for label, value in (("yes", vote.yes), ("no", vote.no), ("abstain", vote.abstain))
        if value is not None
    )
    if vote.non_voting:
        tallies += f", not voting {vote.non_voting}"
    sub = " — ".join(p for p in (tallies or "tallies not stated", vote.title or "", vote.date or "") if p)
    return head, sub


def _tally_bar(draw: ImageDraw.ImageDraw, vote: Vote, y: int, font: ImageFont.FreeTypeFont) -> int:
    """Without a roll-call, the stated tallies as one proportional bar; returns the y below it."""
    draw.text((20, y + 4), "No roll-call in the source: the stated tallies", fill=(90, 90, 90), font=font)
    counts = {"yes": vote.yes or 0, "no": vote.no or 0, "abstain": vote.abstain or 0}
    counts["not_voting"] = vote.non_voting or 0
    total = sum(counts.values())
    x, top = 20.0, y + 44
    for choice, n in counts.items():
        if total and n:
            width = (WIDTH - 40) * n / total
            draw.rectangle((x, top, x + width - 2, top + 40), fill=COLOURS[choice])
            ink = "black" if choice == "abstain" else "white"
            draw.text((x + 8, top + 8), str(n), fill=ink, font=font)
            x += width
    return y + TALLY_BAR_H


def render_vote_chart(vote: Vote, path_or_file: str | Path | BinaryIO) -> None:
    """Writes the PNG; a vote without a roll-call still gets its title and tallies."""
    reg = registry()
    by_group: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for iso3, choice in vote.roll_call.items():
        group = reg.group(iso3) or GROUPS[-1]
        by_group[group].append((SHORT_LABELS.get(iso3) or reg.name(iso3), choice))
    title_font, sub_font, group_font, cell_font = _font(34), _font(22), _font(24), _font(19)
    cell_w = (WIDTH - 40) // COLUMNS
    height = 130
    for members in by_group.values():
        if members:
            height += 44 + CELL_H * -(-len(members) // COLUMNS) + 12
    if not vote.roll_call:
        height += TALLY_BAR_H
    height += 70
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    head, sub = _title_lines(vote)
    draw.text((20, 18), _fit(draw, head, title_font, WIDTH - 40), fill="black", font=title_font)
    draw.text((20, 66), _fit(draw, sub, sub_font, WIDTH - 40), fill=(60, 60, 60), font=sub_font)
    y = 120
    if not vote.roll_call:
        y = _tally_bar(draw, vote, y, group_font)
    for group, members in by_group.items():
        if not members:
            continue
        counts = {c: sum(1 for _, v in members if v == c) for c in COLOURS}
        summary = ", ".join(f"{LABELS[c]} {n}" for c, n in counts.items() if n)
        draw.text((20, y + 8), f"{group} ({summary})", fill="black", font=group_font)
        y += 44
        for i, (name, choice) in enumerate(sorted(members)):
            x = 20 + (i % COLUMNS) * cell_w
            top = y + (i // COLUMNS) * CELL_H
            draw.rectangle((x, top, x + cell_w - 6, top + CELL_H - 4), fill=COLOURS[choice])
            ink = "black" if choice in ("abstain", "not_shown") else "white"
            label = _fit(draw, name, cell_font, cell_w - 20)
            draw.text((x + 8, top + 5), label, fill=ink, font=cell_font)
        y += CELL_H * -(-len(members) // COLUMNS) + 12
    x = 20
    for choice, colour in COLOURS.items():
        draw.rectangle((x, y + 22, x + 24, y + 46), fill=colour, outline=(120, 120, 120))
        draw.text((x + 32, y + 22), LABELS[choice], fill="black", font=sub_font)
        x += 60 + int(draw.textlength(LABELS[choice], font=sub_font))
    image.save(path_or_file, format="PNG", optimize=True)
