"""What a consultation is allowed to be: its fields, people and join code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from server.core import chatham
from server.core.errors import N_, DomainError
from server.core.languages import LANGUAGES
from server.core.text import clean_text, optional_text, require_int
from server.features.agenda.files import check_depth

from .countries import country_code

STAKEHOLDER_GROUPS = (
    "government",
    "private_sector",
    "civil_society",
    "academia",
    "technical_community",
    "international_organisation",
    "other",
)
# The features that keep settings on a consultation (docs/agenda-format.md); any
# other key would be stored, unread, with the consultation and sent in its snapshots.
SETTINGS_KEYS = ("questions", "speakers", "retention", "invitations", chatham.KEY, "privacy_notice")
# Days a consultation's personal data is kept after it ends (retention.py).
RETENTION_DAYS = 30
RETENTION_MAX_DAYS = 3650
# The organiser's privacy notice, per language: short enough to read on a phone.
PRIVACY_NOTICE_MAX = 2000

# No 0/O, 1/I/L: a code read aloud on a call must survive being typed on a phone.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
JOIN_CODE_MAX = 12  # the longest code a consultation may have (an imported one, say)
_SHORT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


@dataclass(frozen=True)
class ItemSpec:
    title: str
    planned_minutes: int
    description: str = ""


@dataclass(frozen=True)
class ConsultationSpec:
    """A validated consultation and agenda, ready to be stored."""

    short_name: str
    title: str
    region: str
    description: str
    time_zone: str
    scheduled_start: datetime
    planned_minutes: int
    languages: tuple[str, ...]
    items: tuple[ItemSpec, ...]
    settings: dict[str, Any]
    # The file as given: features read their own keys (an item's `polls`, say)
    # through creation hooks, see features/consultations/service.py.
    raw: dict[str, Any]


def parse_spec(data: Any) -> ConsultationSpec:
    """Validate an agenda file's content (see docs/agenda-format.md)."""
    if not isinstance(data, dict):
        raise DomainError("invalid_agenda", N_("The agenda must be a mapping of fields."))
    check_depth(data)
    time_zone = parse_time_zone(data.get("time_zone"))
    items = data.get("agenda")
    if not isinstance(items, list) or not items:
        raise DomainError("invalid_agenda", N_("The agenda needs at least one item."))
    if len(items) > 50:
        raise DomainError("invalid_agenda", N_("An agenda holds at most 50 items."))
    parsed_items = tuple(parse_item(item) for item in items)
    planned = data.get("planned_minutes", sum(i.planned_minutes for i in parsed_items))
    settings = parse_settings_keys(data.get("settings", {}))
    parse_retention(settings.get("retention"))
    if chatham.KEY in settings:
        parse_chatham_house(settings[chatham.KEY])
    languages = parse_languages(data.get("languages", ["en"]))
    if "privacy_notice" in settings:
        settings = {
            **settings,
            "privacy_notice": parse_privacy_notice(settings["privacy_notice"], languages),
        }
    return ConsultationSpec(
        short_name=parse_short_name(data.get("short_name")),
        title=clean_text(data.get("title"), "title", max_length=200),
        region=optional_text(data.get("region"), "region", max_length=100),
        description=optional_text(data.get("description"), "description", max_length=5000),
        time_zone=time_zone,
        scheduled_start=parse_start(data.get("start"), time_zone),
        planned_minutes=require_int(planned, "planned_minutes", minimum=5, maximum=24 * 60),
        languages=languages,
        items=parsed_items,
        settings=settings,
        raw=data,
    )


def parse_settings_keys(settings: Any) -> dict[str, Any]:
    """The settings' mapping, holding only the features' keys (each feature checks its part)."""
    if not isinstance(settings, dict):
        raise DomainError("invalid_settings", N_("Settings must be a mapping."))
    unknown = sorted(str(key) for key in settings if key not in SETTINGS_KEYS)
    if unknown:
        raise DomainError(
            "unknown_settings_key",
            N_("Settings hold %(allowed)s only, not %(key)s."),
            allowed=", ".join(SETTINGS_KEYS),
            key=unknown[0][:40],
        )
    return settings


def parse_item(data: Any) -> ItemSpec:
    if not isinstance(data, dict):
        raise DomainError("invalid_item", N_("Each agenda item must be a mapping."))
    return ItemSpec(
        title=clean_text(data.get("title"), "title", max_length=200),
        planned_minutes=require_int(data.get("minutes"), "minutes", minimum=1, maximum=600),
        description=optional_text(data.get("description"), "description", max_length=2000),
    )


