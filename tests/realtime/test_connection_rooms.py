"""A connection that closes leaves its own rooms, and only looks at those.

Each connection is in its own room, its person's and its audience's. python-socketio
found a closing connection's rooms by looking through every room of the namespace:
at 2,000 attendees, 4,000 rooms on every disconnect, and a room that drops all at once
paid that for each of its people (core/connection_rooms.py).
"""

from typing import Any

from server.core import rooms
from server.core.socket import socketio


class EveryRoomWatched(dict[Any, Any]):
    """A namespace's rooms that note each time someone looks through all of them."""

    looked_through = 0

    def copy(self) -> dict[Any, Any]:
        self.looked_through += 1
        return dict(self)

    def items(self) -> Any:
        self.looked_through += 1
        return super().items()


def rooms_with(sid: str) -> set[Any]:
    return {room for room, members in socketio.server.manager.rooms["/"].items() if sid in members}


def test_a_closing_connection_leaves_each_of_its_rooms_and_no_other(
    socket_client, app_consultation
):
    amina, token = app_consultation.join_with_token(display_name="Amina")
    leaving = socket_client(token)
    staying = socket_client(app_consultation.join_with_token(display_name="Awa")[1])
    leaving_sid = socketio.server.manager.sid_from_eio_sid(leaving.eio_sid, "/")
    staying_sid = socketio.server.manager.sid_from_eio_sid(staying.eio_sid, "/")
    assert rooms.person(amina.participant_id) in rooms_with(leaving_sid)
    theirs = rooms_with(staying_sid)

    leaving.disconnect()

    assert rooms_with(leaving_sid) == set()
    assert rooms_with(staying_sid) == theirs
    assert socketio.server.manager.get_rooms(leaving_sid, "/") == []
    assert set(socketio.server.manager.get_rooms(staying_sid, "/")) == theirs - {None}


def test_a_closing_connection_does_not_look_through_everyone_elses_rooms(
    socket_client, app_consultation
):
    crowd = [socket_client(app_consultation.join_with_token()[1]) for _ in range(5)]
    manager = socketio.server.manager
    watched = manager.rooms["/"] = EveryRoomWatched(manager.rooms["/"])

    crowd[0].disconnect()

    assert watched.looked_through == 0
    assert all(client.is_connected() for client in crowd[1:])
