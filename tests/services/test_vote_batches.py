"""Upvotes committed together: each ends exactly as it would alone, once per person."""

from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import event, func, select

from server.core import receipts
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.core.models import Participant
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.questions.models import Question, QuestionVote
from server.features.questions.votes import VoteCommand
from tests.conftest import WIRING
from tests.threads import together

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def asked(core, c, author, text, approve=True):
    done = asks.ask(core, author, text, None, False)
    question_id = done.reply["question"]["id"]
    if approve:
        questions.approve(core, c.moderator, question_id)
    return question_id


def sent(viewer, question_id):
    return Pending(VoteCommand(viewer, question_id, NOW, WIRING.followers), None)


def votes_for(core, question_id):
    with core.store.reading() as tx:
        rows = tx.scalars(
            select(QuestionVote.participant_id).where(QuestionVote.question_id == question_id)
        )
        return sorted(rows)


@pytest.fixture
def c(create_consultation, core):
    c = create_consultation()
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 0})
    return c


def test_every_vote_of_a_batch_ends_as_it_would_alone(core, c):
    author, fan, early = c.join(), c.join(), c.join()
    open_question = asked(core, c, author, "Who funds the regional centre?")
    pending = asked(core, c, author, "Still waiting?", approve=False)
    dismissed = asked(core, c, author, "Off topic")
    questions.dismiss(core, c.moderator, dismissed, "")
    votes.vote(core, early, open_question)

    outcomes = votes.vote_all(
        core.store,
        [
            sent(fan, open_question),
            sent(author, open_question),
            sent(fan, open_question),  # a double click
            sent(early, open_question),  # voted before this batch
            sent(fan, pending),
            sent(fan, dismissed),
            sent(c.moderator, open_question),
            sent(fan, "seven"),
        ],
    )

    assert [o.code if isinstance(o, DomainError) else o.reply["voted"] for o in outcomes] == [
        True,
        "own_question",
        "already_voted",
        "already_voted",
        "unknown_question",
        "question_dismissed",
        "forbidden",
        "unknown_question",
    ]
    assert votes_for(core, open_question) == sorted([fan.participant_id, early.participant_id])
    assert [r.key for r in outcomes[0].recounts] == [open_question]
    assert [e.type for e in outcomes[0].events] == ["question_voted"]


def test_votes_sent_again_are_refused_without_a_savepoint_each(core, c, statements):
    """A burst's repeats are refused in bulk, with the single path's own refusal: on the
    single path each took a savepoint of its own."""
    question = asked(core, c, c.join(), "Who funds the regional centre?")
    crowd = [c.join() for _ in range(5)]
    votes.vote_all(core.store, [sent(v, question) for v in crowd])
    statements.clear()

    outcomes = votes.vote_all(core.store, [sent(v, question) for v in crowd])

    assert [(o.code, o.message) for o in outcomes] == [
        ("already_voted", "You have already voted for this question.")
    ] * 5
    assert not [s for s in statements if s.startswith("SAVEPOINT")]
    assert votes_for(core, question) == sorted(v.participant_id for v in crowd)


def test_a_batch_over_several_questions_tells_each_voters_repeat_from_their_first(core, c):
    """A voter's stored vote on one question does not make their vote on another a
    repeat, however the batch mixes them."""
    author, ada, ben = c.join(), c.join(), c.join()
    first = asked(core, c, author, "Who funds the regional centre?")
    second = asked(core, c, author, "Which treaty bodies review it?")
    votes.vote(core, ada, first)
    votes.vote(core, ben, second)

    outcomes = votes.vote_all(
        core.store, [sent(ada, second), sent(ben, first), sent(ada, first), sent(ben, second)]
    )

    assert [getattr(o, "code", "ok") for o in outcomes] == ["ok", "ok"] + ["already_voted"] * 2
    assert votes_for(core, first) == sorted([ada.participant_id, ben.participant_id])
    assert votes_for(core, second) == sorted([ada.participant_id, ben.participant_id])


def test_a_vote_sent_again_with_its_first_command_id_is_answered_as_then(core, c):
    question = asked(core, c, c.join(), "Who funds the regional centre?")
    fan = c.join()
    command_id = "upvote-0123456789abcdef"
    first = receipts.Claim(fan.participant_id, "vote_question", command_id, NOW)
    votes.vote(core.taking(first), fan, question)
    again = receipts.Claim(fan.participant_id, "vote_question", command_id, NOW)

    (outcome,) = votes.vote_all(
        core.store, [Pending(VoteCommand(fan, question, NOW, WIRING.followers), again)]
    )

    assert isinstance(outcome, receipts.Repeated)  # the registry answers with the first ack


def test_an_id_no_database_can_hold_is_an_unknown_question_and_fails_no_other_vote(core, c):
    author, fan, other = c.join(), c.join(), c.join()
    question = asked(core, c, author, "Who funds the regional centre?")
    outcomes = votes.vote_all(
        core.store, [sent(fan, question), sent(author, 10**20), sent(other, question)]
    )
    assert isinstance(outcomes[1], DomainError) and outcomes[1].code == "unknown_question"
    assert votes_for(core, question) == sorted([fan.participant_id, other.participant_id])


def test_a_crowd_upvoting_at_once_counts_each_person_once(core, c):
    question_id = asked(core, c, c.join(), "Who funds the regional centre?")
    crowd = [c.join() for _ in range(120)]
    refusals = []

    def upvote(index, voter):
        for _ in range(2 if index % 10 == 0 else 1):
            try:
                votes.vote(core, voter, question_id)
            except DomainError as error:
                refusals.append(error.code)

    raised = together([partial(upvote, i, voter) for i, voter in enumerate(crowd)])
    assert raised == [None] * len(crowd)
    assert refusals == ["already_voted"] * 12
    with core.store.reading() as tx:
        count = tx.scalar(select(func.count()).where(QuestionVote.question_id == question_id))
    assert count == 120


def test_a_batch_reads_its_voters_and_questions_as_rows_not_objects(core, c):
    """The bulk path's checks read columns (docs/performance.md, step 84): loading a
    batch's 250 voters and 150 questions as objects cost it a sixth of its CPU."""
    amina, bola, kofi = c.join(), c.join(), c.join()
    first = asked(core, c, amina, "Who ratifies first?")
    second = asked(core, c, bola, "And who funds the training?")
    loaded = []

    def load(target, _context):
        loaded.append(type(target).__name__)

    for model in (Participant, Question):
        event.listen(model, "load", load)
    try:
        outcomes = votes.vote_all(core.store, [sent(kofi, first), sent(amina, second)])
    finally:
        for model in (Participant, Question):
            event.remove(model, "load", load)

    assert [outcome.reply["voted"] for outcome in outcomes] == [True, True]
    assert loaded == []
