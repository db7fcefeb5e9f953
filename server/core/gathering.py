"""How long a group commit's leader waits before it takes its batch.

Why: a batch costs one transaction whatever it holds — BEGIN, the consultation's
lock, the counters, the event log's INSERT, the COMMIT — about 0.45 ms of a
worker's CPU on SQLite, against 0.05 ms for each arrival in it. At 200 arrivals
a second a batch held 1.5 of them, so each attendee's join and arrival paid most
of two transactions. A leader now waits until `window` seconds after its
consultation's previous batch began, and whoever arrives meanwhile joins it.

Like PostgreSQL's `commit_delay`, it waits only when commands come close
together: a command after a quiet window is taken at once (a cooperative yield,
as before), and under a burst whose batches take longer than the window to
commit, nobody waits. In between, batches begin at most once a window per
consultation and kind of command, and a command waits at most the window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Consultations a gathering remembers before it forgets those whose window is over.
KNOWN = 1_000


class Gathering:
    """When each consultation's batches begin, on `timer`; `window` seconds apart
    at most (`GATHER_WINDOW`; 0: a yield only); `sleep` waits (patched by eventlet
    or gevent: a green thread's sleep)."""

    def __init__(
        self,
        window: float,
        timer: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.window = window
        self._timer = timer
        self._sleep = sleep
        self._began: dict[int, float] = {}
        self._lock = threading.Lock()

    def wait(self, consultation_id: int) -> None:
        """Wait until the window after the consultation's previous batch began (at
        least a yield, so that commands already received join), then mark its next
        batch begun."""
        previous = self._began.get(consultation_id)
        due = 0.0 if previous is None else previous + self.window - self._timer()
        self._sleep(max(due, 0.0))
        with self._lock:
            if len(self._began) >= KNOWN:
                self._forget_past()
            self._began[consultation_id] = self._timer()

    def _forget_past(self) -> None:
        """Forget the consultations whose window is over: their next batch waits for
        nothing anyway."""
        over = self._timer() - self.window
        self._began = {key: began for key, began in self._began.items() if began > over}
