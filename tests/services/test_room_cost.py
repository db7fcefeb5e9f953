"""What every arrival reads costs no more in a full room than in an empty one.

A join asks whether its device was banned from the consultation, and every
snapshot and arrival reads how many people are connected. Both used to walk the
whole room: through everyone who had joined, and through every connection's row
with a sort of the people. At 2,000 attendees that was a millisecond of each
arrival's 6 (docs/performance.md, third round, step 42). Then the head count read
a covering index, still one entry a person, twice an arrival; now the arrivals and
departures keep it on the consultation (step 58). Measured as SQLite's own work,
which no load on the machine changes.
"""

from dataclasses import replace
from datetime import UTC, datetime

from bench.sqlite_steps import sqlite_work
from server.core.access import Viewer
from server.core.group_commit import Pending
from server.core.runtime import Core
from server.core.shared_views import SharedViews
from server.features.consultations import service as consultations
from server.features.consultations.snapshots import snapshot
from server.features.presence import service as presence
from tests.conftest import Consultation, new_consultation

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def fill(core: Core, c: Consultation, count: int) -> None:
    """`count` attendees joined from devices of their own, each connected once."""
    people = [
        consultations.join(core, c.join_code, {"display_name": f"A{n}"}, device=f"device-{n}")
        for n in range(count)
    ]
    arrivals = [
        Pending(presence.Arrival(person.viewer, f"sid-{n}", "w", NOW), None)
        for n, person in enumerate(people)
    ]
    presence.arrive_all(core.store, arrivals)


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


def arriving(core: Core, c: Consultation, name: str) -> tuple[int, Viewer]:
    """SQLite's work (hundreds of steps) of one newcomer's arrival, and who they are."""
    viewer = consultations.join(core, c.join_code, {"display_name": name}).viewer
    return sqlite_work(core, lambda: presence.arrive(core, viewer, f"sid-{name}", "w")), viewer


def snapshotting(core: Core, viewer: Viewer) -> int:
    """SQLite's work of a warm snapshot (its shared views kept), not checked against a
    count (`SharedViews(check=True)` counts the room to check the head count)."""
    unchecked = replace(core, shared=SharedViews())
    snapshot(unchecked, viewer)
    return sqlite_work(core, lambda: snapshot(unchecked, viewer))


def test_an_arrival_and_its_snapshot_cost_the_same_in_a_room_of_400_as_in_an_empty_one(
    sqlite_core,
):
    c = new_consultation(sqlite_core)
    arriving(sqlite_core, c, "warm-up")
    empty, first = arriving(sqlite_core, c, "first")
    empty_snapshot = snapshotting(sqlite_core, first)

    fill(sqlite_core, c, 400)
    full, second = arriving(sqlite_core, c, "second")
    full_snapshot = snapshotting(sqlite_core, second)

    assert full <= empty + 1, f"{empty} hundred steps in an empty room, {full} in a full one"
    assert full_snapshot <= empty_snapshot + 1, f"{empty_snapshot}, then {full_snapshot}"
    assert snapshot(sqlite_core, second)["present"] == 403  # the first two, and 400 more
