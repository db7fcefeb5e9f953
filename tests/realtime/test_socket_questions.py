"""The question queue over Socket.IO (and HTTP): who hears what, tallies, catching up."""

from __future__ import annotations

import json

import pytest

from server.core import tallies
from tests.realtime.messages import envelopes

# People joining and arriving is staff news of its own, not the queue's.
PRESENCE = ("participant_joined", "participant_arrived", "participant_left")


def received(client, kind="events"):
    """What `client` was sent since last asked: queue events, notices or state pushes."""
    return events(client.get_received(), kind)


def events(messages, kind="events"):
    if kind == "events":
        return [e for e in envelopes(messages) if e["type"] not in PRESENCE]
    return [m["args"][0] for m in messages if m["name"] == kind]


class Room:
    """A consultation with a moderator and a rapporteur connected, and attendees on demand."""

    def __init__(self, socket_client, consultation):
        self.c = consultation
        self.connect = socket_client
        self.moderator = socket_client(consultation.moderator_token)
        self.rapporteur = socket_client(_rapporteur_token(consultation))
        self.ok(self.moderator, "set_question_settings", min_interval_seconds=0)
        self.moderator.get_received()
        self.rapporteur.get_received()

    def attendee(self, name=""):
        _, token = self.c.join_with_token(display_name=name)
        client = self.connect(token)
        client.get_received()
        return client

    def call(self, client, name, **payload):
        return client.emit(name, payload, callback=True)

    def ok(self, client, name, **payload):
        ack = self.call(client, name, **payload)
        assert ack["ok"] is True, ack
        return ack


@pytest.fixture
def room(socket_client, app_consultation):
    return Room(socket_client, app_consultation)


def _rapporteur_token(c):
    from server.features.consultations import service as consultations

    return consultations.claim_link(c.core, c.rapporteur_link, {}).token


def ask(room, client, text="What is the timeline for ratification?", **options):
    return room.ok(client, "ask_question", text=text, **options)["question"]["id"]


def test_a_pending_question_reaches_moderators_only(room):
    asker, watcher = room.attendee("Amina"), room.attendee()
    ack = room.ok(asker, "ask_question", text="Who coordinates?")
    assert ack["question"]["state"] == "pending" and len(ack["receipt"]) > 30
    (event,) = received(room.moderator)
    assert event["type"] == "question_asked"
    assert event["data"]["question"]["author"]["display_name"] == "Amina"
    assert received(watcher) == []
    assert received(room.rapporteur)[0]["data"]["question"] == {
        "id": ack["question"]["id"],
        "state": "pending",
    }


def test_approval_reaches_every_attendee_without_an_anonymous_author(room):
    asker, watcher = room.attendee("Zanele Mokoena"), room.attendee()
    question_id = ask(room, asker, "Is the helpline free?", anonymous=True)
    room.moderator.get_received()
    room.ok(room.moderator, "approve_question", question_id=question_id)
    (event,) = received(watcher)
    assert event["type"] == "question_approved"
    assert event["data"]["question"]["author"] is None
    assert event["data"]["question"]["anonymous"] is True
    asked, staff = received(room.rapporteur)
    assert asked["data"]["question"] == {"id": question_id, "state": "pending"}
    assert staff["data"]["question"]["author"] is None
    (moderator,) = received(room.moderator)
    assert moderator["data"]["question"]["author"]["display_name"] == "Zanele Mokoena"
    for client in (watcher, room.rapporteur):
        snap = room.ok(client, "sync")["snapshot"]
        assert "Zanele Mokoena" not in json.dumps(snap["questions"])


def test_votes_reach_attendees_as_a_coalesced_tally_not_one_message_per_vote(app, room):
    question_id = ask(room, room.attendee())
    room.ok(room.moderator, "approve_question", question_id=question_id)
    voters = [room.attendee() for _ in range(5)]
    watcher = room.attendee()
    room.moderator.get_received()
    app.extensions["baraza"].tallies.dirty.take()  # only this test's marks below
    for voter in voters:
        assert room.ok(voter, "vote_question", question_id=question_id)["voted"] is True
    messages = watcher.get_received()
    assert events(messages) == []
    assert tallies.flush(app.extensions["baraza"]) == 1
    pushes = [m["args"][0] for m in watcher.get_received() if m["name"] == "state"]
    assert pushes == [{"name": "question_votes", "data": {"counts": {str(question_id): 5}}}]
    assert received(room.moderator) == []  # each vote is logged quietly


