"""Coalesced tallies: counts pushed a few times a second, not once per vote.

A command that changes a count marks its topic dirty; a background task flushes
every `INTERVAL` seconds, reading the counts from the database (the authority)
and pushing them with `emitter.push_state`. With 2,000 attendees voting once
each, that is one push per topic per tick instead of 2,000 × 2,000 messages.
A topic that need not move that fast says so (`topic(name, every=seconds)`):
each push reaches the whole audience, so its cost grows with the room.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..services.core import Core
from . import emitter

log = logging.getLogger(__name__)

INTERVAL = 0.25


@dataclass(frozen=True)
class Push:
    """One coalesced message: `name` with `data` to the audiences in `roles`."""

    roles: tuple[str, ...]
    name: str
    data: Any


Renderer = Callable[[Core, int, frozenset[Any]], Iterable[Push]]

_renderers: dict[str, Renderer] = {}
_every: dict[str, float] = {}


def topic(name: str, every: float = INTERVAL) -> Callable[[Renderer], Renderer]:
    """Register how to render topic `name`; push it at most once per `every` seconds."""

    def register(renderer: Renderer) -> Renderer:
        _renderers[name] = renderer
        _every[name] = every
        return renderer

    return register


class DirtySet:
    """What changed since the last flush, kept in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[tuple[int, str], set[Any]] = {}

    def mark(self, consultation_id: int, name: str, key: Any = None) -> None:
        with self._lock:
            self._dirty.setdefault((consultation_id, name), set()).add(key)

    def take(
        self, ready: Callable[[tuple[int, str]], bool] = lambda _topic: True
    ) -> dict[tuple[int, str], set[Any]]:
        """Remove and return the dirty topics that are `ready`; the rest wait."""
        with self._lock:
            taken = {key: keys for key, keys in self._dirty.items() if ready(key)}
            for key in taken:
                del self._dirty[key]
        return taken


dirty = DirtySet()


def mark(consultation_id: int, name: str, key: Any = None) -> None:
    dirty.mark(consultation_id, name, key)


_pushed_at: dict[tuple[int, str], float] = {}


def flush(core: Core, now: float | None = None) -> int:
    """Render and push dirty topics; return how many messages went out.

    Without `now` every dirty topic goes out (tests call this); with the
    monotonic `now`, a topic waits until its `every` has passed since its last push.
    """

    def due(key: tuple[int, str]) -> bool:
        if now is None:
            return True
        return now - _pushed_at.get(key, -math.inf) >= _every.get(key[1], INTERVAL)

    sent = 0
    for (consultation_id, name), keys in dirty.take(due).items():
        if now is not None:
            _pushed_at[(consultation_id, name)] = now
        renderer = _renderers.get(name)
        if renderer is None:
            log.error("no renderer for tally topic %s", name)
            continue
        for push in renderer(core, consultation_id, frozenset(keys)):
            emitter.push_state(consultation_id, push.roles, push.name, push.data)
            sent += 1
    return sent


def run_flusher(core: Core) -> None:
    """Forever: flush the dirty tallies every tick."""
    from . import socketio

    while True:
        socketio.sleep(INTERVAL)
        try:
            flush(core, time.monotonic())
        except Exception:  # a failed flush must not stop the next ones
            log.exception("tally flush failed")
