"""A load-generator process: a crowd of simulated attendees, driven by the coordinator.

Each attendee is a real python-socketio asyncio client with its own WebSocket.
The coordinator starts a few of these processes (`python -m bench.worker`) so
that receiving thousands of messages is spread over processes, and talks to
each over its stdin and stdout, one JSON object a line:

    in:  {"id": 3, "cmd": "join", ...}        out: {"id": 3, "reply": {...}}
                                              out: {"complete": KEY, "at": T}

`complete` is sent, unasked, when every connected attendee of this process has
received the tracked broadcast KEY; `at` is when the last of them did. All times
are `time.monotonic()`, which is one clock for every process on the machine.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import socketio

from .steps import WORKER_ACTIONS


class Attendee:
    """One simulated person: a client, what it has seen, and when."""

    def __init__(self, crowd: Crowd, number: int, url: str) -> None:
        self.crowd = crowd
        self.number = number
        self.url = url
        self.token: str | None = None
        self.participant_id: int | None = None
        self.snapshot: dict[str, Any] = {}
        self.seen: dict[Any, float] = {}
        self.connected_at = 0.0
        self.present = 0
        self.present_at = 0.0
        self.client = socketio.AsyncClient(
            reconnection=False, http_session=crowd.http, handle_sigint=False, request_timeout=30
        )
        crowd.target.listen(self)
        dispatch = self.client._handle_eio_message

        async def counted(data: Any) -> None:
            crowd.count(data)
            await dispatch(data)

        self.client.eio.on("message", counted)

    def saw(self, key: Any) -> None:
        """Record the first arrival of tracked broadcast `key`."""
        if key not in self.seen:
            self.seen[key] = time.monotonic()
            self.crowd.arrived(key)

    async def call(self, event: str, data: Any = None, timeout: float = 30) -> Any:
        return await self.client.call(event, data if data is not None else {}, timeout=timeout)


class BarazaTarget:
    """Attendees of a Baraza consultation: join over HTTP, connect with the token and take
    the snapshot: with the connection, as the page does, or by sending `sync` once
    connected (`first_sync` "event")."""

    def __init__(self, join_code: str, transports: list[str], first_sync: str = "auth") -> None:
        self.join_code = join_code
        self.transports = transports
        self.first_sync = first_sync

    @staticmethod
    def command(payload: dict[str, Any]) -> dict[str, Any]:
        """A command's payload with a fresh command id, as the attendee page's outbox sends it."""
        return {**payload, "command_id": secrets.token_hex(16)}

    def listen(self, attendee: Attendee) -> None:
        def on_events(envelopes: list[dict[str, Any]]) -> None:
            for envelope in envelopes:
                if envelope.get("type") in TRACKED_EVENTS:
                    attendee.saw(envelope["seq"])

        def on_state(state: dict[str, Any]) -> None:
            if state.get("name") == "present" and state["data"]["present"] != attendee.present:
                attendee.present = state["data"]["present"]
                attendee.present_at = time.monotonic()

        attendee.client.on("events", on_events)
        attendee.client.on("state", on_state)
        attendee.client.on("notice", lambda _notice: None)

    async def arrive(self, attendee: Attendee) -> None:
        path = f"{attendee.url}/api/consultations/{self.join_code}/join"
        body = {"display_name": f"Attendee {attendee.number}"}
        async with attendee.crowd.http.post(path, json=body) as response:
            reply = await response.json()
            if not reply.get("ok"):
                raise RuntimeError(f"join refused: {reply.get('error', {}).get('code')}")
        attendee.token = reply["token"]
        attendee.participant_id = reply["participant_id"]
        with_connection = self.first_sync != "event"
        answered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if with_connection:

            def on_synced(ack: Any) -> None:
                if not answered.done():
                    answered.set_result(ack)

            attendee.client.on("synced", on_synced)
        await attendee.client.connect(
            attendee.url,
            auth={"token": attendee.token, "sync": with_connection},
            transports=self.transports,
            wait_timeout=30,
        )
        attendee.connected_at = time.monotonic()
        if with_connection:
            synced = await asyncio.wait_for(answered, 30)
        else:
            synced = await attendee.call("sync")
        if not synced.get("ok"):
            raise RuntimeError(f"sync refused: {synced.get('error', {}).get('code')}")
        attendee.snapshot = synced["snapshot"]


# Broadcasts whose arrival times are kept, keyed by their seq: the moderator's
# agenda moves end with item_started; the question and poll steps time pins,
# openings and closings (bench/steps.py).
TRACKED_EVENTS = {"item_started", "question_pinned", "poll_opened", "poll_closed"}


class RelayTarget:
    """Clients of a bare relay server: connect, and hear `relay` messages."""

    def __init__(self, transports: list[str]) -> None:
        self.transports = transports

    @staticmethod
    def command(payload: dict[str, Any]) -> dict[str, Any]:
        return payload

    def listen(self, attendee: Attendee) -> None:
        def on_relay(data: dict[str, Any]) -> None:
            if data["id"] is not None:  # the first of each pair is not tracked
                attendee.saw(data["id"])

        attendee.client.on("relay", on_relay)

    async def arrive(self, attendee: Attendee) -> None:
        await attendee.client.connect(attendee.url, transports=self.transports, wait_timeout=30)
        attendee.connected_at = time.monotonic()


PACKET_KINDS = {"0": "connect", "1": "disconnect", "3": "ack", "4": "connect_error"}
STATE_PREFIX = '2["state",{"name":"'


class Crowd:
    """Every attendee of this process, and what they received together."""

    def __init__(self, settings: dict[str, Any], http: aiohttp.ClientSession) -> None:
        self.http = http
        self.urls: list[str] = settings["urls"]
        self.first_number: int = settings["first_number"]
        transports = settings["transports"]
        self.target = (
            BarazaTarget(settings["join_code"], transports, settings.get("first_sync", "auth"))
            if settings["target"] == "baraza"
            else RelayTarget(transports)
        )
        self.attendees: list[Attendee] = []
        self.messages: Counter[str] = Counter()
        self.bytes = 0
        self.received: Counter[Any] = Counter()
        self.last_arrival: dict[Any, float] = {}

    @property
    def connected(self) -> list[Attendee]:
        return [a for a in self.attendees if a.client.connected]

    def count(self, data: Any) -> None:
        """Count one Socket.IO packet: its size on the wire (less framing) and its kind.

        The kind is the event's name, and for a state push `state:NAME`
        (`state:poll_results`), so that each tally's rate can be read.
        """
        text = data if isinstance(data, str) else ""
        self.bytes += len(text) + 1  # the Engine.IO "message" type byte
        if text.startswith(STATE_PREFIX):
            start = len(STATE_PREFIX)
            self.messages["state:" + text[start : text.find('"', start)]] += 1
        elif text[:1] == "2":  # an event: 2[nsp,][ack id]["name", data]
            start = text.find('["') + 2
            self.messages[text[start : text.find('"', start)]] += 1
        else:
            self.messages[PACKET_KINDS.get(text[:1], "other")] += 1

    def arrived(self, key: Any) -> None:
        self.received[key] += 1
        self.last_arrival[key] = time.monotonic()
        if self.received[key] == self.expected:
            emit({"complete": key, "at": self.last_arrival[key]})

    expected = 0

    async def join(self, count: int, rate: float, start_at: float) -> dict[str, Any]:
        """Bring in `count` attendees, one every 1/`rate` seconds from `start_at`."""
        errors: Counter[str] = Counter()
        latencies: list[float] = []
        done_at: list[float] = []

        async def one(index: int) -> None:
            number = self.first_number + len(self.attendees)
            attendee = Attendee(self, number, self.urls[number % len(self.urls)])
            self.attendees.append(attendee)
            await asyncio.sleep(max(0.0, start_at + index / rate - time.monotonic()))
            began = time.monotonic()
            try:
                await self.target.arrive(attendee)
            except Exception as error:  # every failure is a figure, not a crash
                errors[type(error).__name__ + ": " + str(error)[:80]] += 1
                return
            done_at.append(time.monotonic())
            latencies.append(done_at[-1] - began)

        await asyncio.gather(*(one(index) for index in range(count)))
        self.expected = len(self.connected)
        return {
            "joined": len(latencies),
            "errors": dict(errors),
            "latencies": latencies,
            "last_done_at": max(done_at, default=None),
            "last_connected_at": max((a.connected_at for a in self.connected), default=None),
        }

    async def presence(self, expect: int, timeout: float) -> dict[str, Any]:
        """Wait until every attendee's head count shows `expect`; say when the last did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = [a for a in self.connected if a.present != expect]
            if not behind:
                break
            await asyncio.sleep(0.05)
        connected = self.connected
        return {
            "behind": sum(a.present != expect for a in connected),
            "last_at": max((a.present_at for a in connected), default=None),
        }

    def deliveries(self, keys: list[Any]) -> dict[str, Any]:
        """For each key, the arrival time at every attendee who got it, and how many did not."""
        connected = self.connected
        found: dict[str, Any] = {}
        for key in keys:
            times = [a.seen[key] for a in self.attendees if key in a.seen]
            found[json.dumps(key)] = {"times": times, "missed": len(connected) - len(times)}
        return found

    async def leave(self) -> dict[str, Any]:
        began = time.monotonic()
        connected = self.connected
        await asyncio.gather(*(a.client.disconnect() for a in connected), return_exceptions=True)
        return {"left": len(connected), "seconds": time.monotonic() - began}


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


