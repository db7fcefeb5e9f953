"""Socket.IO: the present view is told what to show as it changes, by command or by action."""

from tests.realtime.messages import events_of


def screens(client):
    return [
        (e["data"]["subject"], e["data"]["follow"])
        for e in events_of(client)
        if e["type"] == "screen_shown"
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
    assert screens(present) == [("agenda", False)]


def test_a_poll_opened_reaches_the_present_view_with_the_screen_it_takes(
    socket_client, app_consultation
):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    present = socket_client(c.moderator_token, view="present")
    moderator.emit("start_item", {"item_id": c.item_ids()[0]}, callback=True)
    present.get_received()
    poll = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}
    assert moderator.emit("create_poll", poll, callback=True)["ok"] is True
    received = events_of(present)
    assert [e["type"] for e in received] == ["poll_opened", "screen_shown"]
    assert received[1]["data"]["id"] == received[0]["data"]["id"]


def test_a_bad_choice_is_answered_with_its_code(socket_client, app_consultation):
    c = app_consultation
    moderator = socket_client(c.moderator_token)
    attendee = socket_client(c.join_with_token()[1])
    ack = moderator.emit("show_on_screen", {"subject": "ceiling"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_screen_subject"
    ack = attendee.emit("show_on_screen", {"subject": "join"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
