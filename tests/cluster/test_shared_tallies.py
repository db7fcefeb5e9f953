"""The dirty set of coalesced tallies, shared by workers through Redis."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from server.core.tallies import RedisDirtySet
from server.realtime.cluster import redis_client
from tests.cluster.conftest import SHARED_REDIS

pytestmark = pytest.mark.redis


@pytest.fixture
def workers():
    """Two workers' dirty sets on one Redis prefix of this test's own."""
    prefix = f"baraza-test-{uuid.uuid4().hex[:10]}"
    clients = [redis_client(SHARED_REDIS), redis_client(SHARED_REDIS)]
    yield [RedisDirtySet(client, prefix) for client in clients]
    keys = list(clients[0].scan_iter(f"{prefix}:*"))
    if keys:
        clients[0].delete(*keys)
    for client in clients:
        client.close()


def test_each_mark_is_taken_by_exactly_one_worker(workers):
    for n in range(300):
        workers[n % 2].mark(n % 30, "poll_results", n)
    takes: list[dict] = [{}, {}]

    def take(i: int) -> None:
        takes[i] = workers[i].take()

    threads = [threading.Thread(target=take, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(takes[0]) & set(takes[1])  # no topic rendered twice
    keys = [key for taken in takes for keys in taken.values() for key in keys]
    assert sorted(keys) == list(range(300))  # none lost


def test_only_the_worker_that_claims_a_tick_flushes_it(workers):
    workers[0].mark(1, "presence")
    workers[1].mark(1, "presence")
    assert workers[1].take(tick=42) == {(1, "presence"): {None}}
    workers[0].mark(1, "presence")
    assert workers[0].take(tick=42) == {}  # tick 42 was worker 1's
    assert workers[0].take(tick=43) == {(1, "presence"): {None}}


def test_keys_come_back_as_they_were_marked(workers):
    workers[0].mark(7, "poll_results", (3, "yes"))
    workers[0].mark(7, "poll_results", 5)
    assert workers[1].take() == {(7, "poll_results"): {(3, "yes"), 5}}


def test_without_redis_marks_stay_with_the_worker_and_do_not_wait():
    unreachable = RedisDirtySet(redis_client("redis://127.0.0.1:1/0"), "nowhere")
    started = time.monotonic()
    for n in range(100):
        unreachable.mark(3, "poll_results", n)
    assert unreachable.take(tick=1) == {(3, "poll_results"): set(range(100))}
    assert time.monotonic() - started < 1
