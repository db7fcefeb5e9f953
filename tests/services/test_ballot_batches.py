"""Ballots committed together: each ends exactly as it would alone, and a burst shares commits."""

from datetime import UTC, datetime
from functools import partial

from sqlalchemy import event, func, select

from server.core import receipts
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.core.models import Event, Participant
from server.core.receipt_rows import CommandReceipt
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.polls.ballots import BallotCommand
from server.features.polls.models import Ballot
from server.features.questions import service as questions
from tests.conftest import WIRING
from tests.threads import together

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No", "Unsure"]}
NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def sent(viewer, poll_id, answer, claim=None):
    return Pending(BallotCommand(viewer, poll_id, answer, NOW, WIRING.followers), claim)


def recorded(outcome):
    """How a ballot was recorded: cast, changed, or unchanged (nothing written)."""
    if outcome.reply["changed"]:
        return ballots.CHANGED
    return ballots.CAST if outcome.events else ballots.UNCHANGED


def codes(outcomes):
    """What each ballot of a batch came to: how it was recorded, or its refusal's code."""
    return [o.code if isinstance(o, DomainError) else recorded(o) for o in outcomes]


def ballots_of(core, poll_id):
    with core.store.reading() as tx:
        rows = tx.execute(
            select(Ballot.participant_id, Ballot.answer).where(Ballot.poll_id == poll_id)
        )
        return {participant: answer for participant, answer in rows}


def test_every_ballot_of_a_batch_ends_as_it_would_alone(create_consultation, core):
    c = create_consultation()
    poll_id = polls.create_poll(
        core, c.moderator, {**CHOICES, "open": True, "allow_change": False}
    ).reply["poll_id"]
    first, second_tab, decided, banned, lost = (c.join() for _ in range(5))
    ballots.cast_ballot(core, decided, poll_id, 2)
    ballots.cast_ballot(core, banned, poll_id, 0)
    questions.ban(core, c.moderator, banned.participant_id)

    batch = [
        sent(first, poll_id, 0),
        sent(lost, poll_id, 7),  # no such option
        sent(first, poll_id, 0),  # the same ballot from a second tab
        sent(decided, poll_id, 1),  # a change the poll does not allow
        sent(banned, poll_id, 1),
        sent(second_tab, poll_id + 100, 0),  # no such poll
        sent(c.moderator, poll_id, 1),
        sent(second_tab, poll_id, 1),
    ]
    outcomes = ballots.cast_all(core.store, batch)

    assert codes(outcomes) == [
        "cast",
        "unknown_option",
        "unchanged",
        "ballot_final",
        "banned",
        "unknown_poll",
        "forbidden",
        "cast",
    ]
    assert ballots_of(core, poll_id) == {
        first.participant_id: 0,
        second_tab.participant_id: 1,
        decided.participant_id: 2,
        banned.participant_id: 0,
    }
    with core.store.reading() as tx:
        log = tx.execute(
            select(Event.seq, Event.type, Event.actor_id)
            .where(Event.consultation_id == c.id)
            .order_by(Event.seq)
        ).all()
    assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1))
    cast_by = [actor for _, kind, actor in log if kind == "ballot_cast"]
    assert cast_by[-2:] == [first.participant_id, second_tab.participant_id]
    assert [o.events[0].seq for o in outcomes if not isinstance(o, DomainError) and o.events] == [
        log[-2][0],
        log[-1][0],
    ]


def test_a_changed_answer_in_a_batch_is_changed_where_the_poll_allows_it(create_consultation, core):
    c = create_consultation()
    poll_id = polls.create_poll(
        core, c.moderator, {**CHOICES, "open": True, "allow_change": True}
    ).reply["poll_id"]
    voter = c.join()
    outcomes = ballots.cast_all(core.store, [sent(voter, poll_id, 0), sent(voter, poll_id, 2)])
    assert codes(outcomes) == ["cast", "changed"]
    assert ballots_of(core, poll_id) == {voter.participant_id: 2}


def test_answers_sent_again_are_answered_unchanged_without_a_savepoint_each(
    create_consultation, core, statements
):
    """A burst's resends (a second tab, a page sending again) are answered in bulk: on
    the single path each took a savepoint, and 25 of them doubled a batch's CPU."""
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    earlier, later = [c.join() for _ in range(5)], [c.join() for _ in range(5)]
    ballots.cast_all(core.store, [sent(v, poll_id, 1) for v in earlier])
    statements.clear()

    outcomes = ballots.cast_all(
        core.store, [sent(v, poll_id, 1) for v in earlier] + [sent(v, poll_id, 2) for v in later]
    )

    assert codes(outcomes) == ["unchanged"] * 5 + ["cast"] * 5
    assert not [s for s in statements if s.startswith("SAVEPOINT")]
    assert [o.events for o in outcomes[:5]] == [[]] * 5
    assert [o.reply for o in outcomes[:1]] == [{"poll_id": poll_id, "answer": 1, "changed": False}]
    assert ballots_of(core, poll_id) == {
        **{v.participant_id: 1 for v in earlier},
        **{v.participant_id: 2 for v in later},
    }


