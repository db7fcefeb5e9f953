"""What one worker counts for Prometheus: every metric is defined here (docs/deployment.md,
"Watching a consultation").

Each worker is its own process on its own port, so each keeps its own registry
and is scraped on its own; every sample carries a `worker` label (host:pid)
added when scraped, so nothing on a hot path looks a label up for it.

What is counted per message sent (every Socket.IO message to every client) is
a plain integer, read when scraped: no lock per message.
"""

from __future__ import annotations

import gc
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import greenlet
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

# Seconds: from a cached read (1 ms) to DATABASE_TIMEOUT (5 s) and beyond.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Seconds: a loop late by a few milliseconds is normal, by a second people notice.
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

JOINS = Counter("baraza_joins", "Attendees admitted with a join code.", registry=REGISTRY)
COMMANDS = Counter(
    "baraza_commands",
    "Commands answered, by command and outcome (`ok` or the error code).",
    ["command", "outcome"],
    registry=REGISTRY,
)
COMMAND_SECONDS = Histogram(
    "baraza_command_seconds",
    "A command's own work: validate, change state, commit (its handler).",
    ["command"],
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
ACKNOWLEDGEMENT_SECONDS = Histogram(
    "baraza_acknowledgement_seconds",
    "From a command's message to its acknowledgement: rate check, receipt, the command,"
    " publishing its events.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
EVENT_LOOP_LAG = Histogram(
    "baraza_event_loop_lag_seconds",
    "How late the event loop woke a green thread that sleeps one second.",
    buckets=LAG_BUCKETS,
    registry=REGISTRY,
)
GC_PAUSE_SECONDS = Histogram(
    "baraza_gc_pause_seconds",
    "Garbage collections, by generation: every green thread waits for each"
    " (its own time: not what other green threads ran while a finalizer yielded to them).",
    ["generation"],
    buckets=LAG_BUCKETS,
    registry=REGISTRY,
)
GC_YIELDED = Counter(
    "baraza_gc_yielded",
    "Garbage collections during which a finalizer yielded to other green threads.",
    ["generation"],
    registry=REGISTRY,
)
for generation in range(3):  # shown from the start, at zero
    GC_PAUSE_SECONDS.labels(str(generation))
    GC_YIELDED.labels(str(generation))
DATABASE_POOL_TIMEOUTS = Counter(
    "baraza_database_pool_timeouts",
    "Requests that waited DATABASE_TIMEOUT for a pooled connection and were answered try_again.",
    registry=REGISTRY,
)
REDIS_PUBLISH_SECONDS = Histogram(
    "baraza_redis_publish_seconds",
    "Publishing one Socket.IO message to the other workers through Redis.",
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
TALLY_PUSHES = Counter(
    "baraza_tally_pushes",
    "Coalesced state pushed to a room (vote counts, presence), by topic.",
    ["topic"],
    registry=REGISTRY,
)
UNKNOWN_COMMAND = "unknown"


def command_answered(name: str, known: bool, reply: dict[str, Any], seconds: float) -> None:
    """Count an acknowledgement; a name no command has is counted as `unknown` (a client
    choosing label values would make as many series as it likes)."""
    outcome = "ok" if reply.get("ok") else reply["error"]["code"]
    COMMANDS.labels(name if known else UNKNOWN_COMMAND, outcome).inc()
    ACKNOWLEDGEMENT_SECONDS.observe(seconds)


class Sent:
    """Socket.IO messages written to clients and their bytes: plain integers."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self._last: tuple[object, int] = (None, 0)

    def count(self, packet: Any) -> None:
        """Count one message to one client. A broadcast sends one packet object to each
        member of the room: its size is measured once, for the first."""
        last, size = self._last
        if packet is not last:
            data = packet.data
            size = len(data.encode() if isinstance(data, str) else data or b"") + 1
            self._last = (packet, size)
        self.messages += 1
        self.bytes += size


SENT = Sent()


def count_sent_messages(engineio_server: Any) -> None:
    """Count every message the Engine.IO server sends: the one call every Socket.IO
    message to a client goes through (events, acknowledgements, state pushes)."""
    send_packet = engineio_server.send_packet

    def counted(sid: str, packet: Any) -> Any:
        SENT.count(packet)
        return send_packet(sid, packet)

    engineio_server.send_packet = counted


class ReadWhenScraped(Collector):
    """Values read from the running worker at each scrape: connections held, the
    database pool, and what was sent."""

    def __init__(self) -> None:
        self.roles: Callable[[], Iterable[str]] = tuple
        self.pool: Callable[[], Any] = lambda: None

    def collect(self) -> Iterator[Metric]:
        connections = GaugeMetricFamily(
            "baraza_connections", "Socket.IO connections held, by role.", labels=["role"]
        )
        for role, count in sorted(Tally(self.roles()).items()):
            connections.add_metric([role], count)
        yield connections
        yield CounterMetricFamily(
            "baraza_messages_sent", "Socket.IO messages sent to clients.", value=SENT.messages
        )
        yield CounterMetricFamily(
            "baraza_sent_bytes", "Bytes of Socket.IO messages sent to clients.", value=SENT.bytes
        )
        pool = self.pool()
        if hasattr(pool, "checkedout") and hasattr(pool, "overflow"):
            yield GaugeMetricFamily(
                "baraza_database_pool_in_use", "Pooled connections in use.", value=pool.checkedout()
            )
            yield GaugeMetricFamily(
                "baraza_database_pool_overflow",
                "Connections open beyond the pool's size (negative: idle room in the pool).",
                value=pool.overflow(),
            )


READ_WHEN_SCRAPED = ReadWhenScraped()
REGISTRY.register(READ_WHEN_SCRAPED)


def watch(roles: Callable[[], Iterable[str]], pool: Callable[[], Any]) -> None:
    """Read these connections' roles and this database pool at each scrape."""
    READ_WHEN_SCRAPED.roles = roles
    READ_WHEN_SCRAPED.pool = pool


class GarbageCollectionTimer:
    """Times each collection as the green threads waiting for it see it.

    A collection runs finalizers, and under eventlet a finalizer may yield (a socket
    closing, a pooled connection going back): the hub then runs other green threads
    before the collection ends. Measured on a test script, a young collection whose
    finalizer slept 50 ms "paused" 50 ms while another green thread ran 46 times.
    So the time counted is the collecting green thread's own: from the start to the
    end, less what ran elsewhere between its switching out and back in (a switch
    trace, set only while collecting); yielding collections are also counted.
    """

    def __init__(
        self,
        pauses: Histogram = GC_PAUSE_SECONDS,
        yielded: Counter = GC_YIELDED,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.pauses, self.yielded, self.clock = pauses, yielded, clock
        self.collector: greenlet.greenlet | None = None
        self.running_since = 0.0
        self.own = 0.0
        self.switched = False
        self.previous_trace: Any = None

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self.own, self.switched = 0.0, False
            try:
                self.collector = greenlet.getcurrent()
                self.previous_trace = greenlet.settrace(self._on_switch)
            except RuntimeError:  # a greenlet being finalized: timed whole, as it cannot yield
                self.collector = None
            self.running_since = self.clock()
            return
        self.own += self.clock() - self.running_since
        if self.collector is not None:
            greenlet.settrace(self.previous_trace)
        generation = str(info["generation"])
        self.pauses.labels(generation).observe(self.own)
        if self.switched:
            self.yielded.labels(generation).inc()

    def _on_switch(self, event: str, args: Any) -> None:
        if event in ("switch", "throw"):
            origin, target = args
            if origin is self.collector:
                self.own += self.clock() - self.running_since
                self.switched = True
            elif target is self.collector:
                self.running_since = self.clock()
        if self.previous_trace is not None:
            self.previous_trace(event, args)


def time_garbage_collections() -> None:
    """Time every collection (gc.callbacks run around each, on the thread collecting)."""
    if not any(isinstance(callback, GarbageCollectionTimer) for callback in gc.callbacks):
        gc.callbacks.append(GarbageCollectionTimer())


class _WithWorker(Collector):
    def __init__(self, worker: str) -> None:
        self.worker = worker

    def collect(self) -> Iterator[Metric]:
        for metric in REGISTRY.collect():
            metric.samples = [
                Sample(s.name, {**s.labels, "worker": self.worker}, *s[2:]) for s in metric.samples
            ]
            yield metric


def exposition(worker: str) -> bytes:
    """Every metric of this worker in Prometheus' text format, labelled with `worker`."""
    labelled = CollectorRegistry(auto_describe=False)
    labelled.register(_WithWorker(worker))
    return generate_latest(labelled)
