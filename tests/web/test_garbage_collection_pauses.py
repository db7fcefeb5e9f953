"""A garbage collection's pause is what the green threads wait for it, not what they ran
while one of its finalizers yielded to them (server/metrics.py, GarbageCollectionTimer).

Under eventlet a finalizer may switch green threads (a socket closing, a pooled
connection going back); the collection then ends only once the hub comes back to it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import greenlet
import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram

from server.metrics import GarbageCollectionTimer


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def timer(clock: Clock, registry: CollectorRegistry) -> GarbageCollectionTimer:
    pauses = Histogram("pauses", "", ["generation"], buckets=(0.01, 0.1), registry=registry)
    yielded = Counter("yielded", "", ["generation"], registry=registry)
    yielded.labels("0")
    return GarbageCollectionTimer(pauses, yielded, clock)


@pytest.fixture
def timing(timer: GarbageCollectionTimer) -> Iterator[None]:
    """The timer around every collection, and no collection but the test's own."""
    gc.disable()
    gc.callbacks.append(timer)
    yield
    gc.callbacks.remove(timer)
    gc.enable()


def pauses(registry: CollectorRegistry) -> tuple[float | None, float | None, float | None]:
    """(collections timed, seconds in all, collections that yielded), generation 0."""
    labels = {"generation": "0"}
    return (
        registry.get_sample_value("pauses_count", labels),
        registry.get_sample_value("pauses_sum", labels),
        registry.get_sample_value("yielded_total", labels),
    )


def test_a_collection_is_timed_from_its_start_to_its_end(timer, clock, registry):
    timer("start", {"generation": 0})
    clock.advance(0.004)
    timer("stop", {"generation": 0, "collected": 10, "uncollectable": 0})

    assert pauses(registry) == (1, pytest.approx(0.004), 0)


def test_what_other_green_threads_run_while_a_finalizer_yields_is_not_the_collections(
    timing, clock, registry
):
    collecting = greenlet.getcurrent()

    def another_green_thread() -> None:
        clock.advance(0.050)  # 50 ms of somebody else's work
        collecting.switch()

    other = greenlet.greenlet(another_green_thread)

    class ClosesASocketWhenCollected:
        def __del__(self) -> None:
            other.switch()  # as eventlet's hub does when a finalizer waits

    garbage = ClosesASocketWhenCollected()
    garbage.itself = garbage  # a cycle: only a collection frees it
    del garbage
    gc.collect(0)

    other.switch()  # let it end
    count, seconds, yielded = pauses(registry)
    assert (count, yielded) == (1, 1)
    assert seconds == pytest.approx(0.0)  # the clock moved only in the other green thread
