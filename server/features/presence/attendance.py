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


# The head count's two pushes, by topic: at most how often, and to whom. Each goes to a
# whole audience: at 2,000 arrivals, a count each second to everyone was five of an
# arrival's seven messages, and at 5,000 people coming and going 5,000 messages a
# second for a number (docs/performance.md, step 106). Those running the meeting and
# the screen see it move within a second; an attendee's phone, where it is a word of
# the page's header line, every five seconds (the present view shares their room).
HEAD_COUNT_TOPICS: dict[str, tuple[float, tuple[str, ...]]] = {
    "presence": (1.0, (MODERATOR, RAPPORTEUR, rooms.PRESENT_VIEWS)),
    "presence_attendees": (5.0, (ATTENDEE,)),
}


def head_count_moved(core: Core, consultation_id: int) -> None:
    """Someone arrived or left: push the head count at the coming ticks, each audience
    at its own pace."""
    for topic in HEAD_COUNT_TOPICS:
        core.tallies.mark(consultation_id, topic)


def room_size(core: Core, consultation_id: int) -> int:
    """How many people a push to the consultation reaches now (staff and screens too)."""
    with core.store.reading() as tx:
        return snapshots.present_count(tx, consultation_id)


def render_head_count(
    roles: tuple[str, ...], core: Core, consultation_id: int, _keys: frozenset[Any]
) -> list[tallies.Push]:
    """How many people are connected now, to the audiences in `roles`."""
    return [tallies.Push(roles, "present", {"present": room_size(core, consultation_id)})]
