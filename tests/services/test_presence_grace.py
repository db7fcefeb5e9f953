"""A dropped link that comes back within seconds is neither a departure nor an arrival.

With a grace (core/departures.py, PRESENCE_GRACE) a closed connection still counts as
present; the ticker's `leave_due` forgets it once the grace has run out, logging the
person's departure only if no other connection of theirs is open by then.
"""

from dataclasses import replace

import pytest
from sqlalchemy import select

from server.core.access import hash_token
from server.core.departures import Departures
from server.core.errors import DomainError, Forbidden
from server.core.models import Connection, Event
from server.core.store import Store
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import present_count
from server.features.presence import service as presence

GRACE = 10.0


@pytest.fixture
def core(core):
    """The application's core with a presence grace of 10 s (the default configuration)."""
    return replace(core, departures=Departures(GRACE))


def presence_log(core, consultation_id):
    """(type, name, head count, seconds after the first) of each presence event, in order."""
    with core.store.reading() as tx:
        rows = tx.scalars(
            select(Event)
            .where(
                Event.consultation_id == consultation_id,
                Event.type.in_(["participant_arrived", "participant_left"]),
            )
            .order_by(Event.seq)
        ).all()
    first = rows[0].created_at if rows else None
    return [
        (
            row.type,
            row.payload["display_name"],
            row.payload["present"],
            (row.created_at - first).total_seconds(),
        )
        for row in rows
    ]


def present(core, consultation_id):
    with core.store.reading() as tx:
        return present_count(tx, consultation_id)


def rows_of(core, consultation_id):
    """The sids of the consultation's presence rows (sids are unique across the database:
    each test's start with its consultation's id, left out here)."""
    with core.store.reading() as tx:
        query = select(Connection.sid).where(Connection.consultation_id == consultation_id)
        return sorted(sid.removeprefix(f"{consultation_id}-") for sid in tx.scalars(query))


def amina_dropped(core, c, device):
    """Amina and Bola connected (Bola's phone), then Amina's `device` dropped: Amina."""
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-{device}", "worker-1")
    presence.arrive(core, bola, f"{c.id}-bola-phone", "worker-1")
    presence.close(core, f"{c.id}-{device}", amina)
    return amina


def test_a_person_back_within_the_grace_is_neither_logged_leaving_nor_arriving(
    create_consultation, core, clock
):
    c = create_consultation()
    amina = c.join(display_name="Amina")
    presence.arrive(core, amina, f"{c.id}-amina-wifi", "worker-1")

    assert presence.close(core, f"{c.id}-amina-wifi", amina) == (None, [])
    clock.advance(3)
    assert presence.arrive(core, amina, f"{c.id}-amina-mobile-data", "worker-1") == []
    assert present(core, c.id) == 1
    clock.advance(GRACE)
    assert presence.leave_due(core) == []

    assert presence_log(core, c.id) == [("participant_arrived", "Amina", 1, 0.0)]
    assert rows_of(core, c.id) == ["amina-mobile-data"]
    assert present(core, c.id) == 1


def test_a_person_who_does_not_come_back_is_logged_leaving_once_the_grace_runs_out(
    create_consultation, core, clock
):
    c = create_consultation()
    amina_dropped(core, c, "amina-phone")
    clock.advance(GRACE - 1)
    assert presence.leave_due(core) == []
    assert present(core, c.id) == 2  # still counted: she may be back
    clock.advance(1)
    left = presence.leave_due(core)

    assert [(e.type, e.payload["display_name"], e.payload["present"]) for e in left] == [
        ("participant_left", "Amina", 1)
    ]
    # Logged when the grace ran out, so that the log's times follow its order.
    assert presence_log(core, c.id)[-1] == ("participant_left", "Amina", 1, GRACE)
    assert rows_of(core, c.id) == ["bola-phone"]
    assert present(core, c.id) == 1
    assert presence.leave_due(core) == []  # forgotten once


def test_the_departures_due_together_share_one_commit(
    create_consultation, core, clock, count_commits
):
    c = create_consultation()
    crowd = [c.join(display_name=f"Attendee {n}") for n in range(30)]
    for n, viewer in enumerate(crowd):
        presence.arrive(core, viewer, f"{c.id}-sid-{n}", "worker-1")
    for n in range(30):
        presence.close(core, f"{c.id}-sid-{n}", crowd[n])

    clock.advance(GRACE)
    commits = count_commits()
    left = presence.leave_due(core)

    assert len(commits) == 1
    assert [e.payload["present"] for e in left] == list(range(29, -1, -1))
    assert present(core, c.id) == 0


def test_a_stopping_worker_forgets_what_it_holds_without_waiting(create_consultation, core):
    c = create_consultation()
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-amina-1", "worker-1")
    presence.arrive(core, bola, f"{c.id}-bola-1", "worker-1")
    presence.close(core, f"{c.id}-amina-1", amina)
    presence.close(core, f"{c.id}-bola-1", bola)
    presence.arrive(core, bola, f"{c.id}-bola-2", "worker-1")  # already back

    left = presence.leave_held(core)

    assert [(e.type, e.payload["display_name"]) for e in left] == [("participant_left", "Amina")]
    assert rows_of(core, c.id) == ["bola-2"]
    assert len(core.departures) == 0


