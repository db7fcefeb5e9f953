"""A snapshot costs the same at the end of a consultation as at its start.

The log grows all session (every ballot, arrival and departure is logged), and
the snapshot reads a few things from it: what the shared screen shows, say, is
the last event of a few types. Those reads must go straight to their events, not
look through the log, or every join and every rejoin costs more by the minute.
Measured as SQLite's own work (its virtual machine's steps), which no load on the
machine changes.
"""

from datetime import UTC, datetime

from bench.sqlite_steps import sqlite_work
from server.core import event_log
from server.core.access import lock_consultation
from server.core.events import STAFF, EventDraft
from server.core.runtime import Core
from server.features.consultations.snapshots import snapshot
from tests.conftest import new_consultation

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def log_ballots(core: Core, consultation_id: int, count: int) -> None:
    """`count` quiet staff-only events, as a vote's ballots log them."""
    with core.store.transaction() as tx:
        consultation = lock_consultation(tx, consultation_id)
        ballot = EventDraft("ballot_cast", {}, STAFF, live=False)
        event_log.append(tx, consultation, None, [ballot] * count, NOW)


def test_a_snapshot_after_a_long_log_takes_the_work_of_one_after_a_short_one(sqlite_core):
    core = sqlite_core
    c = new_consultation(core)
    attendee = c.join()
    snapshot(core, attendee)  # the first reads warm caches up
    short = sqlite_work(core, lambda: snapshot(core, attendee))

    log_ballots(core, c.id, 20_000)
    long = sqlite_work(core, lambda: snapshot(core, attendee))

    assert long <= short + 5, f"{short} hundred steps at the start, {long} after the log grew"
