"""Socket.IO: connect with a token, start from a snapshot, follow numbered events."""

import pytest

from tests.realtime.messages import events_of


def sent(client, name):
    """The payloads of the messages named `name` that `client` was sent since last asked."""
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def test_a_connection_without_a_valid_token_is_refused(socket_client):
    assert not socket_client(None).is_connected()
    assert not socket_client("not-a-real-token-at-all-000000").is_connected()


def test_sync_gives_a_snapshot_with_its_sequence_number(socket_client, app_consultation):
    c = app_consultation
    _, token = c.join_with_token(display_name="Amina")
    client = socket_client(token)
    ack = client.emit("sync", {}, callback=True)
    assert ack["ok"] is True
    snap = ack["snapshot"]
    assert snap["consultation"]["title"] == "Regional Cybercrime Consultations for Africa"
    assert snap["me"]["display_name"] == "Amina"
    assert isinstance(snap["seq"], int) and snap["seq"] > 0
    assert len(snap["agenda"]["items"]) == 4


def test_a_moderator_starts_an_item_and_every_attendee_sees_it(socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    attendees = [socket_client(c.join_with_token()[1]) for _ in range(3)]
    for client in attendees:
        client.get_received()
    ack = moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    assert ack == {"ok": True}
    for client in attendees:
        (received,) = sent(client, "events")
        assert [e["type"] for e in received] == ["consultation_started", "item_started"]
        assert received[1]["data"]["title"] == "Opening"
        assert received[1]["prev"] == received[0]["seq"]


def test_a_command_reaches_each_attendee_as_one_message_holding_its_events_in_order(
    socket_client, app_consultation
):
    """One message per command, not per event: the per-recipient send is what a
    broadcast to thousands costs."""
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    attendee = socket_client(c.join_with_token()[1])
    attendee.get_received()
    assert moderator.emit("next_item", {}, callback=True) == {"ok": True}
    messages = attendee.get_received()
    assert [m["name"] for m in messages] == ["events"]
    (ended, started) = messages[0]["args"][0]
    assert (ended["type"], started["type"]) == ("item_ended", "item_started")
    assert started["seq"] == ended["seq"] + 1 and started["prev"] == ended["seq"]
    assert started["data"]["id"] == c.item_ids()[1]


def test_attendees_are_sent_nothing_of_a_staff_only_event(socket_client, app_consultation):
    c = app_consultation
    attendee = socket_client(c.join_with_token()[1])
    moderator = socket_client(c.moderator_token)
    attendee.get_received()
    moderator.get_received()
    socket_client(c.join_with_token()[1])  # a newcomer's arrival is staff-only
    assert attendee.get_received() == []
    (arrival,) = sent(moderator, "events")
    assert [e["type"] for e in arrival] == ["participant_arrived"]


def test_an_attendee_cannot_run_the_agenda(socket_client, app_consultation):
    c = app_consultation
    attendee = socket_client(c.join_with_token()[1])
    ack = attendee.emit("next_item", {}, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "forbidden"
    assert ack["error"]["message"]
    assert attendee.is_connected()


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("start_item", {"item_id": "one"}, "unknown_item"),
        ("start_item", ["not", "an", "object"], "invalid_payload"),
        ("start_item", "text", "invalid_payload"),
        ("extend_item", {"item_id": None, "minutes": "5"}, "unknown_item"),
        ("reorder_items", {"order": "1,2,3"}, "invalid_order"),
        ("add_item", {"title": "x" * 201, "minutes": 5}, "title_too_long"),
        ("no_such_command", {}, "unknown_command"),
    ],
)
def test_bad_input_gets_its_own_error_code_and_the_connection_stays_up(
    socket_client, app_consultation, event, payload, code
):
    moderator = socket_client(app_consultation.moderator_token)
    ack = moderator.emit(event, payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert moderator.is_connected()
    assert moderator.emit("sync", {}, callback=True)["ok"] is True


def test_a_reconnecting_client_catches_up_on_exactly_what_it_missed(
    socket_client, app_consultation
):
    c = app_consultation
    _, token = c.join_with_token()
    moderator = socket_client(c.moderator_token)
    first = socket_client(token)
    seq = first.emit("sync", {}, callback=True)["snapshot"]["seq"]
    first.disconnect()
    ids = c.item_ids()
    moderator.emit("start_item", {"item_id": ids[0]}, callback=True)
    moderator.emit("next_item", {}, callback=True)
    again = socket_client(token)
    ack = again.emit("sync", {"since": seq}, callback=True)
    assert [e["type"] for e in ack["events"]] == [
        "consultation_started",
        "item_started",
        "item_ended",
        "item_started",
    ]
    assert ack["events"][0]["prev"] <= seq
    assert all(e["seq"] > seq for e in ack["events"])


def test_a_client_that_asks_in_its_auth_is_sent_its_snapshot_with_the_connection(
    socket_client, app_consultation
):
    _, token = app_consultation.join_with_token(display_name="Amina")
    client = socket_client(token, sync=True)
    (synced,) = sent(client, "synced")
    assert synced["ok"] is True
    assert synced["snapshot"]["me"]["display_name"] == "Amina"
    assert synced["snapshot"]["seq"] > 0


def test_a_client_back_with_since_in_its_auth_is_sent_what_it_missed(
    socket_client, app_consultation
):
    c = app_consultation
    _, token = c.join_with_token()
    moderator = socket_client(c.moderator_token)
    first = socket_client(token, sync=True)
    (synced,) = sent(first, "synced")
    seq = synced["snapshot"]["seq"]
    first.disconnect()
    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    again = socket_client(token, sync=True, since=seq)
    (synced,) = sent(again, "synced")
    assert [e["type"] for e in synced["events"]] == ["consultation_started", "item_started"]


def test_a_client_that_does_not_ask_is_not_sent_a_snapshot_unasked(socket_client, app_consultation):
    _, token = app_consultation.join_with_token()
    assert sent(socket_client(token), "synced") == []


def test_a_client_far_behind_gets_a_fresh_snapshot(socket_client, app_consultation):
    _, token = app_consultation.join_with_token()
    client = socket_client(token)
    ack = client.emit("sync", {"since": 10**9}, callback=True)
    assert "snapshot" in ack


def test_the_present_view_hears_only_what_attendees_hear(socket_client, app_consultation):
    c = app_consultation
    present = socket_client(c.moderator_token, view="present")
    present.get_received()
    socket_client(c.join_with_token()[1])
    assert events_of(present) == []


def test_a_moderator_replaces_a_leaked_rapporteur_link(socket_client, app_consultation):
    moderator = socket_client(app_consultation.moderator_token)
    ack = moderator.emit("replace_link", {"role": "rapporteur"}, callback=True)
    assert ack["ok"] is True and len(ack["token"]) > 30
