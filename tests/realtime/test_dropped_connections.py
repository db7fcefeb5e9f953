"""Why a connection ended decides when its person is logged as gone.

A connection that dropped (the transport closed or failed, pings went unanswered)
may come back within seconds: presence holds it for PRESENCE_GRACE. One that the
client or the server closed on purpose is forgotten at once, as before.
"""

import pytest
from sqlalchemy import select

from server.core.models import Connection, Event
from server.core.socket import socketio
from server.features.consultations import service as consultations
from server.features.presence import service as presence
from tests.conftest import new_consultation


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


def back_with_its_catch_up(socket_client, token, seq):
    """Connect as the page does after a cut: `sync` and the last seq in the auth."""
    return socket_client(token, sync=True, since=seq)


def synced(client):
    (answer,) = [m["args"][0] for m in client.get_received() if m["name"] == "synced"]
    return answer


def test_a_phone_back_through_the_same_worker_is_caught_up_in_two_statements(
    room, app_core, socket_client, app_statements
):
    """Its row taken over by a statement that checks its token, then its standing read
    with where the log stands: that read, after the takeover, is the takeover's check."""
    _, token = room.join_with_token(display_name="Amina")
    first = socket_client(token, sync=True)
    seq = synced(first)["snapshot"]["seq"]
    drop(first)
    app_statements.clear()

    answer = synced(back_with_its_catch_up(socket_client, token, seq))

    assert (answer["ok"], answer["seq"], answer["events"]) == (True, seq, [])
    queries = [s for s in app_statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert len(queries) == 2, queries
    assert queries[0].startswith("UPDATE connections")


@pytest.mark.parametrize(("view", "taking_over"), [(None, "returning"), ("present", "take_over")])
def test_a_phone_back_after_its_link_was_revoked_during_the_takeover_is_refused_and_forgotten(
    room, app_core, socket_client, monkeypatch, view, taking_over
):
    """The race: revoked just before its row is taken over, the way back with its token
    alone (`returning`) or, as a present view, after being authenticated (`take_over`)."""
    deputy = consultations.claim_link(app_core, room.moderator_link, {"display_name": "Deputy"})
    first = socket_client(deputy.token, sync=True, view=view)
    seq = synced(first)["snapshot"]["seq"]
    drop(first)
    real = getattr(presence, taking_over)

    def revoked_meanwhile(*args):
        consultations.reissue_links(app_core, room.join_code)
        return real(*args)

    monkeypatch.setattr(presence, taking_over, revoked_meanwhile)
    again = socket_client(deputy.token, sync=True, since=seq, view=view)

    assert not again.is_connected()
    with app_core.store.reading() as tx:
        rows = tx.scalars(select(Connection.sid).where(Connection.consultation_id == room.id))
        assert rows.all() == []
    assert presence_log(app_core, room.id)[-1] == ("participant_left", "Deputy")


def test_a_phone_back_through_the_same_worker_pushes_no_head_count(room, app_core, socket_client):
    """Nobody arrived: the count everyone sees is the same, so nothing is sent to them."""
    _, token = room.join_with_token()
    first = socket_client(token, sync=True)
    seq = synced(first)["snapshot"]["seq"]
    drop(first)
    app_core.tallies.dirty.take()

    back_with_its_catch_up(socket_client, token, seq)

    assert app_core.tallies.dirty.take() == {}


def test_a_token_back_with_another_consultations_code_is_refused_and_its_row_kept(
    room, app_core, socket_client
):
    """The way back checks the join code as the first connection did."""
    other = new_consultation(app_core, short_name="americas-2024")
    _, token = room.join_with_token(display_name="Amina")
    first = socket_client(token, sync=True)
    seq = synced(first)["snapshot"]["seq"]
    drop(first)

    astray = socket_client(token, sync=True, since=seq, code=other.join_code)

    assert not astray.is_connected()
    assert len(app_core.departures) == 1  # still held, forgotten once the grace runs out
    back = back_with_its_catch_up(socket_client, token, seq)
    assert synced(back)["ok"] is True
    assert len(app_core.departures) == 0


@pytest.mark.parametrize(("view", "staff_event_sent"), [(None, True), ("present", False)])
def test_a_moderator_back_through_the_same_worker_hears_as_the_view_asks(
    room, app_core, socket_client, view, staff_event_sent
):
    first = socket_client(room.moderator_token, sync=True)
    seq = synced(first)["snapshot"]["seq"]
    drop(first)
    room.join_with_token(display_name="Amina")  # participant_joined, for staff only

    back = socket_client(room.moderator_token, sync=True, since=seq, view=view)

    types = [e["type"] for e in synced(back)["events"]]
    assert ("participant_joined" in types) is staff_event_sent
    assert len(app_core.departures) == 0
