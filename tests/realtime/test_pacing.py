"""Pacing: an audience's first message goes at once, what follows within the window as one."""

import time
from dataclasses import replace

import pytest

from server.app import create_app
from server.core.socket import socketio

WINDOW = 0.4


@pytest.fixture
def paced(app, app_consultation):
    """The application with a pacing window, and a way to connect to it."""
    paced_app = create_app(replace(app.config["BARAZA"], event_window=WINDOW))
    clients = []

    def connect(token):
        client = socketio.test_client(paced_app, auth={"token": token})
        clients.append(client)
        client.get_received()
        return client

    yield connect
    for client in clients:
        client.disconnect()


def events_messages(client):
    """Each `events` message the client got, as the list of its event types."""
    return [
        [e["type"] for e in m["args"][0]] for m in client.get_received() if m["name"] == "events"
    ]


def command(client, name, **payload):
    ack = client.emit(name, payload, callback=True)
    assert ack["ok"] is True, ack
    return ack


def test_a_command_after_a_quiet_window_reaches_everyone_at_once(paced, app_consultation):
    c = app_consultation
    moderator, attendee = paced(c.moderator_token), paced(c.join_with_token()[1])
    time.sleep(WINDOW)  # the arrivals' own messages are out of the window

    command(moderator, "next_item")

    assert events_messages(attendee) == [["consultation_started", "item_started"]]


def test_a_burst_reaches_each_attendee_as_one_message_per_window_in_seq_order(
    paced, app_consultation
):
    c = app_consultation
    moderator, watcher = paced(c.moderator_token), paced(c.join_with_token()[1])
    command(moderator, "set_question_settings", moderation="post", min_interval_seconds=0)
    askers = [paced(c.join_with_token()[1]) for _ in range(6)]
    time.sleep(WINDOW)
    events_messages(watcher)

    for index, asker in enumerate(askers):
        command(asker, "ask_question", text=f"Question number {index}?")
    first = events_messages(watcher)
    time.sleep(WINDOW * 1.5)
    rest = events_messages(watcher)

    assert first == [["question_asked"]]
    assert rest == [["question_asked"] * 5]
    seqs = [e["seq"] for e in watcher.get_received()]  # nothing more came
    assert seqs == []
