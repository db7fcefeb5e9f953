"""Why a connection ended decides when its person is logged as gone.

A connection that dropped (the transport closed or failed, pings went unanswered)
may come back within seconds: presence holds it for PRESENCE_GRACE. One that the
client or the server closed on purpose is forgotten at once, as before.
"""

import pytest
from sqlalchemy import select

from server.core.models import Event
from server.core.socket import socketio
from server.features.presence import service as presence


@pytest.fixture
def room(app_consultation, app_core, clock):
    """A consultation on the application's core, its clock in the test's hands."""
    app_core.clock = clock
    return app_consultation


def presence_log(core, consultation_id):
    with core.store.reading() as tx:
        query = (
            select(Event.type, Event.payload)
            .where(
                Event.consultation_id == consultation_id,
                Event.type.in_(["participant_arrived", "participant_left"]),
            )
            .order_by(Event.seq)
        )
        return [(kind, payload["display_name"]) for kind, payload in tx.execute(query)]


def drop(client, reason="transport close"):
    """End a test client's connection the way a network cut does (no goodbye)."""
    socketio.server._handle_eio_disconnect(client.eio_sid, reason)
    client.connected.clear()


def test_the_default_grace_is_ten_seconds(app_core):
    assert app_core.departures.grace == 10


@pytest.mark.parametrize("reason", ["transport close", "transport error", "ping timeout"])
def test_a_dropped_connection_back_within_the_grace_logs_nothing(
    room, app_core, socket_client, clock, reason
):
    _, token = room.join_with_token(display_name="Amina")
    drop(socket_client(token), reason)
    clock.advance(4)
    socket_client(token)
    clock.advance(10)
    presence.leave_due(app_core)

    assert presence_log(app_core, room.id) == [("participant_arrived", "Amina")]


def test_a_dropped_connection_not_back_is_logged_gone_after_the_grace(
    room, app_core, socket_client, clock
):
    _, token = room.join_with_token(display_name="Amina")
    drop(socket_client(token))
    assert presence_log(app_core, room.id) == [("participant_arrived", "Amina")]

    clock.advance(10)
    presence.leave_due(app_core)

    assert presence_log(app_core, room.id) == [
        ("participant_arrived", "Amina"),
        ("participant_left", "Amina"),
    ]


def test_a_client_that_says_goodbye_is_logged_gone_at_once(room, app_core, socket_client):
    _, token = room.join_with_token(display_name="Amina")
    socket_client(token).disconnect()

    assert presence_log(app_core, room.id) == [
        ("participant_arrived", "Amina"),
        ("participant_left", "Amina"),
    ]
    assert len(app_core.departures) == 0
