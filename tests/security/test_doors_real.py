"""Doors locked on a real server (`python -m server`, eventlet): origins, sizes, floods, logs."""

from __future__ import annotations

import statistics
import threading
import time

import pytest
import requests
import socketio

from tests.realtime.servers import start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    running = start_server(tmp_path_factory.mktemp("doors"))
    yield running
    running.stop()


@pytest.fixture
def connect(server):
    """Factory: a python-socketio client with the token, sending `origin`."""
    clients: list[socketio.Client] = []

    def open_client(token: str, origin: str | None = None) -> socketio.Client:
        client = socketio.Client(
            reconnection=False, websocket_extra_options={"origin": origin or server.url}
        )
        clients.append(client)
        client.connect(server.url, auth={"token": token}, transports=["websocket"])
        return client

    yield open_client
    for client in clients:
        client.disconnect()


def join(server, name: str = "") -> str:
    code = server.links["join_code"]
    response = requests.post(
        f"{server.url}/api/consultations/{code}/join", json={"display_name": name}, timeout=10
    )
    return response.json()["token"]


def test_a_foreign_origin_cannot_open_a_socket(server, connect):
    token = join(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(token, origin="http://evil.example")
    polling = f"{server.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(polling, headers={"Origin": "http://evil.example"}).status_code == 400
    assert requests.get(polling, headers={"Origin": server.url}).status_code == 200
    assert connect(token).connected


def test_a_message_over_16_kb_closes_that_connection_and_nothing_else(server, connect):
    token = join(server)
    bystander = connect(token)
    sender = connect(token)
    closed = threading.Event()
    sender.on("disconnect", lambda *_: closed.set())
    websocket = sender.eio.ws
    sender.emit("add_item", {"title": "x" * 20_000, "minutes": 5})
    assert closed.wait(10)
    websocket.shutdown()  # the client library leaves the closed socket open
    assert bystander.call("sync", {}, timeout=10)["ok"] is True
    assert requests.get(f"{server.url}/api/health", timeout=5).ok


def round_trips(client: socketio.Client, count: int) -> list[float]:
    """Seconds each of `count` snapshots takes, asked for at a person's pace (within its rate)."""
    times = []
    for _ in range(count):
        started = time.perf_counter()
        assert client.call("sync", {}, timeout=10)["ok"] is True
        times.append(time.perf_counter() - started)
        time.sleep(0.15)
    return times


def test_a_flood_from_one_connection_is_refused_and_does_not_slow_others(server, connect):
    calm = connect(join(server, "Calm"))
    flooder = connect(join(server, "Flood"))
    before = round_trips(calm, 12)

    codes: list[str] = []
    flooder.on("*", lambda *_: None)
    flood_done = threading.Event()

    answered: list[float] = []

    def refused(ack: dict) -> None:
        codes.append(ack.get("error", {}).get("code"))
        answered.append(time.monotonic())

    def flood() -> None:
        for _ in range(1500):
            flooder.emit("sync", {}, callback=refused)
        flood_done.set()

    thread = threading.Thread(target=flood)
    flood_started = time.monotonic()
    thread.start()
    during = round_trips(calm, 12)
    thread.join()
    deadline = time.monotonic() + 20
    while len(codes) < 1500 and time.monotonic() < deadline:
        time.sleep(0.1)

    assert len(codes) == 1500
    # A burst of 30, then 10 a second while the flood is being answered (the server
    # takes one connection's messages in turn with everyone else's).
    assert 1500 - codes.count("rate_limited") <= 30 + 10 * (answered[-1] - flood_started) + 1
    typical_before, typical_during = statistics.median(before), statistics.median(during)
    print(
        f"calm connection's sync: median {typical_before * 1000:.1f} ms alone, "
        f"{typical_during * 1000:.1f} ms during a 1,500-message flood "
        f"(worst {max(during) * 1000:.1f} ms)"
    )
    assert typical_during < 10 * typical_before + 0.2
    assert max(during) < 2.0


def test_no_personal_token_reaches_the_log(server, connect):
    attendee = join(server, "Kofi")
    moderator = requests.post(
        f"{server.url}/api/links/claim", json={"link": server.links["moderator"]}, timeout=10
    ).json()["token"]
    connect(attendee).call("start_item", {"item_id": 1}, timeout=10)
    connect(moderator).call("extend_item", {"item_id": -1, "minutes": 1}, timeout=10)
    requests.get(
        f"{server.url}/api/snapshot", headers={"Authorization": f"Bearer {moderator}"}, timeout=10
    )
    forged = "F" * 43
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(forged)
    time.sleep(0.5)
    log = server.output.read_text()
    assert "connection refused: invalid_token" in log  # the log is being written
    for secret in (attendee, moderator, forged):
        assert secret not in log
