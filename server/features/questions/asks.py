"""Asking: the rules of one question, and the bulk write that keeps up with a rush.

When a speaker ends and the floor opens, hundreds of attendees ask within a few
seconds. Like upvotes (votes.py), asks go through a group commit: those waiting
for one consultation are committed together. The batch's asks its rules accept
— a person's first in the batch, by someone who may ask, within their quota,
where questions are open — are written together: one INSERT for the questions,
one for their log events, one statement each for new and spent quotas. Every
other ask runs alone in its own savepoint, which gives its refusal. Both paths
decide by `_decided`, so the rules are written once (docs/performance.md, step 48).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from server.core import event_log, receipts
from server.core.access import (
    WALK_IN_ASKING,
    Viewer,
    check_batch_actor,
    hash_token,
    new_token,
    standings_of,
)
from server.core.errors import DomainError
from server.core.events import ATTENDEE, PUBLIC, STAFF, EventDraft
from server.core.group_commit import Pending, batched, bulk_then_each, refused, rows_by_id
from server.core.models import Consultation, Participant
from server.core.runtime import Core
from server.core.store import Store
from server.core.unit_of_work import Follower, Outcome, UnitOfWork, within

from . import rules
from .models import Question, QuestionQuota
from .service import own_view, staff_view, target_item

ASKERS = {ATTENDEE, WALK_IN_ASKING}


@dataclass(frozen=True)
class AskCommand:
    """A question as an attendee sent it (its text cleaned), waiting for its batch's commit."""

    viewer: Viewer
    text: str
    item_id: Any
    anonymous: Any
    now: datetime
    followers: Sequence[Follower]  # the application's (`core.wiring.followers`)


def ask(core: Core, viewer: Viewer, text: Any, item_id: Any, anonymous: Any) -> Outcome:
    """An attendee asks; the reply holds their own view and the receipt to find it again."""
    cleaned = rules.question_text(text)
    command = AskCommand(viewer, cleaned, item_id, anonymous, core.now(), core.wiring.followers)
    outcome: Outcome = batched(core, viewer.consultation_id, command, ask_all)
    return outcome


def ask_all(store: Store, batch: Sequence[Pending[AskCommand]]) -> list[Any]:
    """Commit a batch of asks of one consultation: an `Outcome` or an error for each."""
    return bulk_then_each(store, batch, _asks_in_bulk, _ask_one)


@dataclass(frozen=True)
class _Decided:
    """An ask its rules accept: the question to store and the receipt its asker keeps."""

    question: Question
    receipt: str


def _decided(
    consultation: Consultation,
    settings: rules.Settings,
    actor: Participant,
    quota: QuestionQuota | None,
    command: AskCommand,
) -> _Decided:
    """The question `command` asks, by the consultation's rules (`settings`, read once for
    a batch); or the refusal, raised."""
    item_id = target_item(consultation, command.item_id)
    rules.check_open(settings, item_id)
    anonymity = rules.anonymity_for(settings, command.anonymous)
    spent = rules.Quota(quota.asked, quota.last_asked_at) if quota else rules.Quota()
    rules.check_quota(settings, spent, command.now)
    receipt = new_token()
    state = rules.initial_state(settings)
    question = Question(
        consultation_id=consultation.id,
        item_id=item_id,
        author_id=None if anonymity == rules.FULLY_ANONYMOUS else actor.id,
        anonymity=anonymity,
        text=command.text,
        state=state,
        pinned=False,
        answer="",
        dismiss_reason="",
        receipt_hash=hash_token(receipt),
        created_at=command.now,
        approved_at=command.now if state == rules.APPROVED else None,
    )
    return _Decided(question, receipt)


def _ask_one(tx: Session, command: AskCommand) -> Outcome:
    """The rules of one ask, alone in its savepoint: check, store, log."""
    uow = within(tx, command.viewer, ASKERS, command.now, command.followers)
    quota = tx.get(QuestionQuota, uow.actor.id)
    settings = rules.settings_of(uow.consultation.settings)
    decided = _decided(uow.consultation, settings, uow.actor, quota, command)
    _spend(tx, quota, uow.actor, command.now)
    tx.add(decided.question)
    tx.flush()
    uow.log([_draft(tx, decided.question)], actor=_logged_as(decided.question))
    return _answered(uow, decided)


