"""The real thing: `python -m server` under eventlet and gevent, driven by python-socketio."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
import socketio

from tests.realtime.servers import start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The default (eventlet) and the alternative: nothing may depend on eventlet alone."""
    running = start_server(tmp_path_factory.mktemp(f"{request.param}-server"), request.param)
    yield running
    running.stop()


class Person:
    """A python-socketio client that keeps what it receives."""

    def __init__(self, url: str, token: str) -> None:
        self.events: list[dict] = []
        self.arrived = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("events", self._on_events)
        self.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _on_events(self, envelopes: list[dict]) -> None:
        self.events.extend(envelopes)
        self.arrived.set()

    def call(self, name: str, payload: dict | None = None) -> dict:
        return self.client.call(name, payload or {}, timeout=10)

    def wait_for(self, kind: str, timeout: float = 10) -> dict:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope in self.events:
                if envelope["type"] == kind:
                    return envelope
            self.arrived.wait(0.1)
            self.arrived.clear()
        raise AssertionError(f"no {kind} event; got {[e['type'] for e in self.events]}")


def claim(url: str, link: str) -> str:
    response = requests.post(f"{url}/api/links/claim", json={"link": link, "display_name": "Chair"})
    return response.json()["token"]


def join(url: str, code: str, name: str) -> str:
    response = requests.post(f"{url}/api/consultations/{code}/join", json={"display_name": name})
    return response.json()["token"]


def test_the_demo_is_seeded_and_its_links_printed(server):
    assert {"moderator", "rapporteur", "join_code"} <= server.links.keys()
    info = requests.get(f"{server.url}/api/consultations/{server.links['join_code']}").json()
    assert info["consultation"]["time_zone"] == "Africa/Lagos"
    assert info["consultation"]["planned_minutes"] == 90


def test_moderator_and_attendee_show_the_same_item_and_timer(server):
    moderator = Person(server.url, claim(server.url, server.links["moderator"]))
    attendee = Person(server.url, join(server.url, server.links["join_code"], "Amina"))
    try:
        first = moderator.call("sync")["snapshot"]["agenda"]["items"][0]
        assert moderator.call("start_item", {"item_id": first["id"]}) == {"ok": True}
        started = attendee.wait_for("item_started")["data"]
        assert started["title"] == "Opening and welcome"
        ours = moderator.call("sync")["snapshot"]
        theirs = attendee.call("sync")["snapshot"]
        assert ours["agenda"]["active_item_id"] == theirs["agenda"]["active_item_id"] == first["id"]
        assert ours["agenda"]["items"][0]["run_started_at"] == started["run_started_at"]
        assert (
            abs(ours["agenda"]["items"][0]["elapsed"] - theirs["agenda"]["items"][0]["elapsed"])
            <= 1
        )
    finally:
        moderator.client.disconnect()
        attendee.client.disconnect()


def test_pages_and_the_socketio_client_are_served_from_static(server):
    code = server.links["join_code"]
    assert requests.get(f"{server.url}/j/{code}").ok
    script = requests.get(f"{server.url}/static/vendor/socket.io.esm.min.js")
    assert script.ok and "io" in script.text


def test_the_server_log_does_not_contain_secret_tokens(server, tmp_path: Path):
    token = join(server.url, server.links["join_code"], "Kofi")
    Person(server.url, token).client.disconnect()
    assert token not in server.output.read_text()
