"""A poll's tallies are kept in the application's counts (`core.tallies.counts`): a
reconnect storm re-reads no ballots, and each application keeps its own."""

from sqlalchemy import select

from server.core.runtime import Core
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import models as storage
from server.features.polls import service as polls
from server.features.polls.counting import BallotRow, tally
from server.features.polls.models import Ballot, Poll
from tests.services.test_polls import CHOICES


def counting(monkeypatch):
    """The polls counted from their ballots, one entry per count."""
    counted = []
    count = polls._count

    def spy(tx, poll):
        counted.append(poll.id)
        return count(tx, poll)

    monkeypatch.setattr(polls, "_count", spy)
    return counted


def test_snapshots_count_a_poll_once_per_revision_in_their_own_application(
    create_consultation, core, monkeypatch
):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    amina = c.join(display_name="Amina")
    counted = counting(monkeypatch)

    for _ in range(3):
        assert snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 0
    assert counted == [poll_id]

    ballots.cast_ballot(core, amina, poll_id, 0)  # a new revision: counted again, once
    counted.clear()
    for _ in range(3):
        assert snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 1
    assert counted == [poll_id]

    counted.clear()
    other = Core(core.store, core.clock, wiring=core.wiring)  # another application
    assert snapshot(other, c.moderator)["polls"]["results"][str(poll_id)]["voters"] == 1
    assert counted == [poll_id]
    assert other.tallies.counts is not core.tallies.counts


def test_a_choice_polls_count_reads_its_ballots_alike_as_one_row(create_consultation, core):
    """Thousands of ballots of a few options and groups are a few rows to count; the
    results are those of counting them one by one, excluded and unreadable ones too."""
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    groups = ["academia", "civil_society"]
    for number in range(12):
        voter = c.join(stakeholder_group=groups[number % 2], country=["KE", ""][number % 3 == 0])
        ballots.cast_ballot(core, voter, poll_id, number % 2)
    with core.store.transaction() as tx:
        first, second, third = tx.scalars(
            select(Ballot).where(Ballot.poll_id == poll_id).order_by(Ballot.id).limit(3)
        )
        first.excluded_by_flag = 1  # a moderator left an integrity flag's ballots out
        second.answer = 7  # no option 7: unreadable
        third.excluded = True
    with core.store.reading() as tx:
        poll = tx.get(Poll, poll_id)
        rows = storage.choice_rows(tx, poll_id)
        one_by_one = [BallotRow(*row) for row in storage.ballot_rows(tx, poll_id)]
        counted = polls._count(tx, poll)
    assert len(rows) == 7 and sum(row[-1] for row in rows) == 12
    assert counted == tally(polls.definition_of(poll), one_by_one)
    assert (counted["voters"], counted["excluded"], counted["unreadable"]) == (9, 2, 1)
