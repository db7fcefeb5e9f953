"""A while without asking Redis after it failed.

A Redis that hangs (a partition, not a stopped server) costs each call its whole
time-out. What asks it on every tick, vote or emit — the integrity turns
(core/turns.py), the tallies' dirty set (core/tallies.py), the message queue's
publishing (realtime/cluster.py) — would wait that long every time. After a
failure each leaves Redis alone for a while, doing its work in the worker as a
worker alone would, then asks again.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Pause:
    """`start` after a failure; `on` for `seconds` after it on `clock`."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._until = float("-inf")

    @property
    def on(self) -> bool:
        return self.clock() < self._until

    def start(self) -> None:
        self._until = self.clock() + self.seconds
