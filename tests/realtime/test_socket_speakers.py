"""The speakers' queue over Socket.IO: commands, who hears what, the coalesced queue."""

import pytest

from server.core import tallies
from tests.realtime.messages import envelopes, events_of


def received(client, name):
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


@pytest.fixture
def room(app_consultation, socket_client):
    """A running first item, the chair connected, and a way to bring attendees in."""
    c = app_consultation
    chair = socket_client(c.moderator_token)
    assert chair.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)["ok"]

    def attendee(name, group="other", country=""):
        _, token = c.join_with_token(display_name=name, stakeholder_group=group, country=country)
        client = socket_client(token)
        client.emit("sync", {}, callback=True)
        return client

    return c, chair, attendee


def test_an_attendee_raises_a_hand_and_learns_their_place(app, room):
    c, chair, attendee = room
    amina = attendee("Amina", "civil_society", "KE")
    kofi = attendee("Kofi")
    assert amina.emit("raise_hand", {"topic": "Data retention"}, callback=True)["ok"]
    ack = kofi.emit("raise_hand", {}, callback=True)
    assert ack["ok"] is True and isinstance(ack["hand_id"], int)
    for client in (amina, kofi, chair):
        client.get_received()
    assert tallies.flush(app.extensions["baraza"]) >= 2
    (public,) = [s["data"] for s in received(kofi, "state") if s["name"] == "speakers_queue"]
    (entry,) = public["queues"]
    assert entry["waiting"] == 2 and entry["hand_ids"].index(ack["hand_id"]) == 1
    assert "hands" not in entry and "Amina" not in str(public)
    (staff,) = [s["data"] for s in received(chair, "state") if s["name"] == "speakers_queue"]
    assert [h["display_name"] for h in staff["queues"][0]["hands"]] == ["Amina", "Kofi"]


def test_hands_are_staff_events_and_the_owner_gets_a_notice(room):
    c, chair, attendee = room
    amina, kofi = attendee("Amina"), attendee("Kofi")
    for client in (amina, kofi, chair):
        client.get_received()
    amina.emit("raise_hand", {"topic": "Budget"}, callback=True)
    assert [e["type"] for e in events_of(chair)] == ["hand_raised"]
    assert events_of(kofi) == []
    messages = amina.get_received()
    assert envelopes(messages) == []
    (notice,) = [m["args"][0] for m in messages if m["name"] == "notice"]
    assert notice["kind"] == "speakers_mine" and notice["data"]["reason"] == "hand_raised"
    assert [h["topic"] for h in notice["data"]["hands"]] == ["Budget"]


def test_the_floor_is_announced_to_all_and_the_speaker_is_told(room):
    c, chair, attendee = room
    amina, kofi = attendee("Amina", "academia"), attendee("Kofi")
    hand = amina.emit("raise_hand", {"topic": "Private"}, callback=True)["hand_id"]
    for client in (amina, kofi, chair):
        client.get_received()
    ack = chair.emit("give_floor", {}, callback=True)
    assert ack == {"ok": True, "hand_id": hand}
    (seen,) = events_of(kofi)
    assert seen["type"] == "floor_given"
    assert seen["data"]["display_name"] == "Amina" and seen["data"]["hand_id"] == hand
    assert "topic" not in seen["data"] and "participant_id" not in seen["data"]
    messages = amina.get_received()
    (notice,) = [m["args"][0] for m in messages if m["name"] == "notice"]
    assert notice["data"]["reason"] == "floor_given"
    assert notice["data"]["hands"][0]["state"] == "speaking"
    (staff_view,) = events_of(chair)
    assert staff_view["data"]["topic"] == "Private"


def test_an_attendee_acting_as_chair_is_forbidden(room):
    c, chair, attendee = room
    amina = attendee("Amina")
    amina.emit("raise_hand", {}, callback=True)
    for command, payload in [
        ("give_floor", {}),
        ("end_turn", {}),
        ("extend_turn", {"seconds": 30}),
        ("remove_hand", {"hand_id": 1}),
        ("put_hand_back", {"hand_id": 1}),
        ("close_speakers_list", {}),
        ("reopen_speakers_list", {}),
        ("set_speakers_ordering", {"ordering": "balanced"}),
        ("set_speaking_time", {"seconds": 60}),
    ]:
        ack = amina.emit(command, payload, callback=True)
        expected = "no_speaker" if command == "end_turn" else "forbidden"
        assert ack["ok"] is False and ack["error"]["code"] == expected, command
        assert ack["error"]["message"]


