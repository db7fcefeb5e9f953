"""Presence's wire shapes: attendance as staff follow it."""

from __future__ import annotations

from typing import TypedDict


class AttendanceView(TypedDict):
    """Attendees who have joined, and the most people connected at once (staff too)."""

    joined: int
    peak: int


class AttendancePart(TypedDict, total=False):
    """Staff's part of the snapshot; attendees get no `attendance` key."""

    attendance: AttendanceView
