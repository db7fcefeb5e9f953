"""When the garbage collector runs in a worker serving thousands of WebSockets.

Python's default thresholds (700, 10, 10) ran a full collection every few seconds
once 2,000 attendees were connected: each scanned some 600,000 objects and stopped
every green thread for 300–400 ms (docs/performance.md). Young collections 70 times
rarer (`THRESHOLDS`) made full ones rare.

That left the young collections, and what they scan is the young objects alive:
above all the connections opened since the last one, about 190 objects each. They
are not what sets a young collection going. CPython counts allocations less
deallocations, and an attendee who drops and comes back frees an old connection's
objects as the new one's are made: through a consultation's steady reconnections
the count stands still while the young generation grows. The next poll's burst
collected 140,000–200,000 objects at once, over 100 ms on a slow machine, and a
soak with nothing else to set one going ended with 306,802 waiting
(docs/performance.md, steps 49, 70 and 71). So a young collection also comes every
`CONNECTIONS_A_COLLECTION` connections opened (`YoungCollections`), and the middle
generation, which each young collection's survivors join, waits for 100 of them,
not 20: a middle collection scans every connection alive (step 50: 100–700 ms).

CPython weighs the older generations only when a collection starts on its own,
after 50,000 allocations more than deallocations; `gc.collect(0)` only counts. So
once 100 young collections have passed (about 30,000 connections, three
consultations' reconnections), the middle generation is collected at the next
burst of allocations: an arrival rush, or a vote. A worker that has gone quiet
collects every generation instead (`QuietCollections`): with no connection opened
and no message sent for `QUIET_SECONDS`, nobody is waiting for anything, and a
pause delays no one. Between the consultations of a series, or after the last, the
count starts again; a worker never quiet that long (a consultation of thousands
reconnects every few seconds) keeps the thresholds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from server import metrics

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

THRESHOLDS = (50_000, 100, 10)
CONNECTIONS_A_COLLECTION = 300
QUIET_SECONDS = 60.0
LOOK_EVERY_SECONDS = 5.0


def opens_a_connection(environ: WSGIEnvironment) -> bool:
    """Whether a request is an Engine.IO handshake: a connection's first request, on a
    WebSocket or on long-polling, is its only one without the `sid` the handshake hands
    back (the Engine.IO protocol, version 4). A browser that starts on long-polling and
    upgrades is counted once, and so is one whose network lets no WebSocket through."""
    query = "&" + environ.get("QUERY_STRING", "")
    return "&EIO=" in query and "&sid=" not in query


class YoungCollections:
    """Collect the young generation once `every` connections have opened since the last
    collection, whatever started that one."""

    def __init__(self, every: int = CONNECTIONS_A_COLLECTION) -> None:
        self.every = every
        self.opened = 0  # since the last collection
        self.handshakes = 0  # since the process started

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        """A `gc.callbacks` entry: every collection, of any generation, restarts the count."""
        if phase == "stop":
            self.opened = 0

    def wrap(self, wsgi_app: WSGIApplication) -> WSGIApplication:
        """`wsgi_app`, counting the connections it opens and collecting on the `every`-th."""

        def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
            if opens_a_connection(environ):
                self.handshakes += 1
                self.opened += 1
                if self.opened >= self.every:
                    gc.collect(0)
            return wsgi_app(environ, start_response)

        return app


class QuietCollections:
    """Collect every generation once `activity()` has stood still for `quiet_seconds`,
    if a young collection has come since the last such collection (else there is
    nothing new to find)."""

    def __init__(
        self,
        activity: Callable[[], int],
        clock: Callable[[], float] = time.monotonic,
        quiet_seconds: float = QUIET_SECONDS,
    ) -> None:
        self.activity, self.clock, self.quiet_seconds = activity, clock, quiet_seconds
        self.seen = activity()
        self.since = clock()

    def look(self) -> None:
        """Collect if the worker is quiet and the collector has something to find."""
        now, seen = self.clock(), self.activity()
        if seen != self.seen:
            self.seen, self.since = seen, now
        elif now - self.since >= self.quiet_seconds and gc.get_count()[1:] != (0, 0):
            gc.collect()

    def run(self, sleep: Callable[[float], object]) -> None:
        """Forever: look every `LOOK_EVERY_SECONDS`."""
        while True:
            sleep(LOOK_EVERY_SECONDS)
            self.look()


def activity() -> int:
    """A number that moves whenever the worker does anything for anyone: connections
    opened (`YoungCollections`) and Socket.IO messages sent (`metrics.SENT`: every
    event, acknowledgement and push, not Engine.IO's pings)."""
    return _YOUNG.handshakes + metrics.SENT.messages


def tune(wsgi_app: WSGIApplication) -> WSGIApplication:
    """Collect rarely, never rescan what start-up built (it lives as long as the
    process), and collect the young generation as connections come: `wsgi_app` wrapped."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    if _YOUNG not in gc.callbacks:
        gc.callbacks.append(_YOUNG)
    return _YOUNG.wrap(wsgi_app)


_YOUNG = YoungCollections()  # one a process: the count is the process's, as the collector is
