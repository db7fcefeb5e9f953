"""How many people are connected now, kept on the consultation by the arrivals and
departures (`Consultation.present`, and `attendees_present`, a poll's turnout).

A snapshot reads the kept count instead of counting the room: at 09:30 two thousand
ways in each counted it twice. A person counts once however many pages they have open,
from their first connection to the last one forgotten; staff count among the people
present, not among the attendees. Under test every snapshot also counts the room and
fails on a difference (`check_head_count`), so any path that drifts fails there too.
"""

from dataclasses import replace
from functools import partial

import pytest
from sqlalchemy import update

from server.core.departures import Departures
from server.core.models import Connection, Consultation
from server.core.runtime import Core
from server.core.shared_views import StaleView
from server.core.store import Store
from server.features.consultations import snapshots
from server.features.presence import service as presence
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
