"""Coalesced tallies: counts pushed a few times a second, not once per vote.

A command that changes a count marks its topic dirty; a background task flushes
every `INTERVAL` seconds, reading the counts from the database (the authority)
and pushing them with `emitter.push_state`. With 2,000 attendees voting once
each, that is one push per topic per tick instead of 2,000 × 2,000 messages.
"""

from __future__ import annotations

import logging
import threading
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


def topic(name: str) -> Callable[[Renderer], Renderer]:
    """Register how to render topic `name` for a consultation and a set of dirty keys."""

    def register(renderer: Renderer) -> Renderer:
        _renderers[name] = renderer
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

    def take(self) -> dict[tuple[int, str], set[Any]]:
        with self._lock:
            taken, self._dirty = self._dirty, {}
        return taken


dirty = DirtySet()


def mark(consultation_id: int, name: str, key: Any = None) -> None:
    dirty.mark(consultation_id, name, key)


def flush(core: Core) -> int:
    """Render and push every dirty topic; return how many messages went out."""
    sent = 0
    for (consultation_id, name), keys in dirty.take().items():
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
            flush(core)
        except Exception:  # a failed flush must not stop the next ones
            log.exception("tally flush failed")
