"""Dropped connections still counted present for a short grace (features/presence).

A page reloaded, a phone moving from Wi-Fi to mobile data, a laptop's blip: the
connection closes and the same person is back within seconds. Each departure used
to log `participant_left` at once and the return `participant_arrived`: two staff
events, two commits under the consultation's lock, and a head count that dipped
and came back. A closed connection is held here instead, its presence row kept;
a person who connects again meanwhile arrives while still present (no event;
through this worker, their new connection takes the row over), and once the
grace has run out the presence service forgets the row as before,
logging the departure only if no other connection of theirs is open by then.
Only a connection that dropped is held (realtime/connection.py): one the client
or the server closed on purpose is forgotten at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Closed:
    """A closed connection: its Socket.IO session id, whose it was, when it closed; and,
    when known, the digest of the token it was opened with and the role it had, for
    the same token to take it over on the way back (features/presence, `returning`)."""

    sid: str
    consultation_id: int
    participant_id: int
    at: datetime
    token: str = ""
    role: str = ""


class Departures:
    """The connections this worker has seen drop and not yet forgotten, by sid, by person
    and by token.

    With `grace` 0 nothing is held: the presence service forgets a connection as it
    closes."""

    def __init__(self, grace: float = 0.0) -> None:
        self.grace = grace
        self._lock = threading.Lock()
        self._held: dict[str, Closed] = {}  # in the order they closed
        self._by_person: dict[int, list[str]] = {}
        self._by_token: dict[str, list[str]] = {}

    def hold(self, closed: Closed) -> None:
        with self._lock:
            self._held[closed.sid] = closed
            self._by_person.setdefault(closed.participant_id, []).append(closed.sid)
            if closed.token:
                self._by_token.setdefault(closed.token, []).append(closed.sid)

    def take_of(self, participant_id: int) -> Closed | None:
        """Take the person's most recently closed connection, if one is held."""
        with self._lock:
            sids = self._by_person.get(participant_id)
            return self._take(sids[-1]) if sids else None

    def take_opened_with(self, token: str) -> Closed | None:
        """Take the most recently closed connection opened with `token` (a digest)."""
        with self._lock:
            sids = self._by_token.get(token)
            return self._take(sids[-1]) if sids else None

    def due(self, now: datetime) -> list[Closed]:
        """Take the connections whose grace has run out by `now`, oldest first."""
        cutoff = now - timedelta(seconds=self.grace)
        with self._lock:
            due = [sid for sid, closed in self._held.items() if closed.at <= cutoff]
            return [self._take(sid) for sid in due]

    def all(self) -> list[Closed]:
        """Take every held connection, whatever its grace (a worker stopping)."""
        with self._lock:
            return [self._take(sid) for sid in list(self._held)]

    def _take(self, sid: str) -> Closed:
        closed = self._held.pop(sid)
        _unlist(self._by_person, closed.participant_id, sid)
        if closed.token:
            _unlist(self._by_token, closed.token, sid)
        return closed

    def __len__(self) -> int:
        return len(self._held)


def _unlist(index: dict[Any, list[str]], key: Any, sid: str) -> None:
    sids = index[key]
    sids.remove(sid)
    if not sids:
        del index[key]
