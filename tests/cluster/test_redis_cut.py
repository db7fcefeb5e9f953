"""A worker cut off from Redis long enough to be declared dead comes back whole.

The other worker forgets its connections (its heartbeat stopped) and logs its
people as gone; they stay connected and active on it, so once it is back it
records them again and they count as present again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.core.models import Connection, Event
from tests.cluster.conftest import SHARED_REDIS
from tests.cluster.faults import relayed
from tests.conftest import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def recorded(cluster, consultation, pid: int) -> int:
    """How many connections of `consultation` the database holds for the worker `pid`."""
    with cluster.core.store.reading() as tx:
        return tx.scalar(
            select(func.count())
            .select_from(Connection)
            .where(
                Connection.consultation_id == consultation.id,
                Connection.worker.like(f"%:{pid}"),
            )
        )


def presence_events(cluster, consultation) -> list[tuple[str, int]]:
    with cluster.core.store.reading() as tx:
        rows = tx.execute(
            select(Event.type, Event.payload)
            .where(
                Event.consultation_id == consultation.id,
                Event.type.in_(["participant_arrived", "participant_left"]),
            )
            .order_by(Event.seq)
        )
        return [(kind, payload["participant_id"]) for kind, payload in rows]


def test_a_worker_back_from_a_redis_cut_records_its_people_again(start_cluster):
    cluster = start_cluster(workers=1)
    relay, through_relay = relayed(SHARED_REDIS, 6379)
    cluster.env = {**cluster.env, "REDIS_URL": through_relay}
    cut_off = cluster.start_worker()
    c = cluster.consultation()
    moderator = cluster.follow(0, c.moderator_token)
    people = [cluster.follow(1, cluster.join(c, f"Steady {n}"), reconnect=False) for n in range(3)]
    wait_until(lambda: recorded(cluster, c, cut_off.process.pid) == len(people), 10, every=0.5)

    relay.cut()
    # The other worker declares it dead (6 s without a beat, then 6 s more)...
    wait_until(lambda: recorded(cluster, c, cut_off.process.pid) == 0, 40, every=0.5)
    assert moderator.call("sync")["snapshot"]["present"] == 1
    relay.restore()

    # ...and once it is back, its people are present again, without reconnecting.
    wait_until(lambda: recorded(cluster, c, cut_off.process.pid) == len(people), 20, every=0.5)
    assert moderator.call("sync")["snapshot"]["present"] == len(people) + 1
    assert all(person.client.connected for person in people)
    assert all(person.call("sync")["ok"] for person in people)
    for person in people:
        me = person.snapshot["me"]["participant_id"]
        mine = [kind for kind, who in presence_events(cluster, c) if who == me]
        assert mine == ["participant_arrived", "participant_left", "participant_arrived"]
    assert "back in the cluster: recording 3 connections again" in cut_off.output.read_text()
    relay.cut()
