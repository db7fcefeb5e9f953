"""Attendance as staff follow it live (how many have joined, the peak so far), and the
head count of who is connected now, pushed to everyone at most once a second."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.core import rooms, tallies
from server.core.access import Viewer
from server.core.events import ATTENDEE, STAFF_ROLES
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


# A head count a second old is fresh enough, and each push goes to the whole room:
# at 5,000 attendees coming and going, 4 pushes a second would be 20,000 messages
# a second for a number (docs/performance.md).
PRESENCE_EVERY = 1.0


def room_size(core: Core, consultation_id: int) -> int:
    """How many people a push to the consultation reaches now (staff and screens too)."""
    with core.store.reading() as tx:
        return snapshots.present_count(tx, consultation_id)


def render_presence(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """Everyone sees how many people are connected now."""
    present = room_size(core, consultation_id)
    return [tallies.Push(rooms.AUDIENCES, "present", {"present": present})]
