"""Polls: prepare, open, close, vote, show open answers; results for each audience.

Every command is one transaction under the consultation's row lock. Ballots,
which come in bursts, are cast in features/polls/ballots.py. Counts reach screens in
snapshots and as coalesced tallies (server/features/polls/handlers.py), never per ballot;
a poll's final tallies go into the log when it closes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.core.access import Viewer
from server.core.errors import N_, Conflict, DomainError, NotFound
from server.core.events import MODERATOR, STAFF, STAFF_ROLES, EventDraft
from server.core.ids import as_id
from server.core.models import Consultation
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.tallies import counts_of, reading_counts
from server.core.times import iso
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.agenda.rules import find_item
from server.features.consultations.rules import ConsultationSpec
from server.features.consultations.snapshots import attendees_present

from . import models as storage
from . import rules
from .counting import BallotRow, public_results, tally, with_turnout
from .models import Ballot, Poll
from .views import PollsPart, PollView

# The coalesced results of polls (features/polls/handlers.py renders them).
TOPIC = "poll_results"


@dataclass(frozen=True)
class Tallied:
    """A poll's results now: in full for staff, and for attendees only if they may see them."""

    poll_id: int
    staff: dict[str, Any]
    public: dict[str, Any] | None


def _tidying(core: Core, viewer: Viewer) -> AbstractContextManager[UnitOfWork]:
    """A moderator's command that may follow the end: closing polls, tidying drafts
    and answers (creating and opening polls may not)."""
    return unit_of_work(core, viewer, {MODERATOR}, not_ended=False)


def create_poll(core: Core, viewer: Viewer, data: Any) -> Outcome:
    """Add a draft poll, or with `open: true` a poll that is live at once."""
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        tx, consultation = uow.tx, uow.consultation
        definition = rules.parse_poll(data)
        open_now = data.get("open", False)
        if not isinstance(open_now, bool):
            raise DomainError("invalid_open", N_("open is true or false."))
        count, last = tx.execute(
            select(func.count(Poll.id), func.max(Poll.position)).where(
                Poll.consultation_id == consultation.id
            )
        ).one()
        if count >= rules.MAX_POLLS:
            raise Conflict("too_many_polls", N_("A consultation holds at most 200 polls."))
        item_id = data.get("item_id")
        poll = Poll(
            consultation_id=consultation.id,
            item_id=None if item_id is None else find_item(consultation.items, item_id).id,
            position=0 if last is None else last + 1,
            state=rules.DRAFT,
            created_at=uow.now,
        )
        _define(poll, definition)
        tx.add(poll)
        tx.flush()
        drafts = [EventDraft("poll_created", dict(poll_view(poll)), STAFF)]
        if open_now:
            drafts += _open(tx, consultation, poll, uow.now)
        uow.log(drafts)
        uow.recount(TOPIC, poll.id)
        uow.reply(poll_id=poll.id)
    return uow.outcome


def update_poll(core: Core, viewer: Viewer, poll_id: Any, data: Any) -> Outcome:
    """Rewrite a draft: its question, options, settings and agenda item."""
    with _tidying(core, viewer) as uow:
        poll = find_poll(uow.tx, uow.consultation, poll_id)
        rules.check_draft(poll.state)
        _define(poll, rules.parse_poll(data))
        item_id = data.get("item_id")
        poll.item_id = None if item_id is None else find_item(uow.consultation.items, item_id).id
        uow.log([EventDraft("poll_updated", dict(poll_view(poll)), STAFF)])
    return uow.outcome


def delete_poll(core: Core, viewer: Viewer, poll_id: Any) -> Outcome:
    """Drop a draft; a poll that has been open stays, with its ballots, in the record."""
    with _tidying(core, viewer) as uow:
        poll = find_poll(uow.tx, uow.consultation, poll_id)
        rules.check_draft(poll.state)
        uow.tx.delete(poll)
        uow.log([EventDraft("poll_deleted", {"poll_id": poll.id}, STAFF)])
    return uow.outcome