@pytest.mark.parametrize(
    ("command", "payload", "code"),
    [
        ("raise_hand", {"item_id": "first"}, "unknown_item"),
        ("raise_hand", {"topic": "x" * 500}, "topic_too_long"),
        ("withdraw_hand", {"hand_id": 999_999}, "unknown_hand"),
        ("withdraw_hand", {}, "unknown_hand"),
        ("raise_hand", ["not", "an", "object"], "invalid_payload"),
    ],
)
def test_bad_attendee_input_gets_its_own_code(room, command, payload, code):
    c, chair, attendee = room
    amina = attendee("Amina")
    ack = amina.emit(command, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert amina.is_connected()


def test_raising_twice_and_raising_on_a_closed_list_are_refused(room):
    c, chair, attendee = room
    amina, kofi = attendee("Amina"), attendee("Kofi")
    assert amina.emit("raise_hand", {}, callback=True)["ok"]
    assert amina.emit("raise_hand", {}, callback=True)["error"]["code"] == "already_in_queue"
    assert chair.emit("close_speakers_list", {}, callback=True)["ok"]
    assert kofi.emit("raise_hand", {}, callback=True)["error"]["code"] == "list_closed"


def test_withdrawing_someone_elses_hand_is_refused(room):
    c, chair, attendee = room
    amina, kofi = attendee("Amina"), attendee("Kofi")
    hand = amina.emit("raise_hand", {}, callback=True)["hand_id"]
    ack = kofi.emit("withdraw_hand", {"hand_id": hand}, callback=True)
    assert ack["error"]["code"] == "not_your_hand"
    assert amina.emit("withdraw_hand", {"hand_id": hand}, callback=True) == {"ok": True}


def test_the_chair_runs_a_turn_end_to_end(room, app_core):
    c, chair, attendee = room
    amina, kofi = attendee("Amina"), attendee("Kofi")
    first = amina.emit("raise_hand", {}, callback=True)["hand_id"]
    kofi.emit("raise_hand", {}, callback=True)
    assert chair.emit("set_speakers_ordering", {"ordering": "first_time"}, callback=True)["ok"]
    assert chair.emit("give_floor", {}, callback=True)["hand_id"] == first
    assert chair.emit("give_floor", {}, callback=True)["error"]["code"] == "floor_taken"
    assert chair.emit("extend_turn", {"seconds": 60}, callback=True)["ok"]
    kofi.get_received()
    ack = chair.emit("give_floor", {"replacing": first}, callback=True)
    assert ack["ok"] is True
    assert [e["type"] for e in events_of(kofi)] == ["turn_ended", "floor_given"]
    assert kofi.emit("end_turn", {}, callback=True) == {"ok": True}
    snap = chair.emit("sync", {}, callback=True)["snapshot"]["speakers"]
    assert snap["floor"] is None and snap["ordering"] == "first_time"
    assert [s["display_name"] for s in snap["record"]["items"][0]["speakers"]] == [
        "Amina",
        "Kofi",
    ]


def test_a_reconnecting_attendee_sees_the_queue_and_the_floor_as_they_are(room, socket_client):
    c, chair, attendee = room
    _, token = c.join_with_token(display_name="Amina")
    amina = socket_client(token)
    hand = amina.emit("raise_hand", {}, callback=True)["hand_id"]
    attendee("Kofi").emit("raise_hand", {}, callback=True)
    amina.disconnect()
    chair.emit("give_floor", {"hand_id": hand}, callback=True)
    again = socket_client(token)
    part = again.emit("sync", {}, callback=True)["snapshot"]["speakers"]
    assert part["floor"]["hand_id"] == hand
    assert part["mine"] == [
        {
            "id": hand,
            "item_id": c.item_ids()[0],
            "topic": "",
            "state": "speaking",
            "requested_at": part["mine"][0]["requested_at"],
        }
    ]
    assert part["queues"][0]["waiting"] == 1 and part["list_open"] is True


def test_the_present_view_hears_the_floor_but_not_the_hands(room, socket_client):
    c, chair, attendee = room
    present = socket_client(c.moderator_token, view="present")
    amina = attendee("Amina")
    present.get_received()
    amina.emit("raise_hand", {"topic": "Private"}, callback=True)
    chair.emit("give_floor", {}, callback=True)
    events = events_of(present)
    assert [e["type"] for e in events] == ["floor_given"]
    assert "topic" not in events[0]["data"]
    ack = present.emit("raise_hand", {}, callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_speakers_commands_work_over_http(app, app_consultation):
    c = app_consultation
    client = app.test_client()
    headers = {"Authorization": f"Bearer {c.moderator_token}"}
    response = client.post(
        "/api/commands/set_speakers_ordering", json={"ordering": "balanced"}, headers=headers
    )
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    response = client.post(
        "/api/commands/set_speakers_ordering", json={"ordering": "loud"}, headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_ordering"
