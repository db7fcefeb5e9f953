"""Is this worker's event loop turning? A green thread that beats, and how late it wakes.

Every green thread of a worker shares one loop: a C call that never yields, or
a burst of work that never sleeps, stops them all. The beat asks the loop to
wake it every second; when it is late, the loop was stuck for that long.
`/healthz` fails once the last beat is older than `STALE_SECONDS`.

It touches neither the database nor Redis, so a hung database does not make a
live worker look dead (a restart would not help it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from server import metrics
from server.core.socket import socketio

BEAT_SECONDS = 1.0
# Long enough for a full garbage collection or a slow start-up step, short
# enough that a stuck worker is restarted within a probe period or two.
STALE_SECONDS = 10.0


class LoopWatch:
    """The last time the loop woke the beat; `clock` is injectable for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_beat: float | None = None

    def beat(self) -> float:
        """Record that the loop turned; return how late it was past the expected wake-up."""
        now = self.clock()
        late = 0.0 if self.last_beat is None else max(0.0, now - self.last_beat - BEAT_SECONDS)
        self.last_beat = now
        return late

    def silent_for(self) -> float | None:
        """Seconds since the last beat; None while the beat has not started (tests)."""
        return None if self.last_beat is None else self.clock() - self.last_beat

    def run(self) -> None:
        """Forever: beat every second, and count how late each wake-up was."""
        while True:
            metrics.EVENT_LOOP_LAG.observe(self.beat())
            socketio.sleep(BEAT_SECONDS)
