"""A socket's outgoing packets under eventlet, waited for by its one writer.

Engine.IO gives every socket a queue and a writer green thread that waits on it for
the next packet. With eventlet's own queue, each message sent to each connection made
a `Waiter` and a `Timeout` for the writer's wait and a hub timer for the wake-up:
about eight objects for the collector per message, and a fan-out sends one message
to every attendee (docs/performance.md, step 51). Here the writer waits as itself,
and the sockets given packets in one turn of the hub are woken by one hub callback.

Engine.IO calls `put`, `get` (blocking, its timeout ignored: see
`socket.wait_without_timers`), `get(block=False)`, `task_done` and `join` (when a
socket closes and waits for its packets to go out). One green thread at a time
waits on a queue, Engine.IO's writer of that socket, but for an instant while a
connection upgrades from long polling: waiters are woken in the order they came.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from eventlet import hubs
from eventlet.event import Event
from eventlet.queue import Empty
from greenlet import getcurrent, greenlet

log = logging.getLogger(__name__)

# Queues given a packet while their writer waits, woken together by one hub callback.
_TO_WAKE: list[PacketQueue] = []


def _wake_all() -> None:
    """In the hub: switch to the writers waiting for these packets; each runs until it
    waits again."""
    while _TO_WAKE:
        woken = _TO_WAKE.copy()
        _TO_WAKE.clear()
        for each in woken:
            each.scheduled = False
            waiters = each.waiters
            for waiter in (waiters[0],) if len(waiters) == 1 else list(waiters):
                if not each.items:
                    break
                if waiter in waiters:
                    try:
                        waiter.switch()
                    except Exception:  # the others are still woken
                        log.exception("a socket's writer failed")


class PacketQueue:
    """A FIFO of packets for one socket's writer (Engine.IO's queue interface)."""

    def __init__(self) -> None:
        self.items: deque[Any] = deque()
        # Engine.IO's writer; for an instant while a connection upgrades, a long poll too.
        self.waiters: deque[greenlet] = deque()
        self.scheduled = False
        self._unfinished = 0
        self._all_done: Event | None = None

    def put(self, item: Any) -> None:
        self.items.append(item)
        self._unfinished += 1
        if self.waiters and not self.scheduled:
            self.scheduled = True
            if not _TO_WAKE:
                hubs.get_hub().schedule_call_global(0, _wake_all)
            _TO_WAKE.append(self)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if not block and not self.items:
            raise Empty
        while not self.items:
            me = getcurrent()
            self.waiters.append(me)
            try:
                hubs.get_hub().switch()
            finally:
                self.waiters.remove(me)
        return self.items.popleft()

    def task_done(self) -> None:
        if self._unfinished <= 0:
            raise ValueError("task_done() called too many times")
        self._unfinished -= 1
        if self._unfinished == 0 and self._all_done is not None:
            self._all_done.send()
            self._all_done = None

    def join(self) -> None:
        """Until every packet put has been taken and marked done."""
        if self._unfinished == 0:
            return
        if self._all_done is None:
            self._all_done = Event()
        self._all_done.wait()
