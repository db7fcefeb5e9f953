"""Acknowledgements kept for repeats: each one sealed with its receipt, a burst's together."""

from functools import partial

from sqlalchemy import event

from server.core import acknowledgements, commands, receipts
from server.features.agenda import service as agenda
from server.features.polls import service as polls
from server.features.speakers import service as speakers
from tests.threads import together

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"]}


def sent_with_id(core, sender, name, payload, command_id):
    """A command as the page sends it: through the registry, with a command id."""
    reply = commands.run(core, sender, name, {**payload, "command_id": command_id}, str)
    return receipts.Claim(sender.participant_id, name, command_id, core.now()), reply


def raise_with_id(core, speaker, command_id):
    """What the command registry does for a raised hand sent with a command id."""
    claim = receipts.Claim(speaker.participant_id, "raise_hand", command_id, core.now())
    reply = speakers.raise_hand(core.taking(claim), speaker, None, None).acknowledgement()
    acknowledgements.keep(core, claim, reply)
    return claim, reply


def test_a_burst_of_ballots_keeps_every_acknowledgement_in_the_ballots_own_commits(
    create_consultation, core, count_commits
):
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voters = [c.join() for _ in range(40)]
    commits = count_commits()

    kept = together(
        [
            partial(
                sent_with_id,
                core,
                v,
                "cast_ballot",
                {"poll_id": poll_id, "answer": 1},
                f"ballot-{i:04d}-0123456789ab",
            )
            for i, v in enumerate(voters)
        ]
    )

    assert len(commits) < 40
    for claim, reply in kept:
        assert reply["ok"]
        assert receipts.earlier_reply(core, claim) == reply


def test_a_command_outside_a_group_commit_keeps_its_acknowledgement_after_it(
    create_consultation, core, count_commits
):
    """A raised hand commits on its own; its acknowledgement is kept by a write after it."""
    c = create_consultation()
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    speaker = c.join()
    commits = count_commits()

    claim, reply = raise_with_id(core, speaker, "hand-0001-0123456789ab")

    assert len(commits) == 2
    assert receipts.earlier_reply(core, claim) == reply


def test_a_batched_command_seals_its_acknowledgement_in_its_own_transaction(
    create_consultation, core, count_commits
):
    """A ballot, an upvote or a question sent with an id: the acknowledgement is sealed
    with the receipt before the batch commits, not kept by a second transaction after."""
    c = create_consultation()
    poll_id = polls.create_poll(core, c.moderator, {**CHOICES, "open": True}).reply["poll_id"]
    voter = c.join()
    command_id = "ballot-sealed-0123456789"
    commits = count_commits()

    reply = commands.run(
        core, voter, "cast_ballot", {"poll_id": poll_id, "answer": 1, "command_id": command_id}, str
    )

    assert reply == {"ok": True, "poll_id": poll_id, "answer": 1, "changed": False}
    assert len(commits) == 1
    claim = receipts.Claim(voter.participant_id, "cast_ballot", command_id, core.now())
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
