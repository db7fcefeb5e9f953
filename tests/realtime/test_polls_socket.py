"""Polls over Socket.IO: commands, events per audience, coalesced result pushes."""

import pytest

from server.core import tallies
from tests.realtime.messages import envelopes

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No", "Unsure"]}


def received(client):
    """Everything the client got since last asked, by kind: event envelopes, pushes, notices."""
    messages = client.get_received()
    got = {"events": envelopes(messages), "state": [], "notice": []}
    for message in messages:
        if message["name"] != "events":
            got.setdefault(message["name"], []).append(message["args"][0])
    return got


def poll_pushes(got):
    return [push["data"] for push in got["state"] if push["name"] == "poll_results"]


@pytest.fixture
def room(app, socket_client, app_consultation):
    """A moderator, a rapporteur, two attendees and the present view, connected and quiet."""
    c = app_consultation
    rapporteur_token = _claim(app, c.rapporteur_link)
    people = {
        "moderator": socket_client(c.moderator_token),
        "rapporteur": socket_client(rapporteur_token),
        "amina": socket_client(c.join_with_token(stakeholder_group="academia", country="NG")[1]),
        "kofi": socket_client(c.join_with_token(stakeholder_group="government", country="GH")[1]),
        "present": socket_client(c.moderator_token, view="present"),
    }
    app.extensions["baraza"].tallies.dirty.take()  # the arrivals' presence is not counted here
    for client in people.values():
        client.get_received()
    return people


def _claim(app, link):
    response = app.test_client().post("/api/links/claim", json={"link": link})
    return response.json["token"]


def flush(app):
    return tallies.flush(app.extensions["baraza"])


def open_poll(room, **fields):
    ack = room["moderator"].emit("create_poll", {**CHOICES, **fields, "open": True}, callback=True)
    assert ack["ok"] is True, ack
    for client in room.values():
        client.get_received()
    return ack["poll_id"]


def test_a_poll_opened_live_reaches_every_screen(room):
    ack = room["moderator"].emit("create_poll", {**CHOICES, "open": True}, callback=True)
    assert ack == {"ok": True, "poll_id": ack["poll_id"]}
    for name in ("amina", "present"):
        assert [e["type"] for e in received(room[name])["events"]] == ["poll_opened"]
    staff_seen = [e["type"] for e in received(room["rapporteur"])["events"]]
    assert staff_seen == ["poll_created", "poll_opened"]


def test_a_draft_reaches_staff_only(room):
    ack = room["moderator"].emit("create_poll", CHOICES, callback=True)
    assert ack["ok"] is True
    assert received(room["amina"])["events"] == []
    assert received(room["present"])["events"] == []
    assert [e["type"] for e in received(room["rapporteur"])["events"]] == ["poll_created"]


def test_a_ballot_is_acknowledged_and_logged_quietly_without_its_content(room):
    poll_id = open_poll(room)
    ack = room["amina"].emit("cast_ballot", {"poll_id": poll_id, "answer": 2}, callback=True)
    assert ack == {"ok": True, "poll_id": poll_id, "answer": 2, "changed": False}
    mine = received(room["amina"])
    assert mine["events"] == [] and mine["notice"] == []  # no other page to tell
    assert received(room["rapporteur"])["events"] == []  # counts come as tallies
    assert received(room["kofi"])["events"] == []

    close = room["moderator"].emit("close_poll", {"poll_id": poll_id}, callback=True)
    assert close["ok"] is True
    (closed,) = received(room["rapporteur"])["events"]
    assert closed["type"] == "poll_closed"
    assert closed["prev"] == closed["seq"] - 2  # past the quiet ballot: no gap, no resync
    since = closed["seq"] - 2
    replay = room["rapporteur"].emit("sync", {"since": since}, callback=True)["events"]
    assert [(e["type"], e["data"]) for e in replay] == [
        ("ballot_cast", {"poll_id": poll_id, "changed": False}),
        ("poll_closed", closed["data"]),
    ]


