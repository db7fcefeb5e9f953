"""Garbage collection for a worker of thousands of connections: rare, short, on a clock.

What each choice fixed is measured in docs/performance.md:
- Python's default thresholds (700, 10, 10) ran a full collection every few
  seconds at 2,000 attendees, each stopping every green thread for 300–400 ms.
  What start-up built lives as long as the process: it is frozen, never rescanned.
- A young collection scans what the young generation holds alive. CPython starts
  one once allocations, less deallocations of *any* generation, pass its threshold;
  with attendees dropping and rejoining all the time, the old objects of closed
  connections die and hold the count back, so a collection due at 50,000 found
  140,000–200,000 objects and stopped the worker for 90–150 ms (step 49 of the
  third round). The worker makes its young collections itself, every
  `YOUNG_EVERY_SECONDS`: each holds what that second's arrivals and commands
  left, and takes 1–30 ms. CPython's own threshold stays, as a safety net.
- Every object that survives goes to the middle generation, and a collection of
  it scans them all again: collected after CPython's 20 young collections, it
  stopped the worker for 100–170 ms every 20 s. It is collected after
  `MIDDLE_AFTER` young ones (about a quarter of an hour). The oldest generation
  is left to CPython, which collects it as rarely as before.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from server.core.socket import socketio

YOUNG_EVERY_SECONDS = 1.0
MIDDLE_AFTER = 1_000  # young collections
THRESHOLDS = (50_000, MIDDLE_AFTER, 10)  # CPython's own, a safety net for a burst
IDLE = 1_000  # fewer new objects than this: an idle worker is not stopped for them


def tune() -> None:
    """Freeze what start-up built; CPython's thresholds for the collections it still makes."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def collect_young() -> int | None:
    """The young generation's collection (the middle one's when it is due); which, or None."""
    young, middle, _ = gc.get_count()
    if young < IDLE:
        return None
    generation = 1 if middle >= gc.get_threshold()[1] else 0
    gc.collect(generation)
    return generation


def run(sleep: Callable[[float], object] = socketio.sleep) -> None:
    """Forever: every `YOUNG_EVERY_SECONDS`, the young generation's collection."""
    while True:
        sleep(YOUNG_EVERY_SECONDS)
        collect_young()
