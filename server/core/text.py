"""Validation of the text people type: trimmed, bounded, stored as typed."""

from __future__ import annotations

import unicodedata
from typing import Any

from .errors import N_, DomainError

# Bidi overrides and isolates reorder what others read; zero-width characters hide
# text. They are kept (nothing a user typed is lost) but never allowed to be *all*
# a field holds, and pages render every field escaped.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}

# How a field is named in messages, translated with the message: one vocabulary for
# every feature (as the error codes are), so that a field two features share — a poll's
# and an attendee's "question" — reads the same in both, and nothing is registered when
# a module is imported. A field not named here shows its key.
FIELD_LABELS = {
    "title": N_("The title"),
    "description": N_("The description"),
    "region": N_("The region"),
    "display_name": N_("The name"),
    "minutes": N_("The minutes"),
    "planned_minutes": N_("The planned minutes"),
    # questions and polls
    "question": N_("The question"),
    "answer": N_("The answer"),
    "reason": N_("The reason"),
    "min_interval_seconds": N_("The seconds between questions"),
    "max_per_person": N_("The number of questions per person"),
    "option": N_("An option"),
    "label": N_("A label of the scale"),
    "max_choices": N_("The number of choices"),
    # speakers, notes, invitations
    "topic": N_("The topic"),
    "seconds": N_("The seconds"),
    "note": N_("The note"),
    "name": N_("The name"),
    "email": N_("The e-mail address"),
    # privacy
    "privacy_notice": N_("The privacy notice"),
}


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def whole_characters(text: str, field: str) -> str:
    """`text` if every character in it is whole, else `invalid_unicode`.

    JSON can carry half of a UTF-16 pair (`"\\ud800"`): Python holds it as a lone
    surrogate, which no database, UTF-8 page or report can encode. Refused here,
    before storage, it cannot fail a transaction shared with others' commands.
    """
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise DomainError(
                "invalid_unicode",
                N_("%(field)s holds a broken character; type it again."),
                field=_label(field),
            ) from None
    return text


def clean_text(value: Any, field: str, *, max_length: int, min_length: int = 1) -> str:
    """Return `value` trimmed, or raise `invalid_<field>` with a clear reason."""
    if not isinstance(value, str):
        raise DomainError(f"invalid_{field}", N_("%(field)s must be text."), field=_label(field))
    text = unicodedata.normalize("NFC", whole_characters(value, field)).strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise DomainError(
            f"invalid_{field}", N_("%(field)s contains control characters."), field=_label(field)
        )
    visible = "".join(ch for ch in text if ch not in _INVISIBLE).strip()
    if len(visible) < min_length:
        raise DomainError(f"empty_{field}", N_("%(field)s must not be empty."), field=_label(field))
    if len(text) > max_length:
        raise DomainError(
            f"{field}_too_long",
            N_("%(field)s is longer than %(max)s characters."),
            field=_label(field),
            max=max_length,
        )
    return text


def optional_text(value: Any, field: str, *, max_length: int) -> str:
    """Like `clean_text`, but None or blank gives an empty string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return clean_text(value, field, max_length=max_length)


def require_int(value: Any, field: str, *, minimum: int, maximum: int) -> int:
    """Return `value` if it is a whole number in range (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            f"invalid_{field}", N_("%(field)s must be a whole number."), field=_label(field)
        )
    if not minimum <= value <= maximum:
        raise DomainError(
            f"invalid_{field}",
            N_("%(field)s must be between %(min)s and %(max)s."),
            field=_label(field),
            min=minimum,
            max=maximum,
        )
    return value