def test_a_double_vote_and_a_vote_for_ones_own_question_are_refused(room):
    asker, voter = room.attendee(), room.attendee()
    question_id = ask(room, asker)
    room.ok(room.moderator, "approve_question", question_id=question_id)
    room.ok(voter, "vote_question", question_id=question_id)
    again = room.call(voter, "vote_question", question_id=question_id)
    own = room.call(asker, "vote_question", question_id=question_id)
    assert (again["error"]["code"], own["error"]["code"]) == ("already_voted", "own_question")
    assert own["error"]["message"]


@pytest.mark.parametrize(
    "text",
    [
        '<script>document.title="pwned"</script>',
        "<b onmouseover=alert(1)>bold</b>",
        "\u202eevil\u202c \u200bhidden",
    ],
)
def test_an_xss_payload_comes_back_as_the_text_it_is(room, text):
    asker = room.attendee()
    ack = room.ok(asker, "ask_question", text=text)
    assert ack["question"]["text"] == text
    room.ok(room.moderator, "approve_question", question_id=ack["question"]["id"])
    snap = room.ok(room.attendee(), "sync")["snapshot"]
    assert snap["questions"]["list"][0]["text"] == text


def test_the_author_is_told_why_their_question_was_dismissed(room):
    asker = room.attendee()
    question_id = ask(room, asker)
    room.ok(room.moderator, "dismiss_question", question_id=question_id, reason="Asked already")
    (notice,) = received(asker, "notice")
    assert notice["kind"] == "my_question"
    assert notice["data"]["question"]["dismiss_reason"] == "Asked already"
    mine = room.ok(asker, "sync")["snapshot"]["questions"]["mine"]
    assert mine[0]["dismiss_reason"] == "Asked already"


def test_a_fully_anonymous_author_finds_their_questions_by_receipt(room):
    room.ok(room.moderator, "set_question_settings", anonymity="full")
    asker = room.attendee("Hidden Person")
    ack = room.ok(asker, "ask_question", text="Off the record?", anonymous=True)
    assert room.ok(asker, "sync")["snapshot"]["questions"]["mine"] == []
    found = room.ok(asker, "my_questions", receipts=[ack["receipt"]])["questions"]
    assert [q["text"] for q in found] == ["Off the record?"]
    assert room.call(asker, "my_questions", receipts="x")["error"]["code"] == "invalid_receipts"
    assert "Hidden Person" not in json.dumps(received(room.moderator))


def test_asking_too_fast_and_after_a_ban_get_clear_errors(room):
    room.ok(room.moderator, "set_question_settings", min_interval_seconds=15)
    asker = room.attendee()
    ask(room, asker, "First")
    too_fast = room.call(asker, "ask_question", text="Second")
    assert too_fast["error"]["code"] == "asking_too_fast"
    assert "seconds" in too_fast["error"]["message"]
    me = room.ok(asker, "sync")["snapshot"]["me"]["participant_id"]
    room.ok(room.moderator, "ban_participant", participant_id=me)
    assert room.call(asker, "ask_question", text="Third")["error"]["code"] == "banned"
    assert room.ok(room.moderator, "sync")["snapshot"]["questions"]["list"] == []


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("ask_question", {"text": ""}, "empty_question"),
        ("ask_question", {"text": "x" * 501}, "question_too_long"),
        ("ask_question", {"text": "Hi", "item_id": "first"}, "unknown_item"),
        ("ask_question", {"text": "Hi", "anonymous": "yes"}, "invalid_anonymous"),
        ("vote_question", {"question_id": 10**6}, "unknown_question"),
        ("vote_question", {}, "unknown_question"),
        ("approve_question", {"question_id": 1}, "forbidden"),
        ("ask_question", ["text"], "invalid_payload"),
    ],
)
def test_bad_input_from_an_attendee_has_its_own_code(room, name, payload, code):
    attendee = room.attendee()
    ack = attendee.emit(name, payload, callback=True)
    assert (ack["ok"], ack["error"]["code"]) == (False, code)
    assert attendee.is_connected()


