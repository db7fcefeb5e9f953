"""Joins, connections and departures committed together, as a crowd arrives and leaves at once."""

from datetime import UTC, datetime
from functools import partial

from sqlalchemy import event, select

from server.core.access import identify
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.core.models import Connection, Consultation, Event, Participant
from server.features.consultations import service as consultations
from server.features.presence import service as presence
from server.features.presence.service import Arrival, Departure
from tests.threads import together

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def arrival(viewer, sid):
    return Pending(Arrival(viewer, sid, "worker-1", NOW), None)


def departure(c, sid):
    return Pending(Departure(c.id, sid, NOW), None)


def logged(outcomes):
    """Per command of a batch: (event type, display name, head count) of what it logged."""
    return [
        [(e.type, e.payload["display_name"], e.payload["present"]) for e in events]
        for events in outcomes
    ]


def log_of(core, consultation_id, *types):
    with core.store.reading() as tx:
        rows = tx.scalars(
            select(Event)
            .where(Event.consultation_id == consultation_id, Event.type.in_(types))
            .order_by(Event.seq)
        )
        return [(row.seq, row.type) for row in rows]


def peak_of(core, consultation_id):
    with core.store.reading() as tx:
        return tx.get_one(Consultation, consultation_id).peak_present


def test_a_batch_of_connections_logs_each_persons_first_and_counts_heads(create_consultation, core):
    c = create_consultation()
    amina, bola, chidi = (c.join(display_name=name) for name in ("Amina", "Bola", "Chidi"))
    presence.arrive(core, chidi, "chidi-phone", "worker-1")

    outcomes = presence.arrive_all(
        core.store,
        [
            arrival(amina, "amina-phone"),
            arrival(bola, "bola-laptop"),
            arrival(amina, "amina-laptop"),  # a second tab: no second arrival
            arrival(chidi, "chidi-laptop"),  # already here
        ],
    )

    assert logged(outcomes) == [
        [("participant_arrived", "Amina", 2)],
        [("participant_arrived", "Bola", 3)],
        [],
        [],
    ]
    assert peak_of(core, c.id) == 3


def test_a_batch_of_connections_is_written_as_rows_not_objects(create_consultation, core):
    """A crowd's first connections write one presence row each, built as rows, not as
    objects for the session to flush (docs/performance.md, step 32)."""
    c = create_consultation()
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    built = []

    def made(target, _args, _kwargs):
        built.append(target)

    event.listen(Connection, "init", made)
    presence.arrive_all(
        core.store, [arrival(amina, f"{c.id}-amina-phone"), arrival(bola, f"{c.id}-bola-laptop")]
    )
    event.remove(Connection, "init", made)

    assert built == []
    with core.store.reading() as tx:
        query = select(Connection.participant_id).where(Connection.consultation_id == c.id)
        assert sorted(tx.scalars(query)) == sorted([amina.participant_id, bola.participant_id])


def test_arrivals_and_departures_read_their_people_as_rows_in_one_statement(
    create_consultation, core, statements
):
    """A batch's people, their standing and whether they are connected already come in
    one read of rows (docs/performance.md, step 88): as objects, with a second read for
    their connections, they cost a batch of one arrival a fifth of its CPU."""
    c = create_consultation()
    amina, bola = c.join(display_name="Amina"), c.join(display_name="Bola")
    presence.arrive(core, amina, f"{c.id}-amina-phone", "worker-1")
    loaded = []

    def load(target, _context):
        loaded.append(target)

    event.listen(Participant, "load", load)
    try:
        statements.clear()
        arrived = presence.arrive_all(
            core.store,
            [arrival(amina, f"{c.id}-amina-laptop"), arrival(bola, f"{c.id}-bola-phone")],
        )
        arrivals_read = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        statements.clear()
        left = presence.leave_all(
            core.store, [departure(c, f"{c.id}-amina-phone"), departure(c, f"{c.id}-bola-phone")]
        )
        departures_read = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    finally:
        event.remove(Participant, "load", load)

    assert logged(arrived) == [[], [("participant_arrived", "Bola", 2)]]
    assert logged(left) == [[], [("participant_left", "Bola", 1)]]
    assert loaded == []
    # The consultation's lock and the people; departures also read whose connections go.
    assert len(arrivals_read) == 2
    assert len(departures_read) == 3


def test_a_batch_of_departures_logs_each_persons_last_once(create_consultation, core):
    c = create_consultation()
    amina, bola, chidi = (c.join(display_name=name) for name in ("Amina", "Bola", "Chidi"))
    for viewer, sid in [(amina, "a1"), (amina, "a2"), (bola, "b1"), (chidi, "c1"), (chidi, "c2")]:
        presence.arrive(core, viewer, sid, "worker-1")

    outcomes = presence.leave_all(
        core.store,
        [
            departure(c, "a1"),
            departure(c, "c1"),  # Chidi keeps another tab open
            departure(c, "b1"),
            departure(c, "a2"),  # Amina's last tab
            departure(c, "gone"),  # already forgotten (a sweep beat the disconnect)
        ],
    )

    assert logged(outcomes) == [
        [],
        [],
        [("participant_left", "Bola", 2)],
        [("participant_left", "Amina", 1)],
        [],
    ]
    assert peak_of(core, c.id) == 3


def test_a_crowd_joining_at_once_shares_commits_and_each_gets_their_own_seat(
    create_consultation, core, count_commits
):
    c = create_consultation()
    commits = count_commits()

    admitted = together(
        [
            partial(consultations.join, core, c.join_code, {"display_name": f"P{i}"})
            for i in range(80)
        ]
    )
    writes = len(commits) - 80  # each join also reads its consultation's code once

    assert writes < 40
    assert [identify(core, a.token).participant_id for a in admitted] == [
        a.viewer.participant_id for a in admitted
    ]
    assert len({a.viewer.participant_id for a in admitted}) == 80
    assert [a.events[0].payload["display_name"] for a in admitted] == [f"P{i}" for i in range(80)]
    joined = log_of(core, c.id, "participant_joined")[1:]  # after the chair's
    assert len(joined) == 80
    assert [seq for seq, _ in joined] == list(range(joined[0][0], joined[0][0] + 80))


def test_a_crowd_arriving_and_leaving_at_once_is_counted_exactly(create_consultation, core):
    c = create_consultation()
    crowd = [c.join() for _ in range(60)]

    together([partial(presence.arrive, core, v, f"sid-{i}", "w") for i, v in enumerate(crowd)])
    assert peak_of(core, c.id) == 60
    together([partial(presence.leave, core, f"sid-{i}") for i in range(60)])

    with core.store.reading() as tx:
        heads = tx.scalars(
            select(Event.payload)
            .where(Event.consultation_id == c.id, Event.type == "participant_left")
            .order_by(Event.seq)
        ).all()
    assert [payload["present"] for payload in heads] == list(range(59, -1, -1))
    assert len(log_of(core, c.id, "participant_arrived")) == 60


def test_a_name_that_is_not_valid_unicode_is_refused_and_fails_no_other_join(
    create_consultation, core
):
    c = create_consultation()
    names = [f"P{i}" for i in range(30)]
    names[7] = "\ud800"  # half of a UTF-16 pair, as JSON's "\ud800" arrives
    outcomes = together(
        [partial(consultations.join, core, c.join_code, {"display_name": n}) for n in names]
    )
    assert isinstance(outcomes[7], DomainError) and outcomes[7].code == "invalid_unicode"
    honest = outcomes[:7] + outcomes[8:]
    assert [a.events[0].payload["display_name"] for a in honest] == names[:7] + names[8:]
