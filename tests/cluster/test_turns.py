"""The cluster's periodic work in turns: the integrity check read by one worker per period."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from server.core.turns import RedisTurns
from server.features.integrity import service as integrity
from server.realtime import ticker
from server.realtime.cluster import redis_client
from tests.cluster.conftest import SHARED_REDIS
from tests.cluster.faults import relayed

pytestmark = pytest.mark.redis


@pytest.fixture
def prefix():
    """A Redis key prefix of this test's own, its keys deleted after."""
    prefix = f"baraza-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis_client(SHARED_REDIS)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def worker(core, prefix, ran):
    """A worker of the cluster: `core` with its own Redis connection for turns, and the
    clock's checks, each noting its run in `ran` instead of checking."""

    def noting(check):
        def run(_core):
            ran.append(check.run)
            return []

        return replace(check, run=run)

    turns = RedisTurns(redis_client(SHARED_REDIS), prefix)
    return replace(core, turns=turns), [noting(check) for check in ticker.CHECKS]


def test_one_worker_of_a_cluster_runs_the_integrity_check_each_period(core, clock, prefix):
    ran: list[object] = []
    workers = [worker(core, prefix, ran), worker(core, prefix, ran)]

    for number in range(1, 4 * ticker.INTEGRITY_TICKS + 1):  # four periods of 10 s
        for each, checks in workers:
            ticker.tick(each, number, checks)
        clock.advance(ticker.TICK_SECONDS)

    assert ran.count(integrity.check_due) == 4  # once a period, not once a worker
    for check in ticker.CHECKS:  # the others on every worker, every tick
        if check.run is not integrity.check_due:
            assert ran.count(check.run) == 2 * 4 * ticker.INTEGRITY_TICKS


def test_a_period_is_taken_once_whichever_worker_asks_first(prefix):
    first, second = (RedisTurns(redis_client(SHARED_REDIS), prefix) for _ in range(2))
    assert second.take("integrity", 7)
    assert not first.take("integrity", 7)
    assert first.take("integrity", 8)
    assert not second.take("integrity", 8)
    assert first.take("retention", 8)  # each duty its own turns


def test_without_redis_every_worker_takes_the_turn_rather_than_leave_it_undone(caplog):
    unreachable = [RedisTurns(redis_client("redis://127.0.0.1:1/0"), "nowhere") for _ in range(2)]
    assert [turns.take("integrity", 1) for turns in unreachable] == [True, True]
    assert "Redis unreachable" in caplog.text


def test_after_redis_failed_a_worker_takes_its_turns_without_asking_it_for_a_while(prefix):
    relay, through_relay = relayed(SHARED_REDIS, 6379)
    now = [0.0]
    mine = RedisTurns(redis_client(through_relay), prefix, timer=lambda: now[0])
    other = RedisTurns(redis_client(SHARED_REDIS), prefix)
    try:
        relay.cut()
        assert mine.take("integrity", 1)  # Redis away: taken here
        relay.restore()

        assert other.take("integrity", 2)
        assert mine.take("integrity", 2)  # not asked: taken here, though the other has it
        now[0] += RedisTurns.PAUSE_SECONDS
        assert other.take("integrity", 3)
        assert not mine.take("integrity", 3)  # asked again: the other's
    finally:
        relay.cut()


def test_a_worker_alone_takes_every_turn(core):
    assert [core.turns.take("integrity", period) for period in (1, 1, 2)] == [True, True, True]
