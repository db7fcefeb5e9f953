"""The Chatham House rule: a consultation whose participants are named to staff only.

With `settings.chatham_house` true, nothing an attendee's page or the shared screen
receives names anyone — no asker, speaker or note author — and neither does the
shareable report; moderators' consoles and the full record keep every name. The
rule is read here, in core, because the event stream applies it (events.py) as well
as the features' snapshots and reports: what reaches the public audience passes
through `nameless`, whatever feature put a name in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Consultation

KEY = "chatham_house"
# The fields that carry a person's name, at any depth of a payload or a view (the
# same that retention erases: features/consultations/retention.py).
NAME_KEYS = ("display_name", "author_name")


def applies(settings: Any) -> bool:
    """Whether a consultation's settings put it under the Chatham House rule."""
    return isinstance(settings, dict) and settings.get(KEY) is True


def applies_to(consultation: Consultation) -> bool:
    return applies(consultation.settings)


def nameless(value: Any) -> Any:
    """`value` with every name-holding field emptied, at any depth (pages show a neutral
    label for an empty name: "A participant", "Anonymous")."""
    if isinstance(value, dict):
        return {
            key: "" if key in NAME_KEYS and isinstance(item, str) else nameless(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [nameless(item) for item in value]
    return value