def test_a_voters_other_pages_hear_of_their_ballot(room, socket_client, app_consultation):
    token = app_consultation.join_with_token()[1]
    phone, laptop = socket_client(token), socket_client(token)
    poll_id = open_poll(room)
    phone.get_received(), laptop.get_received()

    ack = phone.emit("cast_ballot", {"poll_id": poll_id, "answer": 1}, callback=True)

    assert ack["ok"] is True
    notice = {"kind": "ballot_recorded", "data": {"poll_id": poll_id, "answer": 1}}
    assert received(laptop)["notice"] == [notice]
    assert received(room["kofi"])["notice"] == []


def test_live_results_are_pushed_coalesced_not_per_ballot(app, room):
    poll_id = open_poll(room)
    flush(app)
    for client in room.values():
        client.get_received()
    for client, answer in ((room["amina"], 0), (room["kofi"], 1)):
        client.emit("cast_ballot", {"poll_id": poll_id, "answer": answer}, callback=True)
    room["amina"].emit("cast_ballot", {"poll_id": poll_id, "answer": 1}, callback=True)
    flush(app)
    (public,) = poll_pushes(received(room["present"]))
    assert [row["value"] for row in public["rows"]] == [0, 2, 0]
    assert public["voters"] == 2 and "breakdown" not in public
    (staff,) = poll_pushes(received(room["moderator"]))
    assert {g["key"] for g in staff["breakdown"]["stakeholder_group"]} == {"academia", "government"}
    assert flush(app) == 0  # nothing new, nothing sent


def test_after_close_results_reach_no_attendee_and_no_present_view_before_close(app, room):
    poll_id = open_poll(room, visibility="after_close")
    for name in ("amina", "kofi"):
        room[name].emit("cast_ballot", {"poll_id": poll_id, "answer": 0}, callback=True)
    flush(app)
    for name in ("amina", "kofi", "present"):
        got = received(room[name])
        assert poll_pushes(got) == []
        assert got["events"] == []
        sync = room[name].emit("sync", {}, callback=True)["snapshot"]["polls"]
        assert sync["results"] == {}
    for name in ("moderator", "rapporteur"):
        (staff,) = poll_pushes(received(room[name]))
        assert staff["voters"] == 2

    room["moderator"].emit("close_poll", {"poll_id": poll_id}, callback=True)
    for name in ("amina", "present"):
        (closed,) = received(room[name])["events"]
        assert closed["type"] == "poll_closed"
        assert [row["value"] for row in closed["data"]["results"]["rows"]] == [2, 0, 0]
        assert "breakdown" not in closed["data"]["results"]


def test_moderators_only_results_reach_no_attendee_even_at_close(app, room):
    poll_id = open_poll(room, visibility="moderators")
    room["kofi"].emit("cast_ballot", {"poll_id": poll_id, "answer": 1}, callback=True)
    flush(app)
    room["moderator"].emit("close_poll", {"poll_id": poll_id}, callback=True)
    flush(app)
    for name in ("amina", "kofi", "present"):
        got = received(room[name])
        assert poll_pushes(got) == []
        (closed,) = [e for e in got["events"] if e["type"] == "poll_closed"]
        assert closed["data"]["results"] is None
        assert closed["data"]["poll"]["state"] == "closed"
        assert room[name].emit("sync", {}, callback=True)["snapshot"]["polls"]["results"] == {}
    staff = received(room["rapporteur"])
    (closed,) = [e for e in staff["events"] if e["type"] == "poll_closed"]
    assert closed["data"]["results"]["voters"] == 1
    assert poll_pushes(staff)[-1]["voters"] == 1


def test_a_hidden_result_does_not_leak_through_the_http_api(app, app_consultation):
    c = app_consultation
    client = app.test_client()
    staff = {"Authorization": f"Bearer {c.moderator_token}"}
    poll = {**CHOICES, "open": True, "visibility": "after_close"}
    poll_id = client.post("/api/commands/create_poll", json=poll, headers=staff).json["poll_id"]
    _, token = c.join_with_token()
    mine = {"Authorization": f"Bearer {token}"}
    ack = client.post(
        "/api/commands/cast_ballot", json={"poll_id": poll_id, "answer": 1}, headers=mine
    )
    assert ack.json == {"ok": True, "poll_id": poll_id, "answer": 1, "changed": False}
    seen = client.get("/api/snapshot", headers=mine).json["snapshot"]["polls"]
    assert seen["results"] == {} and seen["my_ballots"] == {str(poll_id): 1}
    assert client.get("/api/snapshot", headers=staff).json["snapshot"]["polls"]["results"]


