"""Faults survived: a worker killed, Redis restarted, the database out of reach.

In each, clients end with exactly the events of the log — nothing lost, nothing
twice — and every command a client sent took effect exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from server.core.models import Connection, Event
from tests.cluster.faults import RedisServer, relayed

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def public_seqs_after(cluster, consultation, seq: int) -> list[int]:
    with cluster.core.store.reading() as tx:
        return list(
            tx.scalars(
                select(Event.seq)
                .where(
                    Event.consultation_id == consultation.id,
                    Event.visibility == "public",
                    Event.seq > seq,
                )
                .order_by(Event.seq)
            )
        )


def assert_in_step(cluster, consultation, attendees, timeout: float = 30) -> None:
    """Every attendee holds exactly the public events logged since it started."""
    _, last_public = cluster.last_seqs(consultation)
    for attendee in attendees:
        attendee.wait_for_seq(last_public, timeout)
        applied = [e["seq"] for e in attendee.applied]
        assert applied == public_seqs_after(cluster, consultation, attendee.start_seq)


def titles_added(cluster, consultation) -> list[str]:
    with cluster.core.store.reading() as tx:
        payloads = tx.scalars(
            select(Event.payload).where(
                Event.consultation_id == consultation.id, Event.type == "item_added"
            )
        )
        return [payload["title"] for payload in payloads]


def test_a_killed_workers_people_catch_up_on_another_and_nothing_is_lost_or_doubled(
    start_cluster,
):
    cluster = start_cluster(workers=2)
    c = cluster.consultation()
    attendees = [cluster.follow(n % 2, cluster.join(c, f"Attendee {n}")) for n in range(5)]
    moderator = cluster.follow(0, c.moderator_token)
    doomed = cluster.workers[0]
    run = uuid.uuid4().hex
    titles = [f"Point {n}" for n in range(20)]
    acks: list[dict] = []

    def chair() -> None:
        for n, title in enumerate(titles):
            payload = {"title": title, "minutes": 1, "command_id": f"{run}-{n:04d}"}
            acks.append(moderator.call_until_answered("add_item", payload))
            if n == 6:
                doomed.process.kill()  # SIGKILL, mid-consultation
            time.sleep(0.05)

    thread = threading.Thread(target=chair)
    thread.start()
    thread.join(timeout=120)
    assert acks == [{"ok": True}] * len(titles)
    assert doomed.process.wait(timeout=5) == -9

    assert sorted(titles_added(cluster, c)) == sorted(titles)  # each exactly once
    assert_in_step(cluster, c, attendees)
    survivors = [a for a in attendees if a.url == cluster.urls[1]]
    assert len(survivors) == len(attendees)
    assert all(a.reconnects == 1 for a in attendees[::2])

    # The dead worker's connections are forgotten: presence counts people really here.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        with cluster.core.store.reading() as tx:
            stale = tx.scalar(
                select(func.count())
                .select_from(Connection)
                .where(
                    Connection.consultation_id == c.id,
                    Connection.worker.like(f"%:{doomed.process.pid}"),
                )
            )
        if stale == 0:
            break
        time.sleep(0.5)
    assert stale == 0
    assert attendees[1].call("sync")["snapshot"]["present"] == len(attendees) + 1
    left = [e for e in moderator.applied if e["type"] == "participant_left"]
    assert left == []  # everyone moved over; nobody is logged as gone


def test_broadcasting_resumes_by_itself_after_redis_restarts(start_cluster, tmp_path):
    redis_server = RedisServer(tmp_path)
    try:
        cluster = start_cluster(workers=2, redis_url=redis_server.url)
        c = cluster.consultation()
        attendee = cluster.follow(0, cluster.join(c, "Far away"))
        moderator = cluster.follow(1, c.moderator_token)
        items = c.item_ids()
        assert moderator.call("start_item", {"item_id": items[0]}) == {"ok": True}
        attendee.wait_until(lambda: "item_started" in attendee.types())

        redis_server.stop()
        assert moderator.call("next_item") == {"ok": True}  # logged; not heard across workers
        time.sleep(1)
        assert attendee.types().count("item_started") == 1
        redis_server.start()
        back = time.monotonic()

        # Nothing else happens, yet the attendee catches up on what it missed...
        assert_in_step(cluster, c, [attendee], timeout=20)
        print(f"caught up {time.monotonic() - back:.1f} s after Redis came back")
        assert attendee.types().count("item_started") == 2
        # ...and new events reach it live again.
        resyncs = attendee.resyncs
        assert moderator.call("next_item") == {"ok": True}
        assert_in_step(cluster, c, [attendee], timeout=10)
        assert attendee.resyncs == resyncs, cluster.logs()[-20000:]  # the workers say why
        assert all(worker.process.poll() is None for worker in cluster.workers)
    finally:
        redis_server.stop()


def test_commands_answer_try_again_while_the_database_is_away_then_work_again(
    start_cluster, pg_url
):
    relay, through_relay = relayed(pg_url, 5432)
    cluster = start_cluster(workers=2, database_url=through_relay)
    c = cluster.consultation()
    attendee = cluster.follow(1, cluster.join(c, "Patient"))
    moderator = cluster.follow(0, c.moderator_token)
    items = c.item_ids()
    assert moderator.call("start_item", {"item_id": items[0]}) == {"ok": True}
    before = cluster.last_seqs(c)

    relay.cut()
    payload = {"command_id": f"outage-{uuid.uuid4().hex}"}
    refused = moderator.call("next_item", payload)
    assert refused["ok"] is False and refused["error"]["code"] == "try_again"
    assert refused["error"]["message"]
    over_http = requests.post(
        f"{cluster.urls[1]}/api/commands/next_item",
        json={},
        headers={"Authorization": f"Bearer {c.moderator_token}"},
        timeout=10,
    )
    assert over_http.status_code == 503
    assert over_http.json()["error"]["code"] == "try_again"
    assert cluster.last_seqs(c) == before  # nothing half-written

    relay.restore()
    assert moderator.call_until_answered("next_item", payload) == {"ok": True}
    assert moderator.call("next_item", payload) == {"ok": True}  # a repeat: no effect
    assert_in_step(cluster, c, [attendee])
    assert attendee.types().count("item_started") == 2
    assert all(worker.process.poll() is None for worker in cluster.workers)
    relay.cut()
