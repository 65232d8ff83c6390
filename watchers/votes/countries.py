"""One registry of UN member states: ISO3, UN short name, HRC regional group and name variants.

ISO names come from pycountry; only what no library has is curated here: the UN regional groups,
the UN short names where they differ from ISO, and the colloquial forms vote reports use. Matching
is on whole words, leftmost-longest, so "Republic of Korea, Republic of Moldova" is two states.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry

AFRICAN = "African"
ASIA_PACIFIC = "Asia-Pacific"
EASTERN_EUROPEAN = "Eastern European"
GRULAC = "Latin American and Caribbean"
WEOG = "Western European and others"
GROUPS: tuple[str, ...] = (AFRICAN, ASIA_PACIFIC, EASTERN_EUROPEAN, GRULAC, WEOG)

_GROUP_MEMBERS: dict[str, str] = {
    AFRICAN: "DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG COD CIV DJI EGY GNQ ERI SWZ ETH GAB GMB "
    "GHA GIN GNB KEN LSO LBR LBY MDG MWI MLI MRT MUS MAR MOZ NAM NER NGA RWA STP SEN SYC SLE SOM "
    "ZAF SSD SDN TGO TUN UGA TZA ZMB ZWE",
    ASIA_PACIFIC: "AFG BHR BGD BTN BRN KHM CHN CYP PRK FJI IND IDN IRN IRQ JPN JOR KAZ KIR KWT KGZ "
    "LAO LBN MYS MDV MHL FSM MNG MMR NRU NPL OMN PAK PLW PNG PHL QAT KOR WSM SAU SGP SLB LKA SYR "
    "TJK THA TLS TON TKM TUV ARE UZB VUT VNM YEM PSE",
    EASTERN_EUROPEAN: "ALB ARM AZE BLR BIH BGR HRV CZE EST GEO HUN LVA LTU MNE MKD POL MDA ROU RUS "
    "SRB SVK SVN UKR",
    GRULAC: "ATG ARG BHS BRB BLZ BOL BRA CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM MEX "
    "NIC PAN PRY PER KNA LCA VCT SUR TTO URY VEN",
    WEOG: "AND AUS AUT BEL CAN DNK FIN FRA DEU GRC ISL IRL ISR ITA LIE LUX MLT MCO NLD NZL NOR PRT "
    "SMR ESP SWE CHE TUR GBR USA",
}

# UN short names (UNTERM) where they differ from pycountry's ISO name.
_UN_NAMES: dict[str, str] = {
    "BOL": "Bolivia (Plurinational State of)",
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia (Federated States of)",
    "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "IRN": "Iran (Islamic Republic of)",
    "KOR": "Republic of Korea",
    "PRK": "Democratic People's Republic of Korea",
    "MDA": "Republic of Moldova",
    "NLD": "Netherlands (Kingdom of the)",
    "PSE": "State of Palestine",
    "TZA": "United Republic of Tanzania",
    "USA": "United States of America",
    "VEN": "Venezuela (Bolivarian Republic of)",
}

# Forms seen in reports that neither pycountry nor the observed-variants file carries.
_EXTRA_VARIANTS: dict[str, tuple[str, ...]] = {
    "ARE": ("U.A.E.", "Emirates"),
    "BHS": ("The Bahamas",),
    "CIV": ("Cote d'Ivoire",),
    "COD": ("DR Congo", "DRC", "Congo-Kinshasa", "Congo, Democratic Republic of the"),
    "COG": ("Republic of the Congo", "Congo-Brazzaville", "Congo Republic"),
    "GMB": ("The Gambia",),
    "MKD": (
        "The former Yugoslav Republic of Macedonia",
        "Former Yugoslav Republic of Macedonia",
        "Macedonia",
    ),
    "NLD": ("Holland", "The Netherlands"),
    "PRK": ("North Korea", "DPRK"),
    "RUS": ("Russia",),
    "SWZ": ("Swaziland",),
    "TLS": ("East Timor",),
    "TUR": ("Turkiye",),
    "USA": ("U.S.", "U.S.A.", "United States"),
    "CZE": ("Czechia", "Czech Rep."),
    "MDA": ("Rep. Moldova",),
    "KOR": ("Korea, Republic of", "Korea (Republic of)", "Korea Republic", "Republic Korea", "Rep of Korea"),
    "GBR": ("Britain", "Great Britain", "U.K.", "UK of Great Britain & Northern Ireland"),
    "CPV": ("Cape Verde",),
    "LAO": ("Laos",),
    "MMR": ("Burma",),
}

_TOKEN_RE = re.compile(r"[a-z0-9]+|,")
_MAX_NAME_TOKENS = 9


def normalise(text: str) -> str:
    """Lower case, accents stripped, apostrophes dropped, "&" as "and", punctuation as spaces.

    Commas survive as a token: they separate list items, and an ISO name such as "Korea,
    Republic of" must not swallow the "Republic of" of the next item.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"['’`´‘ʼ]", "", plain).replace("&", " and ").replace(".", "")
    return " ".join(_TOKEN_RE.findall(plain))


@dataclass(frozen=True)
class Country:
    """A UN member state (or Palestine, an observer state that sits in the Asia-Pacific group)."""

    iso3: str
    name: str
    group: str


@dataclass(frozen=True)
class Match:
    """A country name found in a text: token span [start, end) in `tokens`, and its ISO3."""

    iso3: str
    start: int
    end: int


class Registry:
    """Countries by ISO3 and a whole-name index for finding them in text."""

    def __init__(self, countries: Iterable[Country], variants: Iterable[tuple[str, str]]) -> None:
        self.by_iso3: dict[str, Country] = {c.iso3: c for c in countries}
        candidates: dict[tuple[str, ...], set[str]] = {}
        for iso3, variant in variants:
            key = tuple(normalise(variant).split())
            if key and iso3 in self.by_iso3:
                candidates.setdefault(key, set()).add(iso3)
        # A form that two states share (none should) names neither: never guess.
        self._index: dict[tuple[str, ...], str] = {
            k: next(iter(v)) for k, v in candidates.items() if len(v) == 1
        }
        self._single_names: dict[str, str] = {
            " ".join(k): iso3 for k, iso3 in self._index.items() if "," not in k
        }

    def get(self, iso3: str) -> Country | None:
        return self.by_iso3.get(iso3.upper())

    def name(self, iso3: str) -> str:
        country = self.get(iso3)
        return country.name if country else iso3

    def group(self, iso3: str) -> str | None:
        country = self.get(iso3)
        return country.group if country else None

    def lookup(self, name: str, fuzzy: bool = True) -> str | None:
        """ISO3 for a whole name, or None; a typo is forgiven only when one state is close."""
        key = tuple(normalise(name).split())
        if key in self._index:
            return self._index[key]
        if len(name) == 3 and name.isupper() and name in self.by_iso3:
            return name
        return self._fuzzy(" ".join(key)) if fuzzy else None

    def _fuzzy(self, key: str) -> str | None:
        if len(key) < 5 or len(key) > 60:
            return None
        close = difflib.get_close_matches(key, self._single_names, n=3, cutoff=0.85)
        states = {self._single_names[c] for c in close if _same_words(key, c)}
        return states.pop() if len(states) == 1 else None

    def find(self, tokens: list[str]) -> list[Match]:
        """Leftmost-longest whole-name matches over normalised tokens (linear in the text)."""
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            for length in range(min(_MAX_NAME_TOKENS, len(tokens) - i), 0, -1):
                iso3 = self._index.get(tuple(tokens[i : i + length]))
                if iso3 is not None:
                    found.append(Match(iso3, i, i + length))
                    i += length
                    break
            else:
                i += 1
        return found


def _same_words(typed: str, name: str) -> bool:
    """A typo changes letters, not words: "Mentenegro" is Montenegro, "Republic of YES" is not Yemen."""
    typed_words, name_words = typed.split(), name.split()
    if len(typed_words) != len(name_words):
        return False
    pairs = zip(typed_words, name_words, strict=True)
    return all(difflib.SequenceMatcher(None, a, b).ratio() >= 0.8 for a, b in pairs)


def _data_text(name: str) -> str:
    """A gzip file shipped in state/data."""
    blob = resources.files("state").joinpath("data", name).read_bytes()
    return gzip.decompress(blob).decode("utf-8")


@cache
def registry() -> Registry:
    """The registry, built once: pycountry names, UN names, observed and curated variants."""
    countries: list[Country] = []
    variants: list[tuple[str, str]] = []
    for group, codes in _GROUP_MEMBERS.items():
        for iso3 in codes.split():
            iso = pycountry.countries.get(alpha_3=iso3)
            name = _UN_NAMES.get(iso3) or (iso.name if iso else iso3)
            countries.append(Country(iso3, name, group))
            variants.append((iso3, name))
            if iso is not None:
                for attr in ("name", "official_name", "common_name"):
                    value = getattr(iso, attr, None)
                    if value:
                        variants.append((iso3, value))
            variants.extend((iso3, v) for v in _EXTRA_VARIANTS.get(iso3, ()))
    rows = csv.DictReader(io.StringIO(_data_text("country_name_variants_observed.csv.gz")))
    variants.extend((row["iso3"], row["variant_as_written"]) for row in rows)
    return Registry(countries, variants)


@cache
def _membership() -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = {}
    rows = csv.DictReader(io.StringIO(_data_text("hrc_membership_by_session.csv.gz")))
    for row in rows:
        members.setdefault(row["session"], set()).add(row["country_iso3"])
    return {session: frozenset(codes) for session, codes in members.items()}


def _order(session: str) -> tuple[int, int] | None:
    """Sessions in the order they are numbered: regular by number, special by number."""
    special = session.startswith("S-")
    number = session[2:] if special else session
    return (int(special), int(number)) if number.isdigit() else None


@cache
def _inferred() -> dict[str, frozenset[str]]:
    """Members of the sessions the record covers but that held no recorded vote (session 5, S-4, ...).

    A session numbered between two sessions of its own series with the same member set had that set
    too: membership changes only at a new term (1 January) or by a suspension, and either would show
    in the sessions on both sides. Between sets that differ, the membership stays unknown.
    """
    known = _membership()
    inferred: dict[str, frozenset[str]] = {}
    for special in (0, 1):
        numbered = sorted(
            (order[1], session)
            for session in known
            if (order := _order(session)) is not None and order[0] == special
        )
        for (low, before), (high, after) in itertools.pairwise(numbered):
            if known[before] != known[after]:
                continue
            for number in range(low + 1, high):
                inferred[f"S-{number}" if special else str(number)] = known[before]
    return inferred


def members(session: str | int | None) -> frozenset[str] | None:
    """The Council's members at a session ("37", "S-11"), or None when the record does not tell
    ("membership unknown": past session 57, or between sessions whose members differ)."""
    if session is None:
        return None
    key = str(session).upper()
    return _membership().get(key) or _inferred().get(key)


def known_sessions() -> list[str]:
    return sorted(set(_membership()) | set(_inferred()))
