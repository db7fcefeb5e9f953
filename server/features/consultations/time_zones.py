"""Time zones as people find them: by city and country, with the offset shown, in the
reader's language (CLDR, via Babel); the value stays the IANA name the rules read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location


def _offset_seconds(zone: str, at: datetime) -> int:
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _offset_label(seconds: int) -> str:
    minutes = seconds // 60
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@cache
def _zones() -> tuple[tuple[str, str], ...]:
    """(IANA name, ISO country) of every zone CLDR places in a country."""
    known = available_timezones()
    territories: Mapping[str, str] = get_global("zone_territories")
    return tuple(sorted((z, t) for z, t in territories.items() if z in known and len(t) == 2))


def zone_choices(language: str, at: datetime, keep: str = "") -> list[tuple[str, str]]:
    """(IANA name, "(UTC+01:00) Lagos — Nigeria") for a picker, by offset at `at`, then
    name; `keep` (the zone already chosen) is listed even if CLDR places it nowhere."""
    return list(_choices(language, at.replace(minute=0, second=0, microsecond=0), keep))


# Keyed by the hour: offsets change with daylight saving, so old hours are let go.
@lru_cache(maxsize=32)
def _choices(language: str, at: datetime, keep: str) -> tuple[tuple[str, str], ...]:
    countries = Locale.parse(language).territories
    rows: list[tuple[int, str, str]] = []
    zones = list(_zones())
    if keep and keep not in dict(zones) and keep in available_timezones():
        zones.append((keep, ""))
    for zone, country in zones:
        city = get_timezone_location(zone, locale=language, return_city=True)
        place = f"{city} — {countries[country]}" if country in countries else city
        seconds = _offset_seconds(zone, at)
        rows.append((seconds, f"({_offset_label(seconds)}) {place}", zone))
    return tuple((zone, label) for _, label, zone in sorted(rows))
