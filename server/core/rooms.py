"""Room names: one stream per audience of a consultation, one per person."""

from __future__ import annotations

from typing import TypeGuard

from .events import ATTENDEE, MODERATOR, RAPPORTEUR

# The present views' own room: they are also in the public room, whose events they
# show, but a push only a screen uses (what it shows) need not reach every phone.
PRESENT_VIEWS = "present"


def audience(consultation_id: int, role: str) -> str:
    """Attendees and the present view share the public room; each staff role has its own;
    `PRESENT_VIEWS` names the present views' room."""
    return f"c{consultation_id}:{role}"


def person(participant_id: int) -> str:
    return f"p{participant_id}"


AUDIENCES = (ATTENDEE, MODERATOR, RAPPORTEUR)


def is_audience(room: object) -> TypeGuard[str]:
    """Whether `room` is an audience's (`audience`): a stream of a consultation's events."""
    return isinstance(room, str) and room.startswith("c") and room.partition(":")[2] in AUDIENCES
