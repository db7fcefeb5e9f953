"""Acknowledgements kept for repeats: each one sealed with its receipt, a burst's together."""

from functools import partial

from sqlalchemy import event

from server.core import acknowledgements, receipts
from server.features.polls import ballots
from server.features.polls import service as polls
from tests.threads import together

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"]}


def vote_with_id(core, voter, poll_id, command_id):
    """What the command registry does for a ballot sent with a command id."""
    claim = receipts.Claim(voter.participant_id, "cast_ballot", command_id, core.now())
    cast = ballots.cast_ballot(core.taking(claim), voter, poll_id, 1)
    reply = {"ok": True, "poll_id": poll_id, "answer": cast.reply["answer"]}
    acknowledgements.keep(core, claim, reply)
    return claim, reply


def test_a_burst_keeps_every_acknowledgement_in_shared_transactions(
    create_consultation, core, count_commits
):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voters = [c.join() for _ in range(40)]
    commits = count_commits()

    kept = together(
        [
            partial(vote_with_id, core, v, poll_id, f"ballot-{i:04d}-0123456789ab")
            for i, v in enumerate(voters)
        ]
    )

    assert len(commits) < 40  # 40 ballots and 40 acknowledgements
    for claim, reply in kept:
        assert receipts.earlier_reply(core, claim) == reply


def test_a_command_that_wrote_nothing_keeps_nothing(create_consultation, core, count_commits):
    c = create_consultation()
    viewer = c.join()
    commits = count_commits()
    claim = receipts.Claim(viewer.participant_id, "cast_ballot", "never-ran-0123456789", core.now())

    acknowledgements.keep(core, claim, {"ok": True})

    assert commits == []


def test_receipts_are_taken_by_one_statement_whatever_the_batch_size(create_consultation, core):
    """A burst's batches differ in size; the INSERT taking their receipts is compiled once,
    not once per batch with the batch's rows written into it."""
    c = create_consultation()
    voters = iter([c.join() for _ in range(9)])
    compiled: list[str] = []

    def seen(_connection, _cursor, statement, _parameters, context, _many):
        if statement.startswith("INSERT INTO command_receipts"):
            compiled.append(context.cache_hit.name)

    event.listen(core.store.engine, "after_cursor_execute", seen)
    for size in (2, 3, 4):
        claims = [
            receipts.Claim(
                next(voters).participant_id, "cast_ballot", f"id-{n}-0123456789ab", core.now()
            )
            for n in range(size)
        ]
        with core.store.transaction() as tx:
            assert receipts.take_all(tx, claims) == [True] * size
    event.remove(core.store.engine, "after_cursor_execute", seen)

    assert compiled == ["CACHE_MISS", "CACHE_HIT", "CACHE_HIT"]