def test_an_answer_sent_again_with_its_first_command_id_is_answered_as_then(
    create_consultation, core
):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voter = c.join()
    first = receipts.Claim(voter.participant_id, "cast_ballot", "ballot-0123456789abcdef", NOW)
    ballots.cast_ballot(core.taking(first), voter, poll_id, 1)
    again = receipts.Claim(voter.participant_id, "cast_ballot", first.command_id, NOW)

    (outcome,) = ballots.cast_all(core.store, [sent(voter, poll_id, 1, again)])

    assert isinstance(outcome, receipts.Repeated)  # the registry answers with the first ack


def test_a_voters_ballots_in_one_batch_are_taken_in_order(create_consultation, core):
    """A change, then the answer recorded before: the second changes it back (it is not
    answered `unchanged` from the row the batch read)."""
    c = create_consultation()
    poll_id = polls.create_poll(
        core, c.moderator, {**CHOICES, "open": True, "allow_change": True}
    ).reply["poll_id"]
    voter = c.join()
    ballots.cast_all(core.store, [sent(voter, poll_id, 0)])

    outcomes = ballots.cast_all(core.store, [sent(voter, poll_id, 2), sent(voter, poll_id, 0)])

    assert codes(outcomes) == ["changed", "changed"]
    assert ballots_of(core, poll_id) == {voter.participant_id: 0}


def test_a_command_id_used_before_writes_nothing_and_a_new_one_is_kept(create_consultation, core):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    earlier, fresh = c.join(), c.join()
    used = receipts.Claim(earlier.participant_id, "cast_ballot", "used-0123456789abcdef", NOW)
    ballots.cast_ballot(core.taking(used), earlier, poll_id, 1)
    again = receipts.Claim(earlier.participant_id, "cast_ballot", used.command_id, NOW)
    new = receipts.Claim(fresh.participant_id, "cast_ballot", "new-0123456789abcdef", NOW)

    outcomes = ballots.cast_all(
        core.store, [sent(earlier, poll_id, 2, again), sent(fresh, poll_id, 0, new)]
    )

    assert isinstance(outcomes[0], receipts.Repeated)
    assert codes(outcomes[1:]) == ["cast"] and new.receipt_id is not None
    assert ballots_of(core, poll_id) == {earlier.participant_id: 1, fresh.participant_id: 0}
    with core.store.reading() as tx:
        kept = select(func.count()).where(
            CommandReceipt.participant_id.in_([earlier.participant_id, fresh.participant_id])
        )
        assert tx.scalar(kept) == 2


def test_a_burst_shares_commits_and_counts_every_ballot_once(
    create_consultation, core, count_commits
):
    """200 attendees vote at once, 20 of them twice: 200 rows, far fewer than 220 commits."""
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voters = [c.join() for _ in range(200)]
    commits = count_commits()
    outcomes = []

    def vote(index, voter):
        for _ in range(2 if index % 10 == 0 else 1):
            outcomes.append(recorded(ballots.cast_ballot(core, voter, poll_id, index % 3)))

    raised = together([partial(vote, i, voter) for i, voter in enumerate(voters)])
    assert raised == [None] * len(voters)
    assert sorted(set(outcomes)) == ["cast", "unchanged"]
    assert outcomes.count("cast") == 200 and outcomes.count("unchanged") == 20
    assert len(ballots_of(core, poll_id)) == 200
    assert len(commits) < 110


def test_a_retry_in_the_same_batch_as_its_first_send_takes_effect_once(create_consultation, core):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voter, other = c.join(), c.join()
    command_id = "retry-0123456789abcdef"
    first = receipts.Claim(voter.participant_id, "cast_ballot", command_id, NOW)
    retry = receipts.Claim(voter.participant_id, "cast_ballot", command_id, NOW)
    others = receipts.Claim(
        other.participant_id, "cast_ballot", command_id, NOW
    )  # ids are per person

    outcomes = ballots.cast_all(
        core.store,
        [
            sent(voter, poll_id, 1, first),
            sent(voter, poll_id, 1, retry),
            sent(other, poll_id, 2, others),
        ],
    )

    assert codes([outcomes[0], outcomes[2]]) == ["cast", "cast"]
    assert isinstance(outcomes[1], receipts.Repeated)
    assert ballots_of(core, poll_id) == {voter.participant_id: 1, other.participant_id: 2}


def test_a_batch_reads_its_voters_as_rows_not_objects(create_consultation, core):
    """The bulk path's checks read the voters' columns (docs/performance.md, step 84)."""
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    amina, bola = c.join(), c.join()
    loaded = []

    def load(target, _context):
        loaded.append(target)

    event.listen(Participant, "load", load)
    try:
        outcomes = ballots.cast_all(core.store, [sent(amina, poll_id, 0), sent(bola, poll_id, 1)])
    finally:
        event.remove(Participant, "load", load)

    assert codes(outcomes) == [ballots.CAST, ballots.CAST]
    assert loaded == []
