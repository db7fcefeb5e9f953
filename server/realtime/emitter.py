"""The one place that emits: what is broadcast, to whom, is visible in this file.

Events go to each audience room of their consultation that may see them, each
through that audience's projection: one `events` message per audience per publish.
Quiet events (one per ballot or upvote) are logged but not sent: staff get the
counts as tallies, and each envelope's `prev` skips the quiet events before it.
Tallies (vote counts, presence) are state, not events: they carry absolute
values, so a missed one is repaired by the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.events import LoggedEvent, Payload
from . import rooms, socketio


def publish(events: Iterable[LoggedEvent]) -> None:
    """Send logged events to every audience allowed to see them: one message per audience.

    A command often logs several events (`start_item`: `item_ended`, then
    `item_started`). Each audience gets them as one `events` message, the list of
    its envelopes in seq order, because the server's cost of a broadcast is the
    send per recipient: one message per command instead of one per event. An
    audience that sees none of them gets nothing.
    """
    for (consultation_id, role), envelopes in _by_audience(events).items():
        socketio.emit("events", envelopes, to=rooms.audience(consultation_id, role))


def _by_audience(events: Iterable[LoggedEvent]) -> dict[tuple[int, str], list[Payload]]:
    """Each audience's envelopes, in seq order, keyed by (consultation, role)."""
    by_audience: dict[tuple[int, str], list[Payload]] = {}
    for event in sorted(events, key=lambda event: (event.consultation_id, event.seq)):
        if not event.live:
            continue  # quiet: in the log (and a catch-up's replay), not sent
        for role in rooms.AUDIENCES:
            if event.visible_to(role):
                audience = by_audience.setdefault((event.consultation_id, role), [])
                audience.append(event.envelope(role))
    return by_audience


def push_state(consultation_id: int, roles: Iterable[str], name: str, data: Any) -> None:
    """Send a coalesced piece of state (a tally) to the given audiences."""
    for role in roles:
        socketio.emit(
            "state", {"name": name, "data": data}, to=rooms.audience(consultation_id, role)
        )


def notify(participant_id: int, kind: str, data: dict[str, Any]) -> None:
    """Tell one person something about themselves; their snapshot holds it too."""
    socketio.emit("notice", {"kind": kind, "data": data}, to=rooms.person(participant_id))
