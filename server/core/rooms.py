"""Room names: one stream per audience of a consultation, one per person."""

from __future__ import annotations

from .events import ATTENDEE, MODERATOR, RAPPORTEUR


def audience(consultation_id: int, role: str) -> str:
    """Attendees and the present view share the public room; each staff role has its own."""
    return f"c{consultation_id}:{role}"


def person(participant_id: int) -> str:
    return f"p{participant_id}"


AUDIENCES = (ATTENDEE, MODERATOR, RAPPORTEUR)
