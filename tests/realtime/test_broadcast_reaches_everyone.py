"""A broadcast reaches every connected attendee, past the old limit of 1,024.

eventlet's WSGI server used to serve 1,024 requests at once; each WebSocket holds
one, so the 1,025th attendee waited unserved and heard nothing (PITFALLS.md).
This test starts the real server under eventlet, seats more attendees than that
with python-socketio's asyncio client, moves the agenda and counts who heard it.
It also checks the server declines the per-connection compression browsers
offer, which cost about 100 KB and a compression of every broadcast per attendee.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import pytest
import socketio

from tests.realtime.servers import NO_JOIN_LIMITS, RunningServer, start_server

pytestmark = pytest.mark.slow

ATTENDEES = 1_200
IN_FLIGHT = 100  # joins and connections opened at once, as a crowd arriving
HEAR_WITHIN = 20.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    # The crowd is one client at one address: the join limits would stop it.
    running = start_server(tmp_path_factory.mktemp("crowd-server"), "eventlet", **NO_JOIN_LIMITS)
    yield running
    running.stop()


class Attendee:
    """One python-socketio asyncio client that remembers the agenda items it saw start."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self.client = socketio.AsyncClient(
            reconnection=False, http_session=http, handle_sigint=False
        )
        self.started: set[int] = set()
        self.client.on("events", self._on_events)

    async def _on_events(self, envelopes: list[dict]) -> None:
        self.started.update(e["data"]["id"] for e in envelopes if e["type"] == "item_started")

    async def connect(self, url: str, token: str) -> None:
        await self.client.connect(
            url, auth={"token": token}, transports=["websocket"], wait_timeout=15
        )


async def _token(http: aiohttp.ClientSession, url: str, path: str, body: dict) -> str:
    async with http.post(f"{url}{path}", json=body) as response:
        response.raise_for_status()
        return (await response.json())["token"]


async def _seat_crowd(
    http: aiohttp.ClientSession, server: RunningServer
) -> tuple[list[Attendee], list[str]]:
    """Join and connect every attendee, a hundred at a time; return them and the failures."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    failures: list[str] = []
    path = f"/api/consultations/{server.links['join_code']}/join"

    async def arrive(number: int) -> Attendee:
        attendee = Attendee(http)
        async with gate:
            try:
                token = await _token(http, server.url, path, {"display_name": f"A{number}"})
                await attendee.connect(server.url, token)
            except (
                aiohttp.ClientError,
                TimeoutError,
                socketio.exceptions.ConnectionError,
            ) as error:
                failures.append(f"attendee {number}: {error!r}")
        return attendee

    crowd = await asyncio.gather(*(arrive(n) for n in range(ATTENDEES)))
    return list(crowd), failures


async def _broadcast_to_crowd(server: RunningServer) -> tuple[int, int, list[str]]:
    """Seat the moderator then the crowd, start an item; return (connected, heard, failures)."""
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),  # each WebSocket holds a connection
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=15),
    ) as http:
        moderator = Attendee(http)
        token = await _token(
            http, server.url, "/api/links/claim", {"link": server.links["moderator"]}
        )
        await moderator.connect(server.url, token)
        sync = await moderator.client.call("sync", {}, timeout=15)
        item_id = sync["snapshot"]["agenda"]["items"][1]["id"]
        crowd, failures = await _seat_crowd(http, server)
        reply = await moderator.client.call("start_item", {"item_id": item_id}, timeout=15)
        assert reply == {"ok": True}
        connected = [a for a in crowd if a.client.connected]
        deadline = time.monotonic() + HEAR_WITHIN
        while time.monotonic() < deadline and any(item_id not in a.started for a in connected):
            await asyncio.sleep(0.1)
        heard = sum(item_id in a.started for a in crowd)
        await asyncio.gather(*(a.client.disconnect() for a in [*crowd, moderator]))
        return len(connected), heard, failures


def in_own_loop(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine on a fresh thread: the browser tests' Playwright keeps a loop running."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(make())).result()


def test_starting_an_item_reaches_all_1200_attendees_under_eventlet(server):
    connected, heard, failures = in_own_loop(lambda: _broadcast_to_crowd(server))
    assert failures == [], f"{len(failures)} could not connect, first: {failures[:3]}"
    assert connected == ATTENDEES
    assert heard == ATTENDEES, f"{ATTENDEES - heard} of {ATTENDEES} attendees missed the broadcast"
    assert "Traceback" not in server.output.read_text()


async def _negotiated_compression(url: str) -> int:
    """Open an Engine.IO WebSocket offering permessage-deflate, as browsers do."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(f"{url}/socket.io/?EIO=4&transport=websocket", compress=15) as ws,
    ):
        return ws.compress


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_websockets_decline_per_connection_compression(mode, server, tmp_path):
    running = server if mode == "eventlet" else start_server(tmp_path, mode)
    try:
        assert in_own_loop(lambda: _negotiated_compression(running.url)) == 0
    finally:
        if running is not server:
            running.stop()
