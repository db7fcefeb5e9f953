"""A snapshot costs the same at the end of a consultation as at its start.

The log grows all session (every ballot, arrival and departure is logged), and
the snapshot reads a few things from it: what the shared screen shows, say, is
the last event of a few types. Those reads must go straight to their events, not
look through the log, or every join and every rejoin costs more by the minute.
Measured as SQLite's own work (its virtual machine's steps), which no load on the
machine changes.
"""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from server.core import event_log
from server.core.access import lock_consultation
from server.core.events import STAFF, EventDraft
from server.core.runtime import Core
from server.core.store import Store
from server.features.consultations.snapshots import snapshot
from tests.conftest import WIRING, Clock, new_consultation

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)
STEPS_PER_TICK = 100


@pytest.fixture
def core(sqlite_url: str) -> Core:
    store = Store(sqlite_url)
    yield Core(store, Clock(), wiring=WIRING)
    store.dispose()


def sqlite_work(core: Core, read: Callable[[], object]) -> int:
    """Hundreds of SQLite virtual-machine steps the queries of `read` take."""
    ticks = [0]

    def tick() -> int:
        ticks[0] += 1
        return 0  # go on

    def counted(connection, *_):
        connection.connection.driver_connection.set_progress_handler(tick, STEPS_PER_TICK)

    event.listen(core.store.engine, "before_cursor_execute", counted)
    try:
        read()
    finally:
        event.remove(core.store.engine, "before_cursor_execute", counted)
    return ticks[0]


def log_ballots(core: Core, consultation_id: int, count: int) -> None:
    """`count` quiet staff-only events, as a vote's ballots log them."""
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        ballot = EventDraft("ballot_cast", {}, STAFF, live=False)
        event_log.append(tx, consultation, None, [ballot] * count, NOW)


def test_a_snapshot_after_a_long_log_takes_the_work_of_one_after_a_short_one(core):
    c = new_consultation(core)
    attendee = c.join()
    snapshot(core, attendee)  # the first reads warm caches up
    short = sqlite_work(core, lambda: snapshot(core, attendee))

    log_ballots(core, c.id, 20_000)
    long = sqlite_work(core, lambda: snapshot(core, attendee))

    assert long <= short + 5, f"{short} hundred steps at the start, {long} after the log grew"
