"""Coalesced tallies: counts pushed a few times a second, not once per vote.

A command that changes a count marks its topic dirty in its application's
`Tallies` (`core.tallies`); a background task flushes every `interval` seconds
(the TALLY_INTERVAL setting), reading the counts from the database (the authority)
and pushing them with `emitter.push_state`. With 2,000 attendees voting once
each, that is one push per topic per tick instead of 2,000 × 2,000 messages.

With several workers (REDIS_URL set) the dirty set lives in Redis: a topic marked
on any worker is taken, rendered and pushed by exactly one of them, so a push is
not repeated once per worker.

A topic that need not move that fast says so (`Topic(render, every=seconds)`):
each push reaches the whole audience, so its cost grows with the room. Its
pushes fall on every n-th tick of the shared wall clock (n = every / interval),
the same on every worker. For the same reason a big room is pushed every topic
less often: one topic sends a room at most `room_rate` messages a second (the
TALLY_ROOM_RATE setting, 8,000: every tick up to 2,000 people connected, every
third at 5,000). At 5,000 attendees a vote burst's counts at four a second were
20,000 messages a second, most of a worker's CPU, and the votes' acknowledgements
queued behind them (docs/performance.md).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from server import metrics

from . import emitter
from .pauses import Pause
from .recently_used import RecentlyUsed

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .runtime import Core

T = TypeVar("T")

log = logging.getLogger(__name__)

# The default tick, in seconds (Config.tally_interval, TALLY_INTERVAL).
INTERVAL = 0.25
# Messages a second one topic may send a room (Config.tally_room_rate, TALLY_ROOM_RATE).
ROOM_RATE = 8_000


@dataclass(frozen=True)
class Push:
    """One coalesced message: `name` with `data` to the audiences in `roles`."""

    roles: tuple[str, ...]
    name: str
    data: Any


Renderer = Callable[["Core", int, frozenset[Any]], Iterable[Push]]


class DirtySet:
    """What changed since the last flush, kept in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[tuple[int, str], set[Any]] = {}

    def mark(self, consultation_id: int, name: str, key: Any = None) -> None:
        with self._lock:
            self._dirty.setdefault((consultation_id, name), set()).add(key)

    def take(self, tick: int | None = None) -> dict[tuple[int, str], set[Any]]:
        with self._lock:
            taken, self._dirty = self._dirty, {}
        return taken


class RedisDirtySet:
    """What changed since the last flush, shared by every worker through Redis.

    `mark` adds the key to the topic's own set, then the topic to the set of dirty
    topics, in one MULTI. The worker that claims a tick (SET NX) pops the topics
    (SPOP) and takes each one's keys with its own MULTI. A mark racing a take is
    either in this take or leaves the topic dirty for the next one: none is lost.
    Keys are JSON values (lists come back as tuples). When Redis fails, marks are
    kept in this worker and flushed by it, and Redis is left alone for a few
    seconds: a vote must not wait for a Redis that does not answer.
    """

    BATCH = 500
    PAUSE_SECONDS = 5.0

    def __init__(self, client: Any, prefix: str) -> None:
        self.client = client
        self.topics = f"{prefix}:tallies"
        self.fallback = DirtySet()
        self._pause = Pause(self.PAUSE_SECONDS)

    def _available(self) -> bool:
        return not self._pause.on

    def _failed(self, what: str) -> None:
        log.warning("Redis unreachable (%s): tallies kept in this worker for now", what)
        self._pause.start()

    def _keys_of(self, topic: str) -> str:
        return f"{self.topics}:{topic}"

    def mark(self, consultation_id: int, name: str, key: Any = None) -> None:
        topic = json.dumps([consultation_id, name])
        if self._available():
            try:
                with self.client.pipeline(transaction=True) as pipe:
                    pipe.sadd(self._keys_of(topic), json.dumps(key))
                    pipe.sadd(self.topics, topic)
                    pipe.execute()
                return
            except Exception:
                self._failed("mark")
        self.fallback.mark(consultation_id, name, key)

    def _claim(self, tick: int) -> bool:
        return bool(self.client.set(f"{self.topics}:tick:{tick}", 1, nx=True, ex=10))

    def take(self, tick: int | None = None) -> dict[tuple[int, str], set[Any]]:
        """Everything marked, if this worker wins `tick` (None: take it regardless)."""
        taken = self.fallback.take()
        if not self._available():
            return taken
        try:
            if tick is not None and not self._claim(tick):
                return taken  # another worker flushes this tick
            while topics := self.client.spop(self.topics, self.BATCH):
                for topic in topics:
                    with self.client.pipeline(transaction=True) as pipe:
                        pipe.smembers(self._keys_of(topic))
                        pipe.delete(self._keys_of(topic))
                        keys, _ = pipe.execute()
                    consultation_id, name = json.loads(topic)
                    taken.setdefault((consultation_id, name), set()).update(
                        _hashable(json.loads(key)) for key in keys
                    )
                if len(topics) < self.BATCH:
                    break
        except Exception:
            self._failed("flush")
        return taken


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if isinstance(value, list) else value


