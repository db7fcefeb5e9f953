"""How many people are connected now, kept on the consultation by the arrivals and
departures (`Consultation.present`, and `attendees_present`, a poll's turnout).

A snapshot reads the kept count instead of counting the room: at 09:30 two thousand
ways in each counted it twice. A person counts once however many pages they have open,
from their first connection to the last one forgotten; staff count among the people
present, not among the attendees. Under test every snapshot also counts the room and
fails on a difference (`check_head_count`), so any path that drifts fails there too.
"""

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

import pytest
import sqlalchemy as sa
from sqlalchemy import delete, select, update

from server.core.departures import Departures
from server.core.models import Connection, Consultation
from server.core.runtime import Core
from server.core.shared_views import SharedViews, StaleView
from server.core.store import Store
from server.features.consultations import snapshots
from server.features.presence import service as presence
from tests.conftest import WIRING, Clock, new_consultation
from tests.threads import together


def heads(core: Core, consultation_id: int) -> tuple[int, int]:
    """(people, attendees) connected, as kept; checked against the room counted."""
    with core.store.reading() as tx:
        kept = (
            snapshots.present_count(tx, consultation_id),
            snapshots.attendees_present(tx, consultation_id),
        )
        consultation = tx.get_one(Consultation, consultation_id)
        snapshots.check_head_count(tx, consultation)
    return kept


def test_a_person_counts_once_from_their_first_page_to_their_last(create_consultation, core):
    c = create_consultation()
    amina = c.join(display_name="Amina")

    presence.arrive(core, amina, f"{c.id}-phone", "w1")
    presence.arrive(core, amina, f"{c.id}-laptop", "w1")
    assert heads(core, c.id) == (1, 1)

    presence.leave(core, f"{c.id}-phone")
    assert heads(core, c.id) == (1, 1)
    presence.leave(core, f"{c.id}-laptop")
    assert heads(core, c.id) == (0, 0)


def test_staff_count_among_the_people_present_but_not_in_a_polls_turnout(create_consultation, core):
    c = create_consultation()
    presence.arrive(core, c.moderator, f"{c.id}-console", "w1")
    presence.arrive(core, c.join(display_name="Bola"), f"{c.id}-bola", "w1")

    assert heads(core, c.id) == (2, 1)
    assert snapshots.snapshot(core, c.moderator)["present"] == 2


def test_a_dropped_page_counts_through_its_grace_and_a_takeover_changes_nothing(
    create_consultation, core, clock
):
    core = replace(core, departures=Departures(10.0))
    c = create_consultation()
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-amina", "w1")
    presence.arrive(core, bola, f"{c.id}-bola", "w1")

    presence.close(core, f"{c.id}-amina", amina)
    presence.close(core, f"{c.id}-bola", bola)
    assert heads(core, c.id) == (2, 2)

    assert presence.take_over(core, amina, f"{c.id}-amina-again", "w1")
    clock.advance(seconds=11)
    presence.leave_due(core)
    assert heads(core, c.id) == (1, 1)


def test_a_restarted_worker_forgets_its_previous_runs_connections_and_counts_again(
    create_consultation, core
):
    c = create_consultation()
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-amina", "w1")
    presence.arrive(core, bola, f"{c.id}-bola", "w2")
    presence.arrive(core, c.moderator, f"{c.id}-console", "w1")

    presence.forget_worker(core, "w1")

    assert heads(core, c.id) == (1, 1)


def test_a_count_that_drifted_from_the_room_fails_the_check(create_consultation, core):
    c = create_consultation()
    presence.arrive(core, c.join(display_name="Amina"), f"{c.id}-amina", "w1")
    with core.store.transaction() as tx:
        tx.execute(update(Connection).where(Connection.consultation_id == c.id).values(worker="x"))
        tx.execute(update(Consultation).where(Consultation.id == c.id).values(present=5))

    with pytest.raises(StaleView):
        heads(core, c.id)


def test_arrivals_and_departures_through_two_workers_at_once_keep_the_count_exact(
    create_consultation, core
):
    """Two workers, each its own pool: every count is written under the consultation's lock."""
    other = replace(core, store=Store(core.store.engine.url.render_as_string(hide_password=False)))
    c = create_consultation()
    people = [c.join(display_name=f"P{n}") for n in range(40)]
    for n, person in enumerate(people[:20]):
        presence.arrive(core, person, f"{c.id}-{n}", "w1")

    try:
        together(
            [
                *(
                    partial(presence.arrive, other, person, f"{c.id}-{n}", "w2")
                    for n, person in enumerate(people[20:], start=20)
                ),
                *(partial(presence.leave, core, f"{c.id}-{n}") for n in range(10)),
            ]
        )
    finally:
        other.store.dispose()

    assert heads(core, c.id) == (30, 30)


@pytest.fixture
def pg_core(pg_url: str, clock: Clock) -> Iterator[Core]:
    store = Store(pg_url)
    yield Core(store, clock, shared=SharedViews(check=True), wiring=WIRING)
    store.dispose()


def waiting_for_a_lock(connection: sa.Connection) -> bool:
    """Whether another PostgreSQL session waits for a lock (a row's, here)."""
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()"
    return bool(connection.exec_driver_sql(query).scalar())


@pytest.mark.postgres
def test_a_worker_forgetting_its_connections_locks_their_consultation_before_them(pg_core):
    """As every departure does: a departure through another worker, holding the
    consultation and deleting the same rows, would otherwise deadlock with it (the
    rolling restart's drain found it)."""
    c = new_consultation(pg_core)
    presence.arrive(pg_core, c.join(display_name="Amina"), f"{c.id}-amina", "w1")
    locked = select(Consultation.id).where(Consultation.id == c.id).with_for_update()

    with pg_core.store.engine.connect() as departure:  # through another worker
        departure.execute(locked)
        forgetting = threading.Thread(target=presence.forget_worker, args=(pg_core, "w1"))
        forgetting.start()
        deadline = time.monotonic() + 10
        while not waiting_for_a_lock(departure):
            assert time.monotonic() < deadline, "forget_worker never waited"
            time.sleep(0.01)
        departure.execute(delete(Connection).where(Connection.sid == f"{c.id}-amina"))
        departure.commit()
    forgetting.join(timeout=30)

    assert not forgetting.is_alive()
    assert heads(pg_core, c.id) == (0, 0)
