"""A python-socketio client that keeps in step the way static/js/core/live.js does.

It applies events in sequence order, ignores what it already holds, asks for
what it missed (`sync {since}`) when an event's `prev` shows a gap, and when its
worker goes away reconnects to another one and catches up from its last number.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import socketio


def refusal(url: str, token: str, *, origin: str) -> dict[str, Any]:
    """What a connection attempt with `token` is told when it is refused (`connect_error`)."""
    told: list[dict[str, Any]] = []
    client = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
    client.on("connect_error", told.append)
    try:
        client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    except socketio.exceptions.ConnectionError:
        return told[0]
    client.disconnect()
    raise AssertionError("the connection was accepted")


class Follower:
    def __init__(self, urls: list[str], token: str, *, origin: str, reconnect: bool = True) -> None:
        self.urls = list(urls)
        self.token = token
        self.origin = origin
        self.reconnect = reconnect
        self.seq: int | None = None
        self.start_seq: int | None = None
        self.applied: list[dict[str, Any]] = []
        self.states: list[tuple[float, dict[str, Any]]] = []
        self.resyncs = 0
        self.reconnects = 0
        self.url = ""
        self._pending: list[dict[str, Any]] = []
        self._syncing = False
        self._closing = False
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._connect(self.urls[0])

    # Connection and catching up

    def _connect(self, url: str) -> None:
        # A browser sends its page's origin; the workers accept only PUBLIC_URL.
        client = socketio.Client(
            reconnection=False, websocket_extra_options={"origin": self.origin}
        )
        client.on("events", self._on_events)
        client.on("state", lambda state: self.states.append((time.monotonic(), state)))
        client.on("disconnect", self._on_disconnect)
        with self._lock:
            self._syncing = True
        client.connect(
            url,
            auth={"token": self.token, "since": self.seq},
            transports=["websocket"],
            wait_timeout=10,
        )
        self.client, self.url = client, url
        self._sync()

    def _on_disconnect(self, *_reason: Any) -> None:
        if self.reconnect and not self._closing:
            threading.Thread(target=self._fail_over, daemon=True).start()

    def _fail_over(self) -> None:
        """Try the other workers, then this one again, until one answers."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self._closing:
            for url in [u for u in self.urls if u != self.url] + [self.url]:
                try:
                    self._connect(url)
                    self.reconnects += 1
                    return
                except Exception:
                    time.sleep(0.3)

    def _sync(self) -> None:
        for _attempt in range(20):
            if self._closing:  # the test is over: a thread left behind must not fail later
                return
            payload = {} if self.seq is None else {"since": self.seq}
            try:
                ack = self.client.call("sync", payload, timeout=10)
            except Exception:
                ack = None
            if ack and ack.get("ok"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"sync kept failing: {ack}")
        with self._lock:
            if "snapshot" in ack:
                if self.seq is not None:
                    raise AssertionError("caught up by a snapshot instead of the missed events")
                self.seq = self.start_seq = ack["snapshot"]["seq"]
                self.snapshot = ack["snapshot"]
            else:
                for envelope in ack["events"]:
                    if envelope["seq"] > self.seq:
                        self._apply(envelope)
            self._syncing = False
            pending, self._pending = self._pending, []
            for envelope in pending:
                self._take(envelope)

    def _on_events(self, envelopes: list[dict[str, Any]]) -> None:
        """One message per command: its envelopes in order, each taken as it comes."""
        with self._lock:
            for envelope in envelopes:
                self._take(envelope)

    def _take(self, envelope: dict[str, Any]) -> None:
        if self._syncing:
            self._pending.append(envelope)
        elif envelope["seq"] <= self.seq:
            return
        elif envelope["prev"] > self.seq:  # a gap: fetch what was missed
            self._syncing = True
            self.resyncs += 1
            self._pending.append(envelope)
            threading.Thread(target=self._sync, daemon=True).start()
        else:
            self._apply(envelope)

    def _apply(self, envelope: dict[str, Any]) -> None:
        self.applied.append(envelope)
        self.seq = envelope["seq"]
        self._changed.notify_all()

    # What tests use

    def call(
        self, name: str, payload: dict[str, Any] | None = None, timeout: float = 10
    ) -> dict[str, Any]:
        return self.client.call(name, payload or {}, timeout=timeout)

    def call_until_answered(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a command until some worker answers it, as a client retrying after a timeout
        does: with the same payload, command id included."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ack = self.call(name, payload, timeout=3)
            except Exception:  # the worker is gone; the follower is failing over
                time.sleep(0.2)
                continue
            if ack["ok"] or ack["error"]["code"] != "try_again":
                return ack
            time.sleep(0.2)
        raise AssertionError(f"{name} was never answered")

    def wait_until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out at seq {self.seq}")
                self._changed.wait(min(left, 0.2))

    def wait_for_seq(self, seq: int, timeout: float = 20) -> None:
        self.wait_until(lambda: self.seq is not None and self.seq >= seq, timeout)

    def types(self) -> list[str]:
        return [envelope["type"] for envelope in self.applied]

    def close(self) -> None:
        self._closing = True
        try:
            self.client.disconnect()
        except Exception:
            pass
