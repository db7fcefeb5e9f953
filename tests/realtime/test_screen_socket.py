"""Socket.IO: the present view is told what to show, as chosen or as the action moves it."""

from server.core import tallies
from server.features.consultations import service as consultations
from tests.realtime.messages import envelopes, events_of

POLL = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}


def screen_pushes(client):
    return [
        m["args"][0]["data"]
        for m in client.get_received()
        if m["name"] == "state" and m["args"][0]["name"] == "screen"
    ]


def test_the_present_view_receives_the_moderators_choice(socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    present = socket_client(c.moderator_token, view="present")
    assert present.emit("sync", {}, callback=True)["snapshot"]["screen"] == {
        "subject": "join",
        "id": None,
        "follow": True,
        "closed": False,
    }
    present.get_received()
    ack = moderator.emit("show_on_screen", {"subject": "agenda"}, callback=True)
    assert ack["ok"] is True and ack["screen"]["subject"] == "agenda"
    (chosen,) = events_of(present)
    assert chosen["type"] == "screen_chosen"
    assert chosen["data"] == {"subject": "agenda", "id": None, "follow": False, "closed": False}


def test_a_poll_opened_takes_the_present_views_screen(app, socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    present = socket_client(c.moderator_token, view="present")
    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    tallies.flush(app.extensions["baraza"])
    present.get_received()
    ack = moderator.emit("create_poll", POLL, callback=True)
    assert [e["type"] for e in events_of(present)] == ["poll_opened"]
    tallies.flush(app.extensions["baraza"])
    (pushed,) = screen_pushes(present)
    assert pushed["subject"] == "poll" and pushed["id"] == ack["poll_id"]
    assert pushed["follow"] is True and pushed["seq"] >= 1


def test_a_bad_choice_is_answered_with_its_code(socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    attendee = socket_client(c.join_with_token()[1])
    ack = moderator.emit("show_on_screen", {"subject": "ceiling"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_screen_subject"
    ack = attendee.emit("show_on_screen", {"subject": "join"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_a_page_back_from_a_cut_asks_what_the_screen_shows(socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    present = socket_client(c.moderator_token, view="present")
    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    moderator.emit("create_poll", POLL, callback=True)
    ack = present.emit("current_screen", {}, callback=True)
    assert ack["ok"] is True
    assert (ack["screen"]["subject"], ack["screen"]["follow"]) == ("poll", True)
    assert ack["screen"]["seq"] == present.emit("sync", {}, callback=True)["snapshot"]["seq"]


def test_only_screens_and_staff_are_pushed_what_the_screen_shows(
    app, socket_client, app_consultation
):
    """Each push goes to a whole audience, and an attendee's phone shows no screen: an
    agenda move cost every attendee a second message (the bench's fan-out, 2 per action)."""
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    rapporteur = socket_client(consultations.claim_link(c.core, c.rapporteur_link, {}).token)
    present = socket_client(c.join_with_token()[1], view="present")
    attendee = socket_client(c.join_with_token()[1])
    tallies.flush(app.extensions["baraza"])
    for client in (moderator, rapporteur, present, attendee):
        client.get_received()

    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    tallies.flush(app.extensions["baraza"])

    for screen in (moderator, rapporteur, present):
        (pushed,) = screen_pushes(screen)
        assert pushed["subject"] == "agenda"
    received = attendee.get_received()
    assert "item_started" in [event["type"] for event in envelopes(received)]
    assert [m["args"][0]["name"] for m in received if m["name"] == "state"] == []