def _spend(tx: Session, quota: QuestionQuota | None, actor: Participant, now: datetime) -> None:
    """Count one more question against the asker's quota."""
    if quota is None:
        tx.add(QuestionQuota(participant_id=actor.id, asked=1, last_asked_at=now))
        return
    quota.asked += 1
    quota.last_asked_at = now


def _draft(tx: Session, question: Question) -> EventDraft:
    visibility = PUBLIC if rules.is_public(question.state) else STAFF
    return EventDraft("question_asked", {"question": staff_view(tx, question)}, visibility)


def _logged_as(question: Question) -> Participant | None:
    """Who the log names: a fully anonymous ask is "an attendee", never this one
    (None: the unit of work's actor)."""
    return Participant(role=ATTENDEE) if question.author_id is None else None


def _answered(uow: UnitOfWork, decided: _Decided) -> Outcome:
    uow.reply(question=own_view(decided.question), receipt=decided.receipt)
    return uow.outcome


# Built once: every batch of asks runs it (docs/performance.md, step 38).
_QUOTAS = select(QuestionQuota).where(
    QuestionQuota.participant_id.in_(bindparam("people", expanding=True))
)


@dataclass(frozen=True)
class _Accepted:
    index: int
    actor: Participant
    command: AskCommand
    decided: _Decided


def _asks_in_bulk(
    tx: Session, consultation: Consultation, batch: Sequence[Pending[AskCommand]]
) -> dict[int, Any]:
    """Write, together, the batch's asks the rules accept; their outcomes by index."""
    commands = [pending.command for pending in batch]
    actors = rows_by_id(tx, Participant, {c.viewer.participant_id for c in commands})
    quotas = {q.participant_id: q for q in tx.scalars(_QUOTAS, {"people": list(actors)})}
    standings = standings_of(tx, actors)
    accepted = _accepted(consultation, commands, actors, standings, quotas)
    # Their receipts, in one INSERT: a command id used before leaves the bulk path.
    taken = receipts.take_all(tx, [batch[each.index].claim for each in accepted])
    accepted = [each for each, ok in zip(accepted, taken, strict=True) if ok]
    if not accepted:
        return {}
    for each in accepted:
        _spend(tx, quotas.get(each.actor.id), each.actor, each.command.now)
    tx.add_all([each.decided.question for each in accepted])
    tx.flush()
    entries = [
        (
            _logged_as(each.decided.question) or each.actor,
            _draft(tx, each.decided.question),
            each.command.now,
        )
        for each in accepted
    ]
    logged = event_log.append_each(tx, consultation, entries)
    outcomes: dict[int, Any] = {}
    for each, event in zip(accepted, logged, strict=True):
        uow = UnitOfWork(tx, consultation, each.actor, each.command.now, each.command.followers)
        uow.record([event])
        outcomes[each.index] = _answered(uow, each.decided)
    return outcomes


def _accepted(
    consultation: Consultation,
    commands: Sequence[AskCommand],
    actors: dict[int, Participant],
    standings: Mapping[int, Row[Any]],
    quotas: dict[int, QuestionQuota],
) -> list[_Accepted]:
    """The asks the bulk path may write: each its asker's first in the batch (a second
    is checked against the first's quota, in order, alone), accepted by the rules."""
    settings = rules.settings_of(consultation.settings)
    accepted, seen = [], set()
    for index, command in enumerate(commands):
        actor = actors.get(command.viewer.participant_id)
        if actor is None or actor.consultation_id != consultation.id or actor.id in seen:
            continue
        if refused(check_batch_actor, consultation, standings[actor.id], ASKERS):
            continue
        try:
            decided = _decided(consultation, settings, actor, quotas.get(actor.id), command)
        except DomainError:
            continue  # refused alone, in the single path's own words
        seen.add(actor.id)
        accepted.append(_Accepted(index, actor, command, decided))
    return accepted
