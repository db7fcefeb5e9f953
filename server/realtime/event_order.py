"""Each audience's events delivered to a worker's connections in their log's order.

In a cluster an audience's events reach a worker from several publishers: its own
emits at once, the other workers' through Redis, and each worker holds what its
attendees log for the pacing window (core/emitter.py). Two workers logging at once
thus reached an attendee as seq 11 before seq 10, or as [10, 12] then [11, 13]: the
client saw a gap and asked for a catch-up, as docs/api.md tells it to. In an ask
burst through two workers every attendee did so, 2,000 catch-ups at a time, and the
asks' acknowledgements waited seconds behind them (docs/performance.md, step 89).

`InOrder` keeps, for each room, the seq of the last envelope it let through. An
envelope whose `prev` is past it waits for those before it; when they come, all go
on together, in order. An envelope that waited `hold` seconds goes anyway (its
predecessor was lost, or is later than that): the clients see the gap and catch up,
as they did before. A room this worker has not seen an envelope of yet cannot tell
whether the first one's predecessor went by: that one waits too, once. What is
already behind the room (a repair's replay, a duplicate) goes at once; clients
ignore what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.core.events import Payload

# Longer than the pacing window (EVENT_WINDOW, 0.25 s) with room for a busy worker's
# commit-to-publish; short enough that a lost envelope costs the room one second.
HOLD_SECONDS = 1.0
# More audiences than a worker serves at once (three a consultation); past it, the rooms
# holding nothing are forgotten, and one that comes back waits once, as a new one does.
KNOWN_ROOMS = 10_000


@dataclass
class _Room:
    last: int | None = None  # the seq of the last envelope let through; None: none yet
    held: dict[int, Payload] = field(default_factory=dict)  # by seq, waiting for their prev
    since: float = 0.0  # when the room's present wait began


class InOrder:
    """The envelopes of each room, let through in the order their `prev` chains them."""

    def __init__(self, hold: float = HOLD_SECONDS) -> None:
        self.hold = hold
        self._rooms: dict[str, _Room] = {}

    def take(self, room: str, envelopes: list[Payload], now: float) -> list[Payload]:
        """What to deliver to `room` now, in seq order: what is behind it, and what now
        follows its last envelope, held ones included. The rest waits (`waiting`)."""
        state = self._rooms.get(room)
        if state is None:
            if len(self._rooms) >= KNOWN_ROOMS:
                self._rooms = {name: kept for name, kept in self._rooms.items() if kept.held}
            state = self._rooms[room] = _Room()
        was_waiting = bool(state.held)
        behind = []
        for envelope in envelopes:
            if state.last is not None and envelope["seq"] <= state.last:
                behind.append(envelope)
            else:
                state.held[envelope["seq"]] = envelope
        ahead = self._following(state)
        if state.held and (ahead or not was_waiting):
            state.since = now  # a new gap: its wait begins
        return behind + ahead

    def waiting(self, room: str) -> float | None:
        """When the envelopes `room` holds began to wait, or None if it holds none."""
        state = self._rooms.get(room)
        return state.since if state is not None and state.held else None

    def overdue(self, room: str, now: float) -> list[Payload]:
        """Everything `room` holds, in seq order, if it has waited `hold` seconds: its
        gap is then the clients' to repair."""
        state = self._rooms.get(room)
        if state is None or not state.held or now - state.since < self.hold:
            return []
        released = [state.held[seq] for seq in sorted(state.held)]
        state.held.clear()
        state.last = released[-1]["seq"]
        return released

    @staticmethod
    def _following(state: _Room) -> list[Payload]:
        """The held envelopes that follow the room's last one, each after the other."""
        following = []
        for seq in sorted(state.held):
            # `prev` 0 (or None): the first of its kind, which follows nothing; a room
            # with nothing let through yet lets only that one through unheld.
            if (state.held[seq]["prev"] or 0) > (state.last or 0):
                break
            following.append(state.held.pop(seq))
            state.last = seq
        return following