Command = Callable[[Crowd, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _stats(crowd: Crowd, _message: dict[str, Any]) -> dict[str, Any]:
    return {
        "messages": dict(crowd.messages),
        "bytes": crowd.bytes,
        "connected": len(crowd.connected),
    }


async def _deliveries(crowd: Crowd, message: dict[str, Any]) -> dict[str, Any]:
    return crowd.deliveries(message["keys"])


async def _act(crowd: Crowd, message: dict[str, Any]) -> dict[str, Any]:
    return await WORKER_ACTIONS[message["action"]](crowd, message.get("params", {}))


COMMANDS: dict[str, Command] = {
    "join": lambda crowd, m: crowd.join(m["count"], m["rate"], m["start_at"]),
    "presence": lambda crowd, m: crowd.presence(m["expect"], m["within"]),
    "stats": _stats,
    "deliveries": _deliveries,
    "act": _act,
    "leave": lambda crowd, _m: crowd.leave(),
}


async def main() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    settings = json.loads(await reader.readline())
    async with aiohttp.ClientSession(
        # Each WebSocket holds a connection of the pool: no limit, no shared cookies.
        connector=aiohttp.TCPConnector(limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=60),
    ) as http:
        crowd = Crowd(settings, http)
        emit({"ready": True})
        pending: set[asyncio.Task[None]] = set()
        while line := await reader.readline():
            message = json.loads(line)
            if message["cmd"] == "quit":
                break

            async def answer(message: dict[str, Any] = message) -> None:
                try:
                    reply = await COMMANDS[message["cmd"]](crowd, message)
                except Exception as error:
                    reply = {"failed": f"{type(error).__name__}: {error}"}
                emit({"id": message["id"], "reply": reply})

            task = asyncio.create_task(answer())
            pending.add(task)
            task.add_done_callback(pending.discard)
        await crowd.leave()


if __name__ == "__main__":
    asyncio.run(main())
