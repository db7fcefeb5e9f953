"""Casting ballots: the rules of one ballot, and the bulk write that keeps up with a burst.

When a poll opens, most attendees vote within seconds. Ballots therefore go
through a group commit (core/group_commit.py): those waiting for one
consultation are committed together. Within a batch, *first* ballots — nearly
all of a burst — are checked in memory against rows loaded once per batch and
written with one INSERT for the ballots and one for their log events; the
answer an earlier batch recorded, sent again (from a second tab, say), is
answered unchanged there too. Any other ballot (a changed answer, a voter's
second in one batch, or one that will be refused) goes through `_cast_one`,
the rules of a single ballot, in its own savepoint: the bulk path only ever
takes the cases it is sure of, and every refusal is the single path's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.orm import Session

from server.core import event_log, receipts
from server.core.access import Viewer, check_batch_actor, standings_of
from server.core.base import table_of
from server.core.errors import N_, Conflict, DomainError
from server.core.events import ATTENDEE, STAFF, EventDraft, LoggedEvent
from server.core.group_commit import Pending, batched, bulk_then_each, refused, rows_by_id
from server.core.ids import as_id
from server.core.models import Consultation
from server.core.runtime import Core
from server.core.store import Store
from server.core.unit_of_work import Follower, Notice, Outcome, Recount, within
from server.features.presence.service import with_other_pages

from . import models as storage
from . import rules
from .models import Ballot, Poll
from .service import TOPIC, definition_of, find_poll

CAST, CHANGED, UNCHANGED = "cast", "changed", "unchanged"


@dataclass(frozen=True)
class BallotCommand:
    """A ballot as an attendee sent it, waiting for its batch's commit."""

    viewer: Viewer
    poll_id: Any
    answer: Any
    now: datetime
    followers: Sequence[Follower]  # the application's (`core.wiring.followers`)


def cast_ballot(core: Core, viewer: Viewer, poll_id: Any, answer: Any) -> Outcome:
    """Record an attendee's ballot, or change it if the poll allows; return once committed.

    The reply says which poll, the answer as recorded and whether it changed an
    earlier one; a ballot that was new or changed pushes the poll's results, and
    the voter's other pages, if any, hear `ballot_recorded`.
    """
    command = BallotCommand(viewer, poll_id, answer, core.now(), core.wiring.followers)
    outcome: Outcome = batched(core, viewer.consultation_id, command, cast_all)
    return outcome


def cast_all(store: Store, batch: Sequence[Pending[BallotCommand]]) -> list[Any]:
    """Commit a batch of ballots of one consultation: an `Outcome` or an error for each."""
    return bulk_then_each(store, batch, _ballots_in_bulk, _cast_one)


def _cast_one(tx: Session, command: BallotCommand) -> Outcome:
    """The rules of one ballot: check, insert or change, log."""
    viewer, poll_id, answer, now = command.viewer, command.poll_id, command.answer, command.now
    uow = within(tx, viewer, {ATTENDEE}, now, command.followers)
    poll = find_poll(tx, uow.consultation, poll_id)
    rules.check_open(poll.state)
    parsed = rules.parse_answer(definition_of(poll), answer)
    actor = uow.actor
    if storage.insert_ballot(tx, poll.id, actor.id, parsed, now):
        outcome = CAST
    else:
        ballot = storage.ballot_of(tx, poll.id, actor.id)
        assert ballot is not None  # the insert met this very row
        if ballot.answer == parsed:  # a resend: already counted
            return _recorded(poll, actor.id, parsed, UNCHANGED, [], False)
        if not poll.allow_change:
            raise Conflict("ballot_final", N_("Your vote in this poll cannot be changed."))
        ballot.answer = parsed
        ballot.shown = False  # the moderator showed other words than these
        ballot.changed_at = now
        outcome = CHANGED
    poll.revision += 1
    events = uow.log([_logged(poll.id, outcome)])
    elsewhere = bool(with_other_pages(tx, {actor.id}))
    return _recorded(poll, actor.id, parsed, outcome, events, elsewhere)


def _recorded(
    poll: Poll,
    voter_id: int,
    answer: Any,
    outcome: str,
    events: list[LoggedEvent],
    other_pages: bool,
) -> Outcome:
    """A ballot as recorded: new, changed, or the same as before (nothing written).

    Only a voter with other pages open is told of it: telling no one costs a
    broadcast per ballot on a cluster's message queue.
    """
    reply = {"poll_id": poll.id, "answer": answer, "changed": outcome == CHANGED}
    recorded = Outcome(events, reply)
    if outcome != UNCHANGED:
        recorded.recounts.append(Recount(poll.consultation_id, TOPIC, poll.id))
    if other_pages:
        notice = {"poll_id": poll.id, "answer": answer}
        recorded.notices.append(Notice(voter_id, "ballot_recorded", notice))
    return recorded


