"""What every arrival reads costs no more in a full room than in an empty one.

A join asks whether its device was banned from the consultation, and every
snapshot and arrival counts who is connected. Both used to walk the whole room:
through everyone who had joined, and through every connection's row with a sort
of the people. At 2,000 attendees that was a millisecond of each arrival's 6
(docs/performance.md, third round, step 42). Measured as SQLite's own work and
plans, which no load on the machine changes.
"""

from datetime import UTC, datetime

from sqlalchemy import insert

from server.core.models import Connection
from server.core.runtime import Core
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import _PRESENT, present_count
from tests.conftest import Consultation, new_consultation, sqlite_work

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def fill(core: Core, c: Consultation, count: int) -> None:
    """`count` attendees joined from devices of their own, each connected once."""
    people = [
        consultations.join(core, c.join_code, {"display_name": f"A{n}"}, device=f"device-{n}")
        for n in range(count)
    ]
    rows = [
        {
            "sid": f"sid-{n}",
            "consultation_id": c.id,
            "participant_id": person.viewer.participant_id,
            "worker": "w",
            "connected_at": NOW,
        }
        for n, person in enumerate(people)
    ]
    with core.store.transaction() as tx:
        tx.execute(insert(Connection), rows)


def joining(core: Core, c: Consultation, device: str) -> int:
    """SQLite's work (hundreds of steps) of one join from `device`."""
    profile = {"display_name": "Newcomer"}
    return sqlite_work(core, lambda: consultations.join(core, c.join_code, profile, device=device))


def test_a_join_from_a_device_costs_the_same_in_a_room_of_400_as_in_an_empty_one(sqlite_core):
    c = new_consultation(sqlite_core)
    joining(sqlite_core, c, "warm-up")
    empty = joining(sqlite_core, c, "first")

    fill(sqlite_core, c, 400)
    full = joining(sqlite_core, c, "second")

    assert full <= empty + 3, f"{empty} hundred steps in an empty room, {full} in a full one"


def count_plan(core: Core, consultation_id: int) -> str:
    """SQLite's plan for the head count's own statement."""
    with core.store.reading() as tx:
        compiled = _PRESENT.compile(dialect=tx.get_bind().dialect)
        values = compiled.construct_params({"consultation_id": consultation_id})
        positional = tuple(values[name] for name in compiled.positiontup or ())
        rows = tx.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", positional)
        return " / ".join(row[-1] for row in rows)


def test_the_head_count_reads_one_index_in_its_order(sqlite_core):
    c = new_consultation(sqlite_core)
    fill(sqlite_core, c, 50)

    with sqlite_core.store.reading() as tx:
        assert present_count(tx, c.id) == 50
    plan = count_plan(sqlite_core, c.id)
    assert "COVERING INDEX ix_connections_consultation_participant" in plan
    assert "TEMP B-TREE" not in plan
