"""Attendance as staff follow it live: how many have joined, the peak so far."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.core.access import Viewer
from server.core.events import ATTENDEE, STAFF_ROLES
from server.core.models import Consultation
from server.features.consultations.service import count_participants
from server.features.consultations.snapshots import snapshot_part


@snapshot_part
def attendance_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> dict[str, Any]:
    """Staff: attendees who have joined, and the most people connected at once (staff too)."""
    if viewer.role not in STAFF_ROLES:
        return {}
    return {
        "attendance": {
            "joined": count_participants(tx, consultation.id, ATTENDEE),
            "peak": consultation.peak_present,
        }
    }