@pytest.mark.parametrize(
    ("fields", "answer", "code"),
    [
        ({}, 9, "unknown_option"),
        ({"type": "multiple", "max_choices": 1}, [0, 2], "too_many_choices"),
        ({"type": "rating", "options": None}, 0, "rating_out_of_range"),
        ({"type": "ranking"}, [1, 2], "invalid_ranking"),
        ({"type": "word_cloud", "options": None}, ["x" * 41], "answer_too_long"),
        ({"type": "open_text", "options": None}, "   ", "empty_answer"),
    ],
)
def test_a_bad_ballot_gets_its_own_code_and_the_connection_stays_up(room, fields, answer, code):
    poll_id = open_poll(room, **fields)
    ack = room["amina"].emit("cast_ballot", {"poll_id": poll_id, "answer": answer}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    assert room["amina"].is_connected()
    assert received(room["rapporteur"])["events"] == []


@pytest.mark.parametrize(
    ("command", "payload", "code"),
    [
        ("create_poll", {**CHOICES, "options": ["a"]}, "invalid_poll_options"),
        ("create_poll", {**CHOICES, "options": ["a", "A"]}, "invalid_poll_options"),
        ("create_poll", {**CHOICES, "open": "yes"}, "invalid_open"),
        ("open_poll", {"poll_id": 10**9}, "unknown_poll"),
        ("open_poll", {"poll_id": 10**20}, "unknown_poll"),
        ("show_poll_answer", {"poll_id": 1, "answer_id": 2**63}, "unknown_poll"),
        ("close_poll", {"poll_id": None}, "unknown_poll"),
        ("show_poll_answer", {"poll_id": "x", "answer_id": 1}, "unknown_poll"),
        ("update_poll", {"poll_id": 10**9, **CHOICES}, "unknown_poll"),
    ],
)
def test_a_bad_poll_command_gets_its_own_code(room, command, payload, code):
    ack = room["moderator"].emit(command, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code


def test_a_closed_poll_refuses_ballots_over_the_socket(room):
    poll_id = open_poll(room)
    room["moderator"].emit("close_poll", {"poll_id": poll_id}, callback=True)
    ack = room["kofi"].emit("cast_ballot", {"poll_id": poll_id, "answer": 0}, callback=True)
    assert ack["error"]["code"] == "poll_not_open"


def test_an_attendee_cannot_run_a_poll(room):
    ack = room["amina"].emit("create_poll", CHOICES, callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_an_excluded_word_leaves_the_present_view_live_and_staff_hear_why(app, room):
    poll_id = open_poll(room, type="word_cloud", options=None)
    room["amina"].emit("cast_ballot", {"poll_id": poll_id, "answer": ["trust"]}, callback=True)
    room["kofi"].emit("cast_ballot", {"poll_id": poll_id, "answer": ["slur"]}, callback=True)
    flush(app)
    (staff,) = poll_pushes(received(room["moderator"]))
    offending = next(a["id"] for a in staff["answers"] if a["words"] == ["slur"])
    for client in room.values():
        client.get_received()

    payload = {"poll_id": poll_id, "answer_id": offending}
    assert room["moderator"].emit("exclude_poll_answer", payload, callback=True) == {"ok": True}
    flush(app)

    present = received(room["present"])
    assert [row["label"] for row in poll_pushes(present)[-1]["rows"]] == ["trust"]
    assert [e["type"] for e in present["events"]] == []
    rapporteur = received(room["rapporteur"])
    assert [e["type"] for e in rapporteur["events"]] == ["poll_answer_excluded"]
    refused = room["amina"].emit("include_poll_answer", payload, callback=True)
    assert refused["error"]["code"] == "forbidden"