def _logged(poll_id: int, outcome: str) -> EventDraft:
    """The ballot's record in the log: quiet, as staff follow the counts as tallies."""
    payload = {"poll_id": poll_id, "changed": outcome == CHANGED}
    return EventDraft("ballot_cast", payload, STAFF, live=False)


@dataclass(frozen=True)
class _Taken:
    """A ballot the bulk path takes: a first one (CAST), or the answer an earlier batch
    recorded sent again (UNCHANGED: nothing written)."""

    index: int
    actor: Row[Any]  # the voter's row of `standings_of`
    poll: Poll
    answer: Any
    now: datetime
    outcome: str = CAST


def _ballots_in_bulk(
    tx: Session, consultation: Consultation, batch: Sequence[Pending[BallotCommand]]
) -> dict[int, Outcome]:
    """The outcomes of the batch's ballots the bulk path is sure of: first ballots,
    written in bulk, and resends, answered as the single path answers them."""
    taken = _taken_ballots(tx, consultation, batch)
    firsts = [t for t in taken if t.outcome == CAST]
    outcomes = _cast(tx, consultation, firsts) if firsts else {}
    for resent in (t for t in taken if t.outcome == UNCHANGED):
        outcomes[resent.index] = _recorded(
            resent.poll, resent.actor.id, resent.answer, UNCHANGED, [], False
        )
    return outcomes


def _cast(tx: Session, consultation: Consultation, firsts: list[_Taken]) -> dict[int, Outcome]:
    """Write first ballots: one INSERT for the ballots, one for their log events."""
    tx.execute(
        insert(table_of(Ballot)),
        [
            {
                "poll_id": f.poll.id,
                "participant_id": f.actor.id,
                "answer": f.answer,
                "shown": False,
                "cast_at": f.now,
                "changed_at": f.now,
            }
            for f in firsts
        ],
    )
    for first in firsts:
        first.poll.revision += 1
    logged = event_log.append_each(
        tx, consultation, [(f.actor, _logged(f.poll.id, CAST), f.now) for f in firsts]
    )
    elsewhere = with_other_pages(tx, {f.actor.id for f in firsts})
    return {
        first.index: _recorded(
            first.poll, first.actor.id, first.answer, CAST, [event], first.actor.id in elsewhere
        )
        for first, event in zip(firsts, logged, strict=True)
    }


# Built once: every batch of ballots runs it (a statement built at the call leaves its
# bind parameters in reference cycles: docs/performance.md, step 38).
_STORED = select(Ballot.poll_id, Ballot.participant_id, Ballot.answer).where(
    Ballot.poll_id.in_(bindparam("polls", expanding=True)),
    Ballot.participant_id.in_(bindparam("people", expanding=True)),
)


def _taken_ballots(
    tx: Session, consultation: Consultation, batch: Sequence[Pending[BallotCommand]]
) -> list[_Taken]:
    """The ballots the bulk path may take: valid, and their voter's first in this poll, or
    the answer an earlier batch recorded sent again (from a second tab, say): on the
    single path each took a savepoint of its own (docs/performance.md, step 26)."""
    ballots = [pending.command for pending in batch]
    actors = standings_of(tx, {b.viewer.participant_id for b in ballots})
    polls = rows_by_id(tx, Poll, {b.poll_id for b in ballots if as_id(b.poll_id) is not None})
    rows = tx.execute(_STORED, {"polls": list(polls), "people": list(actors)})
    stored = {(poll_id, participant_id): answer for poll_id, participant_id, answer in rows}
    seen: set[tuple[int, int]] = set()  # voters in polls an earlier ballot here may write
    taken = []
    for index, ballot in enumerate(ballots):
        actor = actors.get(ballot.viewer.participant_id)
        poll = polls.get(ballot.poll_id) if as_id(ballot.poll_id) is not None else None
        if actor is None or poll is None or poll.consultation_id != consultation.id:
            continue
        if refused(check_batch_actor, consultation, actor, {ATTENDEE}):
            continue
        if refused(rules.check_open, poll.state):
            continue
        try:
            answer = rules.parse_answer(definition_of(poll), ballot.answer)
        except DomainError:
            continue
        pair = (poll.id, actor.id)
        if pair in seen:  # the second of a voter's ballots in one batch: in order, alone
            continue
        seen.add(pair)
        if pair not in stored:
            taken.append(_Taken(index, actor, poll, answer, ballot.now))
        elif stored[pair] == answer:
            taken.append(_Taken(index, actor, poll, answer, ballot.now, UNCHANGED))
    # Their receipts, in one INSERT: a repeated command id leaves the bulk path.
    receipts_taken = receipts.take_all(tx, [batch[t.index].claim for t in taken])
    return [t for t, ok in zip(taken, receipts_taken, strict=True) if ok]
