"""Attendance as staff follow it live (how many have joined, the peak so far), and the
head count of who is connected now, pushed to staff and the present view at most once
a second and to attendees at most every five seconds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.core import rooms, tallies
from server.core.access import Viewer
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, STAFF_ROLES
from server.core.models import Consultation
from server.core.runtime import Core
from server.features.consultations import snapshots
from server.features.consultations.service import count_participants

from .views import AttendancePart


def attendance_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> AttendancePart:
    """Staff: attendees who have joined, and the most people connected at once (staff too)."""
    if viewer.role not in STAFF_ROLES:
        return {}
    return {
        "attendance": {
            "joined": count_participants(tx, consultation.id, ATTENDEE),
            "peak": consultation.peak_present,
        }
    }


# The head count's two pushes. Each goes to a whole audience: at 2,000 arrivals, a
# count each second to everyone was five of an arrival's seven messages, and at 5,000
# people coming and going 5,000 messages a second for a number (docs/performance.md,
# step 106). Those running the meeting and the screen see it
# move within a second; an attendee's phone, where it is a word of the page's header
# line, every five seconds.
STAFF_TOPIC, STAFF_EVERY = "presence", 1.0
ATTENDEES_TOPIC, ATTENDEES_EVERY = "presence_attendees", 5.0


def head_count_moved(core: Core, consultation_id: int) -> None:
    """Someone arrived or left: push the head count at the coming ticks, each audience
    at its own pace."""
    core.tallies.mark(consultation_id, STAFF_TOPIC)
    core.tallies.mark(consultation_id, ATTENDEES_TOPIC)


def room_size(core: Core, consultation_id: int) -> int:
    """How many people a push to the consultation reaches now (staff and screens too)."""
    with core.store.reading() as tx:
        return snapshots.present_count(tx, consultation_id)


def render_for_staff(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """Moderators, rapporteurs and present views: how many people are connected now."""
    roles = (MODERATOR, RAPPORTEUR, rooms.PRESENT_VIEWS)
    return [tallies.Push(roles, "present", {"present": room_size(core, consultation_id)})]


def render_for_attendees(
    core: Core, consultation_id: int, _keys: frozenset[Any]
) -> list[tallies.Push]:
    """Attendees (the present view shares their room): the same count, less often."""
    return [tallies.Push((ATTENDEE,), "present", {"present": room_size(core, consultation_id)})]
