"""Socket.IO's rooms, with each connection's own rooms kept beside them.

python-socketio finds the rooms a closing connection leaves by looking through
every room of its namespace (`BaseManager.basic_disconnect`, and `get_rooms`).
Every connection has a room of its own and, here, its person's room too: at 2,000
attendees each disconnect looked through 4,000 rooms (a disconnect cost 0.9–1.5 ms
of the worker's CPU, 0.08 ms without the look), and a whole room dropping at once
(a venue's Wi-Fi) cost time that grew with the square of the room
(docs/performance.md, third round, step 43). The managers here keep, for each
connection, the rooms it is in, so that leaving them all touches only those.
"""

from __future__ import annotations

from typing import Any

import socketio as python_socketio


class RoomsOfEachConnection:
    """A mixin for a python-socketio manager: `rooms_of[(namespace, sid)]` holds the
    rooms the connection is in (in the order it entered them), kept by the manager's
    own `basic_enter_room` and `basic_leave_room`, which every room change goes through.
    """

    rooms: dict[str, dict[Any, Any]]
    callbacks: dict[str, Any]
    pending_connect: dict[str, list[str]]
    pending_disconnect: dict[str, list[str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rooms_of: dict[tuple[str, str], dict[Any, None]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: Any = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)  # type: ignore[misc]
        self.rooms_of.setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)  # type: ignore[misc]
        rooms = self.rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self.rooms_of[(namespace, sid)]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """The library's, without looking through every room: the connection leaves
        its own rooms, then is forgotten as the library forgets it (its callbacks,
        its place among the connections opening or closing)."""
        if namespace not in self.rooms:
            return
        for room in list(self.rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting is not None and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        """The rooms a connection is in, but the namespace's own (as the library)."""
        return [room for room in self.rooms_of.get((namespace, sid), ()) if room is not None]


class Manager(RoomsOfEachConnection, python_socketio.Manager):  # type: ignore[misc]
    """The rooms of one worker alone (no message queue)."""
