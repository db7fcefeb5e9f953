"""Notes over Socket.IO: a rapporteur saves as they type, staff hear it, attendees never."""

from tests.realtime.messages import events_of


def _rapporteur_token(app, c):
    return (
        app.test_client().post("/api/links/claim", json={"link": c.rapporteur_link}).json["token"]
    )


def test_a_saved_note_is_acknowledged_and_reaches_staff_only(app, socket_client, app_consultation):
    c = app_consultation
    writer = socket_client(_rapporteur_token(app, c))
    moderator = socket_client(c.moderator_token)
    attendee = socket_client(c.join_with_token()[1])
    for client in (writer, moderator, attendee):
        client.get_received()
    item = c.item_ids()[0]
    ack = writer.emit(
        "save_note", {"item_id": item, "text": "Opening", "revision": 1}, callback=True
    )
    assert ack["ok"] is True and ack["revision"] == 1 and ack["logged"] is True
    (heard,) = [e for e in events_of(moderator) if e["type"] == "note_saved"]
    assert heard["data"]["text"] == "Opening" and heard["data"]["item_id"] == item
    assert events_of(attendee) == []


def test_the_rapporteurs_snapshot_holds_notes_and_attendance(app, socket_client, app_consultation):
    c = app_consultation
    c.join(display_name="Amina")
    writer = socket_client(_rapporteur_token(app, c))
    writer.emit("save_note", {"item_id": None, "text": "General", "revision": 3}, callback=True)
    snap = writer.emit("sync", {}, callback=True)["snapshot"]
    assert snap["notes"]["items"][0]["text"] == "General"
    assert snap["notes"]["items"][0]["client_revision"] == 3
    assert snap["attendance"]["joined"] == 1
    assert snap["attendance"]["peak"] >= 1
    attendee = socket_client(c.join_with_token()[1])
    theirs = attendee.emit("sync", {}, callback=True)["snapshot"]
    assert "notes" not in theirs and "attendance" not in theirs


def test_a_bad_save_gets_its_own_code_and_the_draft_is_not_lost(
    app, socket_client, app_consultation
):
    writer = socket_client(_rapporteur_token(app, app_consultation))
    writer.emit("save_note", {"item_id": None, "text": "Kept", "revision": 5}, callback=True)
    stale = writer.emit("save_note", {"item_id": None, "text": "Old", "revision": 4}, callback=True)
    assert stale["ok"] is False and stale["error"]["code"] == "stale_note"
    bad = writer.emit("save_note", {"item_id": "x", "text": "?", "revision": 6}, callback=True)
    assert bad["error"]["code"] == "unknown_item"
    snap = writer.emit("sync", {}, callback=True)["snapshot"]
    assert snap["notes"]["items"][0]["text"] == "Kept"


def test_a_moderator_cannot_write_notes_over_http(app, app_consultation):
    response = app.test_client().post(
        "/api/commands/save_note",
        json={"item_id": None, "text": "Mine", "revision": 1},
        headers={"Authorization": f"Bearer {app_consultation.moderator_token}"},
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