class Counts:
    """Counts by (database, what), each at the latest revision counted, most recently
    used kept: a reconnect storm re-reads no ballots.

    A feature counts something whose revision moves in the same transaction as any
    change to what it counts (a poll's revision), so a committed revision stands for
    exactly one count. Only read transactions fill it: a write that rolls back must
    not leave its revision behind.
    """

    def __init__(self, size: int = 256) -> None:
        self._counts: RecentlyUsed[tuple[str, Hashable], Any] = RecentlyUsed(size)

    def get(self, tx: Session, key: Hashable, revision: int, count: Callable[[], T]) -> T:
        """The count under `key` at `revision` in `tx`'s database, counted by `count()`
        if not kept."""
        counted, _ = self._counts.get((str(tx.get_bind().engine.url), key), revision, count)
        return cast(T, counted)


_COUNTS = "baraza.counts"


def reading_counts(tx: Session, counts: Counts) -> None:
    """Let the parts reading in `tx` (a read transaction: a snapshot) use `counts`."""
    tx.info[_COUNTS] = counts


def counts_of(tx: Session) -> Counts | None:
    """The application's `Counts` a read transaction was given (`reading_counts`), if any."""
    counts = tx.info.get(_COUNTS)
    return counts if isinstance(counts, Counts) else None


class Tallies:
    """One application's coalesced tallies: what is dirty, how often it is flushed, and
    the counts kept for read transactions (`counts`)."""

    def __init__(self, interval: float = INTERVAL, room_rate: int = ROOM_RATE) -> None:
        self.interval = interval
        self.room_rate = room_rate
        self.dirty: DirtySet | RedisDirtySet = DirtySet()
        self.counts = Counts()

    def share_through(self, client: Any | None, prefix: str) -> None:
        """Keep the dirty set in Redis (`client`) so workers share it, or in memory (None)."""
        self.dirty = DirtySet() if client is None else RedisDirtySet(client, prefix)

    def mark(self, consultation_id: int, name: str, key: Any = None) -> None:
        """Push topic `name` of the consultation at a coming tick (`key`: what changed)."""
        self.dirty.mark(consultation_id, name, key)

    def due(self, every: float, tick: int | None, room: int = 0) -> bool:
        """Whether a topic pushed at most once per `every` seconds, to `room` people, may
        go out on wall-clock `tick` (None: always, as tests flush)."""
        if tick is None:
            return True
        by_topic = round(every / self.interval)
        by_room = math.ceil(room / (self.room_rate * self.interval))
        return tick % max(1, by_topic, by_room) == 0


def flush(core: Core, tick: int | None = None, give_way: Callable[[], None] = lambda: None) -> int:
    """Render and push `core`'s dirty topics due on `tick`; return how many messages went out.

    A topic taken before its tick, or whose rendering failed, is marked again, so no
    change is lost; one topic failing does not hold back the others. `give_way` is
    called after each topic's pushes: a vote's flush renders and pushes several topics
    to the whole room, 35–50 ms in one run on SQLite, and a moderator's action waited
    for all of them (docs/performance.md, step 95).
    """
    tallies = core.tallies
    topics = core.wiring.topics
    rooms: dict[int, int] = {}
    sent = 0
    for (consultation_id, name), keys in tallies.dirty.take(tick).items():
        topic = topics.get(name)
        if topic is None:
            log.error("no renderer for tally topic %s", name)
            continue
        if tick is not None and consultation_id not in rooms:
            rooms[consultation_id] = room_size(core, consultation_id)
        if not tallies.due(topic.every, tick, rooms.get(consultation_id, 0)):
            _mark_again(tallies, consultation_id, name, keys)
            continue
        try:
            pushes = list(topic.render(core, consultation_id, frozenset(keys)))
        except Exception:  # the database restarting: the next tick tries again
            log.exception("tally %s of consultation %s not rendered", name, consultation_id)
            _mark_again(tallies, consultation_id, name, keys)
            continue
        for push in pushes:
            emitter.push_state(consultation_id, push.roles, push.name, push.data)
            metrics.TALLY_PUSHES.labels(name).inc()
            sent += 1
        give_way()
    return sent


def _mark_again(tallies: Tallies, consultation_id: int, name: str, keys: Iterable[Any]) -> None:
    for key in keys:
        tallies.mark(consultation_id, name, key)


def room_size(core: Core, consultation_id: int) -> int:
    """How many a push to the consultation reaches; 0 if unsized (pushed at every tick)."""
    size = core.wiring.room_size
    return 0 if size is None else size(core, consultation_id)


def run_flusher(core: Core) -> None:
    """Forever: flush the dirty tallies at each tick of the wall clock.

    Every worker ticks at the same instants and, with the shared dirty set, only
    the one that claims a tick flushes it: one push per topic per tick for the
    whole cluster (workers' clocks must agree to well within a tick).
    """
    from .socket import socketio

    interval = core.tallies.interval
    while True:
        socketio.sleep(interval - time.time() % interval)
        try:
            flush(core, round(time.time() / interval), give_way=lambda: socketio.sleep(0))
        except Exception:  # a failed flush must not stop the next ones
            log.exception("tally flush failed")
