"""The one place that emits: what is broadcast, to whom, is visible in this file.

Events go to each audience room of their consultation that may see them, each
through that audience's projection. Tallies (vote counts, presence) are state,
not events: they carry absolute values, so a missed one is repaired by the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.events import LoggedEvent
from . import rooms, socketio


def publish(events: Iterable[LoggedEvent]) -> None:
    """Send logged events to every audience allowed to see them, in order."""
    for event in events:
        for role in rooms.AUDIENCES:
            if event.visible_to(role):
                socketio.emit(
                    "event", event.envelope(role), to=rooms.audience(event.consultation_id, role)
                )


def push_state(consultation_id: int, roles: Iterable[str], name: str, data: Any) -> None:
    """Send a coalesced piece of state (a tally) to the given audiences."""
    for role in roles:
        socketio.emit(
            "state", {"name": name, "data": data}, to=rooms.audience(consultation_id, role)
        )


def notify(participant_id: int, kind: str, data: dict[str, Any]) -> None:
    """Tell one person something about themselves; their snapshot holds it too."""
    socketio.emit("notice", {"kind": kind, "data": data}, to=rooms.person(participant_id))
