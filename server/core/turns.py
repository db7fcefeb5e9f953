"""Whose turn it is to do a cluster's periodic work: one worker per period, not each.

A worker alone always has the turn (`Turns`). With several workers (REDIS_URL set)
the first to ask for a period in Redis gets it (`RedisTurns`, SET NX), and the
others skip that period: the integrity check, which reads every ballot and upvote
of the last minutes, is then read once per period by the cluster, not once by
each worker (docs/performance.md, step 82).

Work done in turns must be safe to do twice: when Redis does not answer, every
worker takes the turn, as if alone, rather than leave the period undone; and for
a while after, without asking Redis again, so that a Redis that hangs costs the
clock one timeout, not one at every turn (as the tallies' dirty set leaves it alone).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from .pauses import Pause

log = logging.getLogger(__name__)


class Turns:
    """A worker alone: every turn is its own."""

    def take(self, duty: str, period: int) -> bool:
        """Whether this worker does `duty` for `period` (a number every worker derives
        alike from the wall clock)."""
        return True


class RedisTurns(Turns):
    """Turns shared by every worker of a cluster through Redis."""

    PAUSE_SECONDS = 30.0  # after Redis failed, turns taken here without asking it

    def __init__(
        self,
        client: Any,
        prefix: str,
        keep_seconds: int = 600,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.prefix = f"{prefix}:turns"
        # How long a period's key outlives its taking: periods are far shorter, and the
        # workers' clocks must agree to well within one.
        self.keep_seconds = keep_seconds
        self.pause = Pause(self.PAUSE_SECONDS, timer)

    def take(self, duty: str, period: int) -> bool:
        if self.pause.on:
            return True
        key = f"{self.prefix}:{duty}:{period}"
        try:
            return bool(self.client.set(key, 1, nx=True, ex=self.keep_seconds))
        except Exception:  # Redis away: do it here, as a worker alone would
            log.warning("Redis unreachable: taking the %s turn of period %d here", duty, period)
            self.pause.start()
            return True
