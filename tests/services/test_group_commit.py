"""The group commit itself: every caller gets its own outcome, once, whatever the batch did."""

import time
from functools import partial

import pytest

from server.core.errors import DomainError, Unavailable, try_again
from server.core.events import ATTENDEE
from server.core.group_commit import GroupCommit, Pending, each_in_savepoint
from server.core.store import Store
from server.core.unit_of_work import within
from tests.conftest import DEMO_SPEC
from tests.threads import together


@pytest.fixture
def store(sqlite_url):
    """The mechanism needs no particular database: one SQLite file."""
    return Store(sqlite_url)


def test_each_caller_gets_its_own_outcome_and_batches_form_under_load(store):
    batches = []

    def commit(_store, batch):
        batches.append(len(batch))
        time.sleep(0.01)  # a commit takes time; callers arriving meanwhile form the next batch
        return [pending.command * 10 for pending in batch]

    group = GroupCommit(store, commit)
    results = together([partial(group.run, 1, i) for i in range(60)], timeout=30)
    assert results == [i * 10 for i in range(60)]
    assert sum(batches) == 60 and max(batches) > 1 and len(batches) < 60


def test_a_refusal_is_raised_to_its_own_caller_only(store):
    def commit(_store, batch):
        return [ValueError(p.command) if p.command % 2 else p.command for p in batch]

    group = GroupCommit(store, commit)
    results = together([partial(group.run, 1, i) for i in range(20)], timeout=30)
    assert [type(r) is ValueError for r in results] == [i % 2 == 1 for i in range(20)]


def test_a_failed_commit_fails_every_command_of_its_batch_and_the_queue_goes_on(store):
    calls = []

    def commit(_store, batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return [pending.command for pending in batch]

    group = GroupCommit(store, commit)
    with pytest.raises(RuntimeError):
        group.run(1, "first")
    assert group.run(1, "second") == "second"


def test_consultations_are_batched_apart(store):
    seen = []

    def commit(_store, batch):
        seen.append({pending.command[0] for pending in batch})
        return [pending.command for pending in batch]

    group = GroupCommit(store, commit)
    together([partial(group.run, i % 2, (i % 2, i)) for i in range(40)], timeout=30)
    assert all(len(consultations) == 1 for consultations in seen)


def test_input_that_breaks_the_shared_commit_fails_only_its_own_command(store):
    """A batch's failed commit saved nothing: each command runs again alone."""
    batches = []

    def commit(_store, batch):
        commands = [pending.command for pending in batch]
        batches.append(commands)
        time.sleep(0.01)  # a commit takes time; callers arriving meanwhile form the next batch
        if "poison" in commands:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return [command.upper() for command in commands]

    group = GroupCommit(store, commit)
    calls = [f"honest {i}" for i in range(30)]
    calls[12] = "poison"
    results = together([partial(group.run, 1, command) for command in calls], timeout=30)
    assert any(len(batch) > 1 and "poison" in batch for batch in batches)
    assert isinstance(results[12], OverflowError)
    assert results[:12] + results[13:] == [c.upper() for c in calls if c != "poison"]


def test_an_unavailable_store_refuses_the_whole_batch_without_retrying_each(store):
    batches = []

    def commit(_store, batch):
        batches.append(len(batch))
        time.sleep(0.01)
        raise try_again()

    group = GroupCommit(store, commit)
    results = together([partial(group.run, 1, i) for i in range(20)], timeout=30)
    assert all(isinstance(r, Unavailable) and r.code == "try_again" for r in results)
    assert sum(batches) == 20  # each command tried once


AGENDA = len(DEMO_SPEC["agenda"])


def reads(table: str, ran: list[str]) -> int:
    return sum(f"FROM {table}" in statement for statement in ran)


def agenda_length(core, viewer, tx) -> int:
    """A command that reads its consultation's agenda."""
    return len(within(tx, viewer, {ATTENDEE}, core.now(), core.wiring.followers).consultation.items)


def test_the_commands_of_a_batch_share_the_consultation_the_first_locked(
    create_consultation, core, statements
):
    """Under the lock nobody else changes the consultation: the batch's commands lock and
    read it, and its agenda, once between them, not once each."""
    c = create_consultation()
    attendees = [c.join() for _ in range(3)]
    batch = [Pending(partial(agenda_length, core, viewer), None) for viewer in attendees]
    statements.clear()
    assert each_in_savepoint(core.store, batch) == [AGENDA] * 3
    assert reads("consultations", statements) == reads("agenda_items", statements) == 1


def test_after_a_command_is_rolled_back_the_next_reads_the_consultation_afresh(
    create_consultation, core, statements
):
    """A savepoint rolled back on PostgreSQL lets go of a lock taken in it: the next
    command locks the consultation again, and reads what it holds afresh."""
    c = create_consultation()
    first, second = c.join(), c.join()

    def refused_after_reading(viewer, tx):
        agenda_length(core, viewer, tx)
        raise DomainError("refused", "Refused after reading the agenda.")

    batch = [
        Pending(partial(refused_after_reading, first), None),
        Pending(partial(agenda_length, core, second), None),
    ]
    statements.clear()
    refusal, read = each_in_savepoint(core.store, batch)
    assert isinstance(refusal, DomainError) and read == AGENDA
    assert reads("consultations", statements) == reads("agenda_items", statements) == 2