def apply(questions, envelope):
    """What a page does with each event: keep the public queue up to date."""
    data = envelope["data"]
    kind = envelope["type"]
    if kind in ("question_dismissed", "question_archived"):
        questions.pop(data["question"]["id"], None)
    elif kind == "questions_merged":
        questions.pop(data["question"]["id"], None)
        questions[data["into"]["id"]] = data["into"]
    elif kind == "question_unpinned":
        questions[data["question_id"]]["pinned"] = False
    elif "question" in data:
        if kind == "question_pinned" and data["previous_id"] in questions:
            questions[data["previous_id"]]["pinned"] = False
        questions[data["question"]["id"]] = data["question"]


def without_votes(views):
    return {view["id"]: {k: v for k, v in view.items() if k != "votes"} for view in views}


def test_a_reconnecting_attendee_catches_up_every_change_it_missed(room, socket_client):
    c = room.c
    _, token = c.join_with_token()
    first = socket_client(token)
    snap = room.ok(first, "sync")["snapshot"]
    held = without_votes(snap["questions"]["list"])
    seq = snap["seq"]
    first.disconnect()

    asker, voter = room.attendee("Kofi"), room.attendee()
    a, b, d = (ask(room, asker, text) for text in ("Alpha", "Beta", "Delta"))
    room.ok(room.moderator, "approve_questions", question_ids=[a, b, d])
    room.ok(room.moderator, "edit_question", question_id=a, text="Alpha (edited)")
    room.ok(voter, "vote_question", question_id=b)
    room.ok(room.moderator, "pin_question", question_id=a)
    room.ok(room.moderator, "merge_questions", question_id=d, into_id=b)
    room.ok(room.moderator, "answer_question", question_id=a, answer="Yes, next year.")
    room.ok(room.moderator, "set_question_settings", moderation="post")
    e = ask(room, asker, "Epsilon, live at once")
    room.ok(room.moderator, "pin_question", question_id=e)
    room.ok(room.moderator, "dismiss_question", question_id=e, reason="")
    room.ok(room.moderator, "close_questions")

    again = socket_client(token)
    ack = room.ok(again, "sync", since=seq)
    for envelope in ack["events"]:
        apply(held, envelope)
    fresh = room.ok(again, "sync")["snapshot"]
    assert held == without_votes(fresh["questions"]["list"])
    assert fresh["questions"]["settings"]["open"] is False
    assert [e["type"] for e in ack["events"]][-1] == "questions_closed"
    counts = room.ok(again, "question_counts")["counts"]
    assert counts == {str(a): 0, str(b): 1}


def test_the_http_api_answers_like_the_socket_and_leaks_no_anonymous_author(app, room):
    client = app.test_client()
    _, token = room.c.join_with_token(display_name="Private Person")
    auth = {"Authorization": f"Bearer {token}"}
    asked = client.post(
        "/api/commands/ask_question", json={"text": "Via HTTP", "anonymous": True}, headers=auth
    )
    assert asked.status_code == 200 and asked.json["question"]["text"] == "Via HTTP"
    room.ok(room.moderator, "approve_question", question_id=asked.json["question"]["id"])
    _, other = room.c.join_with_token()
    for reader in (other, _rapporteur_token(room.c)):
        snap = client.get("/api/snapshot", headers={"Authorization": f"Bearer {reader}"}).json
        assert snap["snapshot"]["questions"]["list"][0]["text"] == "Via HTTP"
        assert "Private Person" not in json.dumps(snap["snapshot"]["questions"])
    refused = client.post("/api/commands/vote_question", json={"question_id": 0}, headers=auth)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "unknown_question"
