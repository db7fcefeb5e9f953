"""Engine.IO's pings, sent by one green thread for every socket of a worker.

Engine.IO pings each client `ping_interval` seconds after its last pong, from a green
thread it starts for that one ping and which sleeps out the interval: a green thread,
its exit event, a hub timer and their arguments for every connection every 20
seconds. They outlive a young collection and then die old, which holds CPython's
count of young objects back, so each young collection found some 2,000 of them and
scanned three times its threshold (docs/performance.md, step 61). Here a pong puts
the socket at the end of one queue. Every wait is the same length, so the queue is
in the order the pings fall due, and one green thread sends them.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from engineio import packet
from engineio.socket import Socket

log = logging.getLogger(__name__)

# How long the sender waits when no socket is waiting for a ping: a socket that
# arrives meanwhile is pinged this much later than its interval at most, well within
# the grace Engine.IO gives the client (`ping_interval_grace_period` and the timeout).
IDLE_SECONDS = 1.0


class Pings:
    """The sockets waiting for their next ping, in the order they fall due."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.waiting: deque[tuple[float, Socket]] = deque()

    def schedule(self, socket: Socket) -> None:
        """Ping `socket` one interval from now (its pong just came, or it opened)."""
        self.waiting.append((self.clock() + self.interval, socket))

    def send_due(self) -> float:
        """Ping every socket whose interval is over; the seconds until the next one is."""
        now = self.clock()
        while self.waiting and self.waiting[0][0] <= now:
            _, socket = self.waiting.popleft()
            try:
                ping(socket)
            except Exception:  # the other sockets are still pinged
                log.exception("pinging socket %s failed", socket.sid)
        if not self.waiting:
            return IDLE_SECONDS
        return self.waiting[0][0] - now

    def run(self, sleep: Callable[[float], Any]) -> None:
        """Send the pings as they fall due, for as long as the worker runs."""
        while True:
            sleep(self.send_due())


def ping(socket: Socket) -> None:
    """What Engine.IO's own ping thread does once it has slept out the interval: mark
    when the ping went (its monitor closes a socket whose pong is `ping_timeout` late)."""
    if not socket.closing and not socket.closed:
        socket.last_ping = time.time()
        socket.send(packet.Packet(packet.PING))


def ping_from_one_thread(engineio_server: Any) -> Pings:
    """Make the Engine.IO server's sockets wait for their pings in one `Pings`.

    Engine.IO starts each ping's thread through the server's `start_background_task`;
    that call now queues the socket instead, and starts the one sender the first time.
    Every other background task starts as before.
    """
    pings = Pings(engineio_server.ping_interval)
    start = engineio_server.start_background_task
    sending = False

    def start_background_task(target: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal sending
        if getattr(target, "__func__", None) is not Socket._send_ping:
            return start(target, *args, **kwargs)
        if not sending:
            start(pings.run, engineio_server.sleep)
            sending = True
        pings.schedule(target.__self__)  # type: ignore[attr-defined]
        return None

    engineio_server.start_background_task = start_background_task
    return pings
