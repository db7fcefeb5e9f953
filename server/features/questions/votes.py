"""Upvotes on questions: the rules of one vote, and the bulk write that keeps up with a burst.

Like ballots (features/polls/ballots.py), votes go through a group commit: those
waiting for one consultation are committed together. A batch's *first* votes —
by someone who has not voted for that question, for a question open to votes —
are checked in memory and written with one INSERT for the votes and one for
their log events, and a vote an earlier batch recorded, sent again, is refused
there with the single path's own refusal (`already_voted`); any other vote, and
every withdrawal, goes through the rules of a single vote in its own
savepoint, which give every other refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Row, Select, bindparam, delete, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.core import event_log, receipts
from server.core.access import WALK_IN, Viewer, check_batch_actor, standings_of
from server.core.base import table_of
from server.core.errors import N_, Conflict
from server.core.events import ATTENDEE, STAFF, EventDraft, LoggedEvent
from server.core.group_commit import (
    Pending,
    batched,
    bulk_then_each,
    each_in_savepoint,
    refused,
)
from server.core.ids import as_id
from server.core.models import Consultation
from server.core.runtime import Core
from server.core.store import Store, columns_by_id
from server.core.unit_of_work import Follower, Outcome, Recount, within

from . import rules
from .models import Question, QuestionVote
from .service import VOTES_TOPIC, find_question


@dataclass(frozen=True)
class VoteCommand:
    """An upvote as an attendee sent it, waiting for its batch's commit."""

    viewer: Viewer
    question_id: Any
    now: datetime
    followers: Sequence[Follower]  # the application's (`core.wiring.followers`)