def test_without_a_grace_a_closed_connection_is_forgotten_at_once(create_consultation, core):
    c = create_consultation()
    amina = c.join(display_name="Amina")
    presence.arrive(core, amina, f"{c.id}-amina-phone", "worker-1")
    immediate = replace(core, departures=Departures(0))

    consultation_id, left = presence.close(immediate, f"{c.id}-amina-phone", amina)

    assert consultation_id == c.id
    assert [(e.type, e.payload["present"]) for e in left] == [("participant_left", 0)]
    assert len(immediate.departures) == 0


@pytest.fixture
def database_away(core):
    """The same core, its database unreachable (nothing listens on port 1)."""
    nowhere = Store("postgresql+psycopg2://baraza@127.0.0.1:1/nothing_listens_here")
    yield replace(core, store=nowhere)
    nowhere.dispose()


def test_departures_the_database_could_not_take_are_tried_again_on_a_later_tick(
    create_consultation, core, clock, database_away
):
    c = create_consultation()
    amina_dropped(core, c, "amina-phone")
    clock.advance(GRACE)

    with pytest.raises(DomainError):
        presence.leave_due(database_away)

    assert len(core.departures) == 1
    assert [e.type for e in presence.leave_due(core)] == ["participant_left"]


def test_a_failed_forget_holds_again_the_other_consultations_departures_too(
    create_consultation, core, clock, database_away
):
    first, second = create_consultation(), create_consultation()
    amina_dropped(core, first, "amina-phone")
    amina_dropped(core, second, "amina-laptop")
    clock.advance(GRACE)

    with pytest.raises(DomainError):
        presence.leave_due(database_away)

    assert len(core.departures) == 2
    assert [e.type for e in presence.leave_due(core)] == ["participant_left"] * 2


def test_a_person_back_through_the_same_worker_takes_their_dropped_connections_row_over(
    create_consultation, core, clock
):
    c = create_consultation()
    amina = amina_dropped(core, c, "amina-wifi")
    clock.advance(3)

    assert presence.arrive(core, amina, f"{c.id}-amina-mobile-data", "worker-1") == []

    assert len(core.departures) == 0  # nothing left for the ticker to forget
    assert rows_of(core, c.id) == ["amina-mobile-data", "bola-phone"]
    assert present(core, c.id) == 2


def test_a_person_whose_link_was_revoked_while_away_is_refused_and_forgotten(
    create_consultation, core
):
    c = create_consultation()
    deputy = consultations.claim_link(core, c.moderator_link, {"display_name": "Deputy"}).viewer
    presence.arrive(core, deputy, f"{c.id}-deputy-laptop", "worker-1")
    presence.close(core, f"{c.id}-deputy-laptop", deputy)
    consultations.replace_link(core, c.moderator, "moderator")

    with pytest.raises(Forbidden) as refused:
        presence.arrive(core, deputy, f"{c.id}-deputy-laptop-again", "worker-1")

    assert refused.value.code == "link_revoked"
    assert rows_of(core, c.id) == []
    assert presence_log(core, c.id)[-1][:2] == ("participant_left", "Deputy")


def test_a_takeover_the_database_could_not_take_leaves_the_dropped_connection_to_forget(
    create_consultation, core, clock, database_away
):
    c = create_consultation()
    amina = amina_dropped(core, c, "amina-wifi")

    with pytest.raises(DomainError):
        presence.arrive(database_away, amina, f"{c.id}-amina-4g", "worker-1")
    clock.advance(GRACE)

    assert [e.type for e in presence.leave_due(core)] == ["participant_left"]
    assert rows_of(core, c.id) == ["bola-phone"]


def test_a_person_back_with_the_token_of_their_dropped_connection_takes_its_row_over(
    create_consultation, core
):
    """Nothing read first: the statement that takes the row over checks the token."""
    c = create_consultation()
    amina, token = c.join_with_token(display_name="Amina")
    presence.arrive(core, amina, f"{c.id}-amina-wifi", "worker-1")
    presence.close(core, f"{c.id}-amina-wifi", amina, hash_token(token))

    back = presence.returning(core, hash_token(token), c.join_code, f"{c.id}-amina-4g", "w-1")

    assert back == amina
    assert rows_of(core, c.id) == ["amina-4g"]
    assert len(core.departures) == 0


@pytest.mark.parametrize("astray", ["another person's token", "another consultation's code"])
def test_a_takeover_whose_checks_fail_takes_nothing_over_and_keeps_the_dropped_one(
    create_consultation, core, astray
):
    c = create_consultation()
    amina, token = c.join_with_token(display_name="Amina")
    _, bolas = c.join_with_token(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-amina-wifi", "worker-1")
    held = hash_token(bolas) if astray == "another person's token" else hash_token(token)
    presence.close(core, f"{c.id}-amina-wifi", amina, held)
    code = create_consultation().join_code if astray == "another consultation's code" else None

    assert presence.returning(core, held, code, f"{c.id}-amina-4g", "worker-1") is None

    assert rows_of(core, c.id) == ["amina-wifi"]
    assert len(core.departures) == 1  # forgotten once the grace runs out
