"""Ballots at once: real threads against both databases give exact tallies."""

from sqlalchemy import func, select

from server.core.errors import DomainError
from server.core.models import Event
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.polls.models import Ballot
from tests.threads import together

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No", "Unsure"]}


def refusals(jobs):
    """Run every job on its own thread at the same moment; the codes of those refused.

    Anything other than a refusal raised by a job fails the test.
    """
    outcomes = together(jobs)
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, DomainError):
            raise outcome
    return [outcome.code for outcome in outcomes if isinstance(outcome, DomainError)]


def test_two_hundred_concurrent_ballots_give_exact_tallies(create_consultation, core):
    c = create_consultation()
    poll_id, _ = polls.create_poll(core, c.moderator, {**CHOICES, "open": True})
    voters = [c.join() for _ in range(200)]

    def ballot(index, voter):
        return lambda: ballots.cast_ballot(core, voter, poll_id, index % 3)

    assert refusals([ballot(i, v) for i, v in enumerate(voters)]) == []

    results = snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]
    assert results["voters"] == 200
    assert [row["value"] for row in results["rows"]] == [67, 67, 66]
    with core.store.reading() as tx:
        seqs = tx.scalars(
            select(Event.seq).where(Event.consultation_id == c.id).order_by(Event.seq)
        ).all()
        cast = tx.scalar(
            select(func.count()).where(Event.consultation_id == c.id, Event.type == "ballot_cast")
        )
    assert seqs == list(range(1, len(seqs) + 1))
    assert cast == 200


def test_one_person_voting_from_several_tabs_at_once_keeps_one_ballot(create_consultation, core):
    c = create_consultation()
    poll_id, _ = polls.create_poll(
        core, c.moderator, {**CHOICES, "open": True, "allow_change": False}
    )
    voters = [c.join() for _ in range(25)]
    jobs = [
        (lambda voter=voter, tab=tab: ballots.cast_ballot(core, voter, poll_id, tab % 3))
        for voter in voters
        for tab in range(4)
    ]
    errors = refusals(jobs)
    with core.store.reading() as tx:
        rows = tx.execute(
            select(Ballot.participant_id, func.count())
            .where(Ballot.poll_id == poll_id)
            .group_by(Ballot.participant_id)
        ).all()
    assert len(rows) == 25 and all(count == 1 for _, count in rows)
    # Each person's first tab to commit wins; a different answer from another tab is
    # refused as final, the same answer is acknowledged without being counted again.
    assert set(errors) <= {"ballot_final"}
    results = snapshot(core, c.moderator)["polls"]["results"][str(poll_id)]
    assert results["voters"] == 25 == sum(row["value"] for row in results["rows"])