def open_poll(core: Core, viewer: Viewer, poll_id: Any) -> Outcome:
    """Open a draft or reopen a closed poll; the poll that was live closes first."""
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        poll = find_poll(uow.tx, uow.consultation, poll_id)
        rules.check_can_open(poll.state)
        uow.log(_open(uow.tx, uow.consultation, poll, uow.now))
        uow.recount(TOPIC, poll.id)
    return uow.outcome


def close_poll(core: Core, viewer: Viewer, poll_id: Any) -> Outcome:
    """Close the poll and log its final tallies."""
    with _tidying(core, viewer) as uow:
        poll = find_poll(uow.tx, uow.consultation, poll_id)
        rules.check_open(poll.state)
        uow.log([_close(uow.tx, poll, uow.now)])
        uow.recount(TOPIC, poll.id)
    return uow.outcome


def show_answer(core: Core, viewer: Viewer, poll_id: Any, answer_id: Any, shown: bool) -> Outcome:
    """Show an open-text answer to everyone (as far as the poll's visibility allows), or hide it."""
    with _tidying(core, viewer) as uow:
        poll, ballot = _answer(uow, poll_id, answer_id, rules.check_open_text)
        if shown:
            rules.check_not_excluded(ballot.excluded)
        kinds = ("poll_answer_shown", "poll_answer_hidden")
        _set_flag(uow, poll, ballot, "shown", shown, kinds)
    return uow.outcome


def exclude_answer(
    core: Core, viewer: Viewer, poll_id: Any, answer_id: Any, excluded: bool
) -> Outcome:
    """Leave a word-cloud or open-text answer out of every count and screen, or include it
    again; the full record and the archive keep it, marked."""
    with _tidying(core, viewer) as uow:
        poll, ballot = _answer(uow, poll_id, answer_id, rules.check_free_text)
        kinds = ("poll_answer_excluded", "poll_answer_included")
        _set_flag(uow, poll, ballot, "excluded", excluded, kinds)
    return uow.outcome


def _answer(
    uow: UnitOfWork, poll_id: Any, answer_id: Any, check_kind: Callable[[str], None]
) -> tuple[Poll, Ballot]:
    """One answer (ballot) of a poll whose kind `check_kind` accepts."""
    poll = find_poll(uow.tx, uow.consultation, poll_id)
    check_kind(poll.type)
    ballot = uow.tx.get(Ballot, answer_id) if as_id(answer_id) is not None else None
    if ballot is None or ballot.poll_id != poll.id:
        raise NotFound("unknown_answer", N_("This answer does not exist."))
    return poll, ballot


def _set_flag(
    uow: UnitOfWork, poll: Poll, ballot: Ballot, flag: str, value: bool, kinds: tuple[str, str]
) -> None:
    """Set one answer's `flag` (`shown`, `excluded`) to `value`, logging `kinds[0]` when
    it becomes true and `kinds[1]` when false; setting it as it is logs nothing."""
    uow.recount(TOPIC, poll.id)
    if getattr(ballot, flag) == value:
        return
    setattr(ballot, flag, value)
    poll.revision += 1
    kind = kinds[0] if value else kinds[1]
    uow.log([EventDraft(kind, {"poll_id": poll.id, "answer_id": ballot.id}, STAFF)])


def current_results(core: Core, consultation_id: int, poll_ids: Collection[Any]) -> list[Tallied]:
    """The results of the given polls now, for the coalesced tally pushes."""
    ids = [poll_id for poll_id in poll_ids if as_id(poll_id) is not None]
    with core.store.reading() as tx:
        reading_counts(tx, core.tallies.counts)
        polls = tx.scalars(
            select(Poll).where(
                Poll.consultation_id == consultation_id,
                Poll.id.in_(ids),
                Poll.state != rules.DRAFT,
            )
        ).all()
        present = attendees_present(tx, consultation_id)
        return [_tallied(tx, poll, present) for poll in polls]


