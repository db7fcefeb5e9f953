"""Countries as people name them: the ISO 3166-1 list, named in each language (CLDR, via
Babel), the consultation's region first; a name or code not on the list is refused.

A country goes into every report, so nothing is guessed: "Nigeri" is neither Nigeria
nor Niger, and the person is asked to choose.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale

from server.core.errors import N_, DomainError
from server.core.languages import LANGUAGES

# CLDR names these too, but ISO 3166-1 gives them no code of their own (reserved
# or exceptionally reserved codes, groupings, test locales, Kosovo's user-assigned XK).
_NOT_ISO = {
    "AC",
    "CP",
    "CQ",
    "DG",
    "EA",
    "EU",
    "EZ",
    "IC",
    "QO",
    "TA",
    "UN",
    "XA",
    "XB",
    "XK",
    "ZZ",
}

# The regions of the regional consultations (UN M49: 002 Africa, 019 Americas, 142 Asia),
# found by a word of the consultation's region.
REGIONS: dict[str, frozenset[str]] = {
    "africa": frozenset(
        "DZ EG LY MA SD TN EH IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "
        "AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN "
        "SL TG".split()
    ),
    "america": frozenset(
        "AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT "
        "GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UY VE VG "
        "VI".split()
    ),
    "asia": frozenset(
        "AF AM AZ BH BD BT BN KH CN CY GE HK IN ID IR IQ IL JP JO KZ KW KG LA LB MO MY MV MN MM "
        "NP KP OM PK PS PH QA SA SG KR LK SY TW TJ TH TL TR TM AE UZ VN YE".split()
    ),
}


@cache
def names(language: str) -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code and its name in `language`."""
    territories = Locale.parse(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_ISO
    }


def _folded(text: str) -> str:
    """Case, accents and spacing aside: "cote d'ivoire" finds "Côte d’Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@cache
def _by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in names(language).items():
            found.setdefault(_folded(name), code)
    return found


def country_code(value: str) -> str:
    """The ISO code of `value` (a code, or a country's name in any of Baraza's languages);
    "" for none. Anything else is refused with `invalid_country`."""
    text = value.strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in names("en"):
        return text.upper()
    code = _by_name().get(_folded(text))
    if code is None:
        raise DomainError(
            "invalid_country", N_("Choose a country from the list, or leave it empty.")
        )
    return code


def region_codes(region: str) -> frozenset[str]:
    """The countries of the consultation's region, if its name says which region it is."""
    words = _folded(region)
    return next((codes for key, codes in REGIONS.items() if key in words), frozenset())


def choices(language: str, region: str) -> list[tuple[str, str]]:
    """(code, name) for a picker: the region's countries first, each part by name."""
    named = names(language)
    first = region_codes(region)

    def order(code: str) -> tuple[bool, str]:
        return code not in first, _folded(named[code])

    return [(code, named[code]) for code in sorted(named, key=order)]
