"""Pacing: an audience's first message goes at once, what follows within the window as one."""

import threading
import time
from dataclasses import replace

import pytest

from server.app import create_app
from server.core.emitter import Pacer
from server.core.socket import socketio

WINDOW = 0.4


class PacerClock:
    """Seconds that pass only when the test says so; a pacer sleeping on it wakes then."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._moved = threading.Condition()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._moved:
            self.now += seconds
            self._moved.notify_all()

    def sleep(self, _seconds: float) -> None:
        """Wait for the clock to move (the pacer checks it again); a moment at most, in
        case it moved between the pacer's reading and this call."""
        with self._moved:
            self._moved.wait(timeout=0.05)


@pytest.fixture
def clock():
    return PacerClock()


@pytest.fixture
def paced(app, app_consultation, clock):
    """The application with a pacing window on `clock`, and a way to connect to it."""
    paced_app = create_app(replace(app.config["BARAZA"], event_window=WINDOW))
    paced_app.extensions["baraza"].pacer = Pacer(WINDOW, clock=clock, sleep=clock.sleep)
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


def next_events_messages(client, timeout=5.0):
    """The `events` messages the client gets next (sent by the pacer's own thread)."""
    deadline = time.monotonic() + timeout
    while not (messages := events_messages(client)) and time.monotonic() < deadline:
        threading.Event().wait(0.005)
    return messages


def command(client, name, **payload):
    ack = client.emit(name, payload, callback=True)
    assert ack["ok"] is True, ack
    return ack


def asking(paced, c, clock, askers):
    """A moderator and a watching attendee, once `askers` attendees have asked at once
    (questions post-moderated, the arrivals' own messages out of the window)."""
    moderator, watcher = paced(c.moderator_token), paced(c.join_with_token()[1])
    command(moderator, "set_question_settings", moderation="post", min_interval_seconds=0)
    crowd = [paced(c.join_with_token()[1]) for _ in range(askers)]
    clock.advance(WINDOW)
    events_messages(watcher)
    for index, asker in enumerate(crowd):
        command(asker, "ask_question", text=f"Question number {index}?")
    return moderator, watcher


def test_a_command_after_a_quiet_window_reaches_everyone_at_once(paced, app_consultation, clock):
    c = app_consultation
    moderator, attendee = paced(c.moderator_token), paced(c.join_with_token()[1])
    clock.advance(WINDOW)  # the arrivals' own messages are out of the window

    command(moderator, "next_item")

    assert events_messages(attendee) == [["consultation_started", "item_started"]]


def test_a_burst_reaches_each_attendee_as_one_message_per_window_in_seq_order(
    paced, app_consultation, clock
):
    _, watcher = asking(paced, app_consultation, clock, askers=6)
    first = events_messages(watcher)
    clock.advance(WINDOW / 2)
    held = events_messages(watcher)
    clock.advance(WINDOW / 2)
    rest = next_events_messages(watcher)

    assert first == [["question_asked"]]
    assert held == []
    assert rest == [["question_asked"] * 5]
    seqs = [e["seq"] for e in watcher.get_received()]  # nothing more came
    assert seqs == []


def test_a_moderators_action_is_not_held_and_takes_the_held_questions_along(
    paced, app_consultation, clock
):
    """The window paces the crowd's own commands; staff's go at once, after what the
    window held, as one message in seq order, and the window's end then sends nothing."""
    moderator, watcher = asking(paced, app_consultation, clock, askers=3)
    first = events_messages(watcher)
    command(moderator, "next_item")
    at_once = events_messages(watcher)
    clock.advance(WINDOW)
    after = next_events_messages(watcher, timeout=0.3)

    assert first == [["question_asked"]]
    assert at_once == [["question_asked"] * 2 + ["consultation_started", "item_started"]]
    assert after == []