_POLLS = (
    select(Poll).where(Poll.consultation_id == bindparam("consultation_id")).order_by(Poll.position)
)  # built once: every snapshot runs it (docs/performance.md)


def polls_snapshot(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> PollsPart:
    """Staff see every poll and every result; others see polls once opened, results if allowed."""
    staff = viewer.role in STAFF_ROLES
    listed = shared(tx, "polls", lambda: _listed(tx, consultation, staff))
    present = consultation.attendees_present
    results: dict[str, Any] = {}
    for poll_id, counted in listed.counted:
        full = {"poll_id": poll_id, **with_turnout(counted, present)}
        results[str(poll_id)] = full if staff else public_results(full)
    mine = storage.answers_of(tx, viewer.participant_id, listed.voted)
    return {
        "polls": {
            "items": listed.items,
            "live_poll_id": listed.live_poll_id,
            "results": results,
            "my_ballots": {str(poll_id): answer for poll_id, answer in mine.items()},
        }
    }


@dataclass(frozen=True)
class _Listed:
    """The polls as a role may list them, and the counts of those whose results it sees
    (the turnout, the head count, is added for each snapshot)."""

    items: list[PollView]
    live_poll_id: int | None
    voted: list[int]  # the polls a ballot may have been cast in: every one opened
    counted: list[tuple[int, dict[str, Any]]]


def _listed(tx: Session, consultation: Consultation, staff: bool) -> _Listed:
    polls = tx.scalars(_POLLS, {"consultation_id": consultation.id}).all()
    if not staff:
        polls = [poll for poll in polls if poll.state != rules.DRAFT]
    opened = [poll for poll in polls if poll.state != rules.DRAFT]
    return _Listed(
        items=[poll_view(poll) for poll in polls],
        live_poll_id=next((poll.id for poll in polls if poll.state == rules.OPEN), None),
        voted=[poll.id for poll in opened],
        counted=[
            (poll.id, _counted(tx, poll))
            for poll in opened
            if staff or rules.results_public(poll.visibility, poll.state)
        ],
    )


def polls_from_agenda_file(
    tx: Session, consultation: Consultation, spec: ConsultationSpec, now: datetime
) -> None:
    """Store the draft polls an agenda file attaches to its items (docs/agenda-format.md)."""
    position = 0
    for index, item in enumerate(spec.raw.get("agenda", [])):
        listed = item.get("polls")
        if listed is None:
            continue
        if not isinstance(listed, list):
            raise DomainError(
                "invalid_polls", N_("Agenda item %(item)s: polls are a list."), item=index + 1
            )
        for number, data in enumerate(listed, 1):
            try:
                definition = rules.parse_poll(data)
            except DomainError as error:
                raise DomainError(
                    error.code,
                    N_("Agenda item %(item)s, poll %(poll)s: %(reason)s"),
                    item=index + 1,
                    poll=number,
                    reason=error,
                ) from error
            poll = Poll(
                consultation_id=consultation.id,
                item_id=consultation.items[index].id,
                position=position,
                state=rules.DRAFT,
                created_at=now,
            )
            _define(poll, definition)
            tx.add(poll)
            position += 1
    if position > rules.MAX_POLLS:
        raise DomainError("too_many_polls", N_("A consultation holds at most 200 polls."))


def definition_of(poll: Poll) -> rules.PollDefinition:
    return rules.PollDefinition(
        type=poll.type,
        question=poll.question,
        options=tuple(poll.options),
        max_choices=poll.max_choices,
        scale_min=poll.scale_min,
        scale_max=poll.scale_max,
        low_label=poll.low_label,
        high_label=poll.high_label,
        visibility=poll.visibility,
        allow_change=poll.allow_change,
    )


def poll_view(poll: Poll) -> PollView:
    """A poll as every screen shows it: its definition and state, never its results."""
    return {
        "id": poll.id,
        "item_id": poll.item_id,
        "position": poll.position,
        "type": poll.type,
        "question": poll.question,
        "options": list(poll.options),
        "max_choices": poll.max_choices,
        "scale_min": poll.scale_min,
        "scale_max": poll.scale_max,
        "low_label": poll.low_label,
        "high_label": poll.high_label,
        "visibility": poll.visibility,
        "allow_change": poll.allow_change,
        "method": definition_of(poll).method,
        "state": poll.state,
        "opened_at": iso(poll.opened_at),
        "closed_at": iso(poll.closed_at),
    }


def _define(poll: Poll, definition: rules.PollDefinition) -> None:
    poll.type = definition.type
    poll.question = definition.question
    poll.options = list(definition.options)
    poll.max_choices = definition.max_choices
    poll.scale_min = definition.scale_min
    poll.scale_max = definition.scale_max
    poll.low_label = definition.low_label
    poll.high_label = definition.high_label
    poll.visibility = definition.visibility
    poll.allow_change = definition.allow_change


def _open(tx: Session, consultation: Consultation, poll: Poll, now: datetime) -> list[EventDraft]:
    """One poll is live at a time: close the one that is, then open this one."""
    live = tx.scalars(
        select(Poll).where(
            Poll.consultation_id == consultation.id,
            Poll.state == rules.OPEN,
            Poll.id != poll.id,
        )
    ).all()
    drafts = [_close(tx, other, now) for other in live]
    reopened = poll.state == rules.CLOSED
    poll.state = rules.OPEN
    poll.opened_at = now
    poll.closed_at = None
    poll.revision += 1
    drafts.append(EventDraft("poll_opened", {**poll_view(poll), "reopened": reopened}))
    return drafts


def _close(tx: Session, poll: Poll, now: datetime) -> EventDraft:
    """Close `poll`; the event holds the final tallies, attendees read them as allowed.

    The event is public so every screen learns the poll closed; the attendees'
    projection (features/polls/counting.py) drops what their visibility forbids.
    """
    poll.state = rules.CLOSED
    poll.closed_at = now
    poll.revision += 1
    final = _tallied(tx, poll, attendees_present(tx, poll.consultation_id), cached=False).staff
    return EventDraft("poll_closed", {"poll": poll_view(poll), "results": final})


def _tallied(tx: Session, poll: Poll, present: int, *, cached: bool = True) -> Tallied:
    """Results with turnout; `cached` only in read transactions, which see committed data,
    in the application's counts (`core.tallies.counts`) the transaction was given."""
    results = {"poll_id": poll.id, **with_turnout(_counted(tx, poll, cached=cached), present)}
    visible = rules.results_public(poll.visibility, poll.state)
    return Tallied(poll.id, results, public_results(results) if visible else None)


def _counted(tx: Session, poll: Poll, *, cached: bool = True) -> dict[str, Any]:
    counts = counts_of(tx) if cached else None
    if counts is None:
        return _count(tx, poll)
    return counts.get(tx, ("poll", poll.id), poll.revision, partial(_count, tx, poll))


def _count(tx: Session, poll: Poll) -> dict[str, Any]:
    """A choice poll is counted from its ballots grouped by answer and voter's group: at
    5,000 ballots, one row each cost 34 ms a count (docs/performance.md, step 103)."""
    read = storage.ballot_rows if poll.type in rules.FREE_TEXT else storage.choice_rows
    return tally(definition_of(poll), [BallotRow(*row) for row in read(tx, poll.id)])


def find_poll(tx: Session, consultation: Consultation, poll_id: Any) -> Poll:
    poll = tx.get(Poll, poll_id) if as_id(poll_id) is not None else None
    if poll is None or poll.consultation_id != consultation.id:
        raise NotFound("unknown_poll", N_("This poll does not exist."))
    return poll