def vote(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    """An attendee upvotes someone else's approved question, once."""
    command = VoteCommand(viewer, question_id, core.now(), core.wiring.followers)
    outcome: Outcome = batched(core, viewer.consultation_id, command, vote_all)
    return outcome


def vote_all(store: Store, batch: Sequence[Pending[VoteCommand]]) -> list[Any]:
    """Commit a batch of upvotes of one consultation: an `Outcome` or an error for each."""
    return bulk_then_each(store, batch, _first_votes_in_bulk, _vote_one)


def _vote_one(tx: Session, command: VoteCommand) -> Outcome:
    """The rules of one upvote: check, insert, log."""
    uow = within(tx, command.viewer, {ATTENDEE}, command.now, command.followers)
    question = find_question(tx, uow.consultation, command.question_id)
    rules.check_votable(question.state, own=question.author_id == uow.actor.id)
    if not _insert_vote(tx, question.id, uow.actor.id, command.now):
        raise _already_voted()
    events = uow.log([_logged(question.id, uow.actor.id)])
    return _voted(question.consultation_id, question.id, events)


def _already_voted() -> Conflict:
    return Conflict("already_voted", N_("You have already voted for this question."))


def _logged(question_id: int, voter_id: int) -> EventDraft:
    """The vote's record in the log: quiet, as everyone follows the counts as tallies."""
    payload = {"question_id": question_id, "participant_id": voter_id}
    return EventDraft("question_voted", payload, STAFF, live=False)


def _voted(consultation_id: int, question_id: int, events: list[LoggedEvent]) -> Outcome:
    recount = Recount(consultation_id, VOTES_TOPIC, question_id)
    return Outcome(events, {"question_id": question_id, "voted": True}, recounts=[recount])


def _insert_vote(tx: Session, question_id: int, participant_id: int, now: datetime) -> bool:
    """Insert the vote unless the pair exists; the unique constraint decides, not a read."""
    dialect = tx.get_bind().dialect.name
    upsert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = (
        upsert(QuestionVote)
        .values(question_id=question_id, participant_id=participant_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["question_id", "participant_id"])
    )
    return bool(tx.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _First:
    """A vote the bulk path writes; its voter and question as rows (`_first_votes`)."""

    index: int
    actor: Row[Any]
    question: Row[Any]
    now: datetime


def _first_votes_in_bulk(
    tx: Session, consultation: Consultation, batch: Sequence[Pending[VoteCommand]]
) -> dict[int, Any]:
    """Write, in bulk, the batch's votes that are surely first votes; their outcomes, and
    the refusal of each vote an earlier batch recorded, sent again."""
    firsts, repeated = _first_votes(tx, consultation, batch)
    outcomes: dict[int, Any] = {index: _already_voted() for index in repeated}
    if not firsts:
        return outcomes
    tx.execute(
        insert(table_of(QuestionVote)),
        [
            {"question_id": f.question.id, "participant_id": f.actor.id, "created_at": f.now}
            for f in firsts
        ],
    )
    logged = event_log.append_each(
        tx, consultation, [(f.actor, _logged(f.question.id, f.actor.id), f.now) for f in firsts]
    )
    for first, event in zip(firsts, logged, strict=True):
        outcomes[first.index] = _voted(consultation.id, first.question.id, [event])
    return outcomes


# Built once: every batch of upvotes runs it (a statement built at the call leaves its
# bind parameters in reference cycles: docs/performance.md, step 38). Each database its
# plan (step 77): SQLite probes its (question, voter) index for every question of the
# batch with every voter of it (about 35,000 probes to find 4 stored votes in a
# burst's batch of 250: 11.6 ms, 1.8 by the batch's own pairs); PostgreSQL reads both
# lists as arrays in one index scan, faster than the pairs (3.0 ms against 5.3).
_STORED_ANY = select(QuestionVote.question_id, QuestionVote.participant_id).where(
    QuestionVote.question_id.in_(bindparam("questions", expanding=True)),
    QuestionVote.participant_id.in_(bindparam("people", expanding=True)),
)
_STORED_PAIRS = select(QuestionVote.question_id, QuestionVote.participant_id).where(
    tuple_(QuestionVote.question_id, QuestionVote.participant_id).in_(
        bindparam("pairs", expanding=True)
    )
)


def _stored(tx: Session, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of the (question, voter) `pairs` are stored votes."""
    if not pairs:
        return set()
    if tx.get_bind().dialect.name == "sqlite":
        rows = tx.execute(_STORED_PAIRS, {"pairs": list(pairs)})
    else:
        questions = list({question_id for question_id, _ in pairs})
        people = list({participant_id for _, participant_id in pairs})
        rows = tx.execute(_STORED_ANY, {"questions": questions, "people": people})
    return {(row[0], row[1]) for row in rows} & pairs


# What a batch's checks read of its questions: columns, not objects (docs/performance.md,
# step 84).
_QUESTIONS: Select[*tuple[Any, ...]] = select(
    Question.id, Question.consultation_id, Question.state, Question.author_id
).where(Question.id.in_(bindparam("ids", expanding=True)))


def _first_votes(
    tx: Session, consultation: Consultation, batch: Sequence[Pending[VoteCommand]]
) -> tuple[list[_First], list[int]]:
    """The votes the bulk path may write (valid, their voter's first for that question),
    and those it may refuse: a vote an earlier batch recorded, sent again (on the single
    path each took a savepoint of its own: docs/performance.md, step 26)."""
    commands = [pending.command for pending in batch]
    actors = standings_of(tx, {c.viewer.participant_id for c in commands})
    wanted = {as_id(c.question_id) for c in commands} - {None}
    questions = columns_by_id(tx, _QUESTIONS, wanted)
    pairs = {
        (question.id, c.viewer.participant_id)
        for c in commands
        if (question := questions.get(as_id(c.question_id))) and c.viewer.participant_id in actors
    }
    stored = _stored(tx, pairs)
    seen: set[tuple[int, int]] = set()  # voters on questions an earlier vote here may write
    firsts, repeated = [], []
    for index, command in enumerate(commands):
        actor = actors.get(command.viewer.participant_id)
        question = questions.get(as_id(command.question_id))
        if actor is None or question is None or question.consultation_id != consultation.id:
            continue
        if refused(check_batch_actor, consultation, actor, {ATTENDEE}):
            continue
        own = question.author_id == actor.id
        if question.state == rules.HIDDEN or refused(rules.check_votable, question.state, own=own):
            continue
        pair = (question.id, actor.id)
        if pair in seen:  # a voter's second vote in one batch: in order, alone
            continue
        seen.add(pair)
        if pair in stored:
            repeated.append(index)
        else:
            firsts.append(_First(index, actor, question, command.now))
    # Their receipts, in one INSERT: a repeated command id leaves the bulk path, and so
    # does a vote sent again with the id it was first sent with (answered as then).
    taken = receipts.take_all(tx, [batch[first.index].claim for first in firsts])
    resent = receipts.used_before(tx, [batch[index].claim for index in repeated])
    return (
        [first for first, ok in zip(firsts, taken, strict=True) if ok],
        [index for index, used in zip(repeated, resent, strict=True) if not used],
    )


def withdraw_vote(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    """An attendee takes their vote back (in the votes' batches, one savepoint each)."""
    unvote = partial(_withdraw_one, viewer, question_id, core.now(), core.wiring.followers)
    outcome: Outcome = batched(core, viewer.consultation_id, unvote, each_in_savepoint)
    return outcome


def _withdraw_one(
    viewer: Viewer, question_id: Any, now: datetime, followers: Sequence[Follower], tx: Session
) -> Outcome:
    uow = within(tx, viewer, {ATTENDEE, WALK_IN}, now, followers)
    question = find_question(tx, uow.consultation, question_id)
    if question.state == rules.PENDING:
        raise rules.unknown_question()
    removed = tx.execute(
        delete(QuestionVote).where(
            QuestionVote.question_id == question.id, QuestionVote.participant_id == uow.actor.id
        )
    )
    if removed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("not_voted", N_("You have not voted for this question."))
    payload = {"question_id": question.id, "participant_id": uow.actor.id}
    uow.log([EventDraft("question_vote_withdrawn", payload, STAFF, live=False)])
    uow.reply(question_id=question.id, voted=False)
    uow.recount(VOTES_TOPIC, question.id)
    return uow.outcome