def parse_short_name(value: Any) -> str:
    if not isinstance(value, str) or not _SHORT_NAME.match(value):
        raise DomainError(
            "invalid_short_name",
            N_("The short name uses lower-case letters, digits and dashes (up to 40)."),
        )
    return value


def parse_time_zone(value: Any) -> str:
    if not isinstance(value, str) or value not in available_timezones():
        raise DomainError("invalid_time_zone", N_("Use an IANA time zone, such as Africa/Lagos."))
    return value


def parse_start(value: Any, time_zone: str) -> datetime:
    """Read an ISO date-time; one without an offset is in the consultation's zone."""
    moment = value if isinstance(value, datetime) else _iso_moment(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(time_zone))
    return moment.astimezone(UTC)


def _iso_moment(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError("invalid_start", N_("The start must be an ISO date and time.")) from None


def parse_languages(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(v not in LANGUAGES for v in value):
        raise DomainError(
            "invalid_languages", N_("Languages are a list drawn from en, fr, pt and ar.")
        )
    return tuple(dict.fromkeys(value))


@dataclass(frozen=True)
class Profile:
    """What an attendee tells about themselves on joining."""

    display_name: str
    stakeholder_group: str
    country: str


def parse_profile(data: Any, *, group_required: bool = False) -> Profile:
    """The profile sent; `group_required`: no group is refused instead of read as `other`
    (the join form, where a person must choose; the JSON API keeps its documented default)."""
    if not isinstance(data, dict):
        raise DomainError("invalid_profile", N_("Send the join form's fields."))
    group = data.get("stakeholder_group")
    if not group and group_required:
        raise DomainError("empty_stakeholder_group", N_("Choose your stakeholder group."))
    group = group or "other"
    if group not in STAKEHOLDER_GROUPS:
        raise DomainError(
            "invalid_stakeholder_group", N_("Pick a stakeholder group from the list.")
        )
    country = data.get("country") or ""
    if not isinstance(country, str):
        raise DomainError(
            "invalid_country", N_("Choose a country from the list, or leave it empty.")
        )
    return Profile(
        display_name=optional_text(data.get("display_name"), "display_name", max_length=60),
        stakeholder_group=group,
        country=country_code(country),
    )


def parse_retention(value: Any) -> None:
    """`settings.retention`, if given: `{"days": 1–3650}`."""
    if value is None:
        return
    if not isinstance(value, dict) or set(value) != {"days"}:
        raise DomainError("invalid_retention", N_("Retention is a mapping with one key, days."))
    require_int(value["days"], "retention_days", minimum=1, maximum=RETENTION_MAX_DAYS)


def parse_chatham_house(value: Any) -> bool:
    """`settings.chatham_house` or `set_chatham_house`'s `on`: true or false, nothing else."""
    if not isinstance(value, bool):
        raise DomainError(
            "invalid_chatham_house", N_("The Chatham House rule is on (true) or off (false).")
        )
    return value


def retention_days(settings: Any) -> int:
    """The days personal data is kept after the end: the consultation's, else the default."""
    part = settings.get("retention") if isinstance(settings, dict) else None
    days = part.get("days") if isinstance(part, dict) else None
    return days if isinstance(days, int) and not isinstance(days, bool) else RETENTION_DAYS


def parse_privacy_notice(value: Any, languages: tuple[str, ...]) -> dict[str, str]:
    """`settings.privacy_notice`: `{language: text}` for languages the consultation offers,
    each text 1–2000 characters; the default notice stands in for a language left out."""
    if not isinstance(value, dict) or not value:
        raise DomainError(
            "invalid_privacy_notice",
            N_("The privacy notice is a mapping of languages to texts."),
        )
    notice = {}
    for language, text in value.items():
        if language not in languages:
            raise DomainError(
                "invalid_privacy_notice",
                N_("The privacy notice is in %(language)s, a language not offered here."),
                language=str(language)[:10],
            )
        notice[language] = clean_text(text, "privacy_notice", max_length=PRIVACY_NOTICE_MAX)
    return notice


def parse_consent(value: Any, *, required: bool) -> bool:
    """Whether the person accepted the privacy notice: the form's ticked box ("on", "yes",
    "true") or JSON's `true`; `required` (the join form): not accepting is refused."""
    if value is None or value == "" or value is False:
        accepted = False
    elif value is True or (isinstance(value, str) and value.lower() in ("on", "yes", "true")):
        accepted = True
    else:
        raise DomainError("invalid_consent", N_("Consent is true, or left out."))
    if required and not accepted:
        raise DomainError(
            "consent_required",
            N_("Tick the box to accept the privacy notice before joining."),
        )
    return accepted
