"""The one place that emits: what is broadcast, to whom, is visible in this file.

Events go to each audience room of their consultation that may see them, each
through that audience's projection: one `events` message per audience per publish.
Quiet events (one per ballot or upvote) are logged but not sent: staff get the
counts as tallies, and each envelope's `prev` skips the quiet events before it.
Tallies (vote counts, presence) are state, not events: they carry absolute
values, so a missed one is repaired by the next.

An audience's messages are paced (`Pacer`, one per application: `core.pacer`):
the first goes at once, and what the crowd's own commands log within the window
goes as one message at its end. A crowd asking questions at once would otherwise
send every attendee a message per question. What staff or the server's clock
log goes at once, with whatever the window held before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import rooms
from .events import ATTENDEE, LoggedEvent, Payload
from .socket import socketio

if TYPE_CHECKING:
    from .runtime import Core


def publish(core: Core, events: Iterable[LoggedEvent]) -> None:
    """Send logged events to every audience allowed to see them: one message per audience.

    A command often logs several events (`start_item`: `item_ended`, then
    `item_started`). Each audience gets them as one `events` message, the list of
    its envelopes in seq order, because the server's cost of a broadcast is the
    send per recipient: one message per command instead of one per event. An
    audience that sees none of them gets nothing.
    """
    events = list(events)
    at_once = any(event.actor_role != ATTENDEE for event in events)
    for (consultation_id, role), envelopes in _by_audience(core, events).items():
        core.pacer.send(rooms.audience(consultation_id, role), envelopes, at_once=at_once)


def _by_audience(core: Core, events: Iterable[LoggedEvent]) -> dict[tuple[int, str], list[Payload]]:
    """Each audience's envelopes, in seq order, keyed by (consultation, role)."""
    by_audience: dict[tuple[int, str], list[Payload]] = {}
    for event in sorted(events, key=lambda event: (event.consultation_id, event.seq)):
        if not event.live:
            continue  # quiet: in the log (and a catch-up's replay), not sent
        for role in rooms.AUDIENCES:
            if event.visible_to(role):
                audience = by_audience.setdefault((event.consultation_id, role), [])
                audience.append(event.envelope(role, core.wiring))
    return by_audience


@dataclass
class _Room:
    last_sent: float = float("-inf")
    waiting: list[Payload] = field(default_factory=list)  # envelopes held for the window's end


class Pacer:
    """At most one message of the crowd's events per room per `window` seconds, none
    delayed needlessly.

    Leading edge and trailing edge: a message to a room quiet for a window goes
    at once; messages following it within the window are held and sent together,
    in seq order, when it ends. Under a burst every attendee gets one message per
    window, whatever the rate of commands; with `window` 0 every message goes at
    once. A message sent `at_once` (a moderator's action) is never held back: it
    goes now, with what the window held, as one message in seq order.

    `clock` reads seconds and `sleep` waits for some (tests give a clock of their own).
    """

    def __init__(
        self,
        window: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        self.window = window
        self._clock = clock
        self._sleep = sleep or socketio.sleep
        self._lock = threading.Lock()
        self._rooms: dict[str, _Room] = {}

    def send(self, room: str, envelopes: list[Payload], at_once: bool = False) -> None:
        if self.window <= 0:
            socketio.emit("events", envelopes, to=room)
            return
        with self._lock:
            state = self._rooms.setdefault(room, _Room())
            now = self._clock()
            held = not at_once and (bool(state.waiting) or now - state.last_sent < self.window)
            if at_once and state.waiting:  # the window's flush then finds nothing to send
                envelopes = sorted(state.waiting + envelopes, key=lambda envelope: envelope["seq"])
                state.waiting = []
            if held:
                if not state.waiting:  # the first held: its flush goes at the window's end
                    socketio.start_background_task(self._flush, room, state.last_sent + self.window)
                state.waiting.extend(envelopes)
            else:
                state.last_sent = now
        if not held:
            socketio.emit("events", envelopes, to=room)

    def _flush(self, room: str, due: float) -> None:
        while (left := due - self._clock()) > 0:
            self._sleep(left)
        with self._lock:
            state = self._rooms.setdefault(room, _Room())
            envelopes = sorted(state.waiting, key=lambda envelope: envelope["seq"])
            state.waiting = []
            if envelopes:
                state.last_sent = self._clock()
        if envelopes:
            socketio.emit("events", envelopes, to=room)


def push_state(consultation_id: int, roles: Iterable[str], name: str, data: Any) -> None:
    """Send a coalesced piece of state (a tally) to the given audiences."""
    for role in roles:
        socketio.emit(
            "state", {"name": name, "data": data}, to=rooms.audience(consultation_id, role)
        )


def notify(participant_id: int, kind: str, data: dict[str, Any]) -> None:
    """Tell one person something about themselves; their snapshot holds it too."""
    socketio.emit("notice", {"kind": kind, "data": data}, to=rooms.person(participant_id))
