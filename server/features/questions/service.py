"""Question queue commands: moderate, ban, change settings — one transaction each.

Asks and votes, which come in bursts, are in asks.py and votes.py.

Every command is a unit of work (core/unit_of_work.py) under the consultation's
lock, so the queue's state and the log's numbering move together. What it
returns, an `Outcome`, holds the logged events, the notices telling authors
about their questions, and the questions whose vote counts are to be pushed
(coalesced, see core/tallies.py). Nothing here emits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session, object_session
from sqlalchemy.sql.elements import ColumnElement

from server.core.access import Viewer, hash_token, is_walk_in
from server.core.errors import N_, Conflict, Forbidden, NotFound
from server.core.events import ATTENDEE, MODERATOR, PUBLIC, STAFF, EventDraft, Payload
from server.core.ids import as_id
from server.core.models import Consultation, Participant
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.times import iso
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.agenda import rules as agenda_rules
from server.features.consultations.rules import ConsultationSpec

from . import rules
from .models import Question, QuestionVote
from .views import (
    AuthorView,
    OwnQuestionView,
    QuestionsPart,
    QuestionView,
    QueueView,
    ReceiptView,
)

VOTES_TOPIC = "question_votes"


# -- the item a question is about -----------------------------------------------


def target_item(consultation: Consultation, item_id: Any) -> int | None:
    """The item a question is about: the one named, else the one running now (or none)."""
    if item_id is None:
        active = agenda_rules.active_item(consultation.items)
        return active.id if active else None
    return agenda_rules.find_item(consultation.items, item_id).id


# -- moderating ----------------------------------------------------------------


def _moderating(core: Core, viewer: Viewer) -> AbstractContextManager[UnitOfWork]:
    """A moderator's command on the queue; the queue can be tidied after the end too."""
    return unit_of_work(core, viewer, {MODERATOR}, not_ended=False)


def _taken(uow: UnitOfWork, question_id: Any, action: str) -> tuple[Question, bool]:
    """The question a moderator acts on, if `action` suits its state; whether it was public."""
    question = find_question(uow.tx, uow.consultation, question_id)
    rules.check_action(action, question.state)
    return question, rules.is_public(question.state)


def _acted(
    uow: UnitOfWork,
    event_type: str,
    question: Question,
    was_public: bool,
    extra: Payload | None = None,
) -> None:
    """Log a moderator's action on a question; tell its author; push its count if it
    just came into attendees' view."""
    uow.log([_question_event(uow.tx, event_type, question, was_public, extra or {})])
    if rules.is_public(question.state) and not was_public:
        uow.recount(VOTES_TOPIC, question.id)
    _tell_author(uow, question)


def _question_event(
    tx: Session, event_type: str, question: Question, was_public: bool, extra: Payload
) -> EventDraft:
    """Public if attendees saw the question before or see it now; staff otherwise."""
    visibility = PUBLIC if was_public or rules.is_public(question.state) else STAFF
    return EventDraft(event_type, {"question": staff_view(tx, question), **extra}, visibility)


def approve(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.APPROVE)
        question.state = rules.APPROVED
        question.approved_at = uow.now
        _acted(uow, "question_approved", question, was_public)
    return uow.outcome


def approve_many(core: Core, viewer: Viewer, question_ids: Any) -> Outcome:
    """Approve a batch; questions no longer pending (another moderator was quicker) are skipped."""
    ids = rules.parse_ids(question_ids)
    with _moderating(core, viewer) as uow:
        questions = [find_question(uow.tx, uow.consultation, question_id) for question_id in ids]
        drafts: list[EventDraft] = []
        approved: list[int] = []
        skipped: list[int] = []
        for question in questions:
            if question.state != rules.PENDING:
                skipped.append(question.id)
                continue
            question.state = rules.APPROVED
            question.approved_at = uow.now
            approved.append(question.id)
            drafts.append(_question_event(uow.tx, "question_approved", question, False, {}))
            _tell_author(uow, question)
        uow.log(drafts)
        uow.reply(approved=approved, skipped=skipped)
    return uow.outcome


def dismiss(core: Core, viewer: Viewer, question_id: Any, reason: Any) -> Outcome:
    cleaned = rules.reason_text(reason)
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.DISMISS)
        question.state = rules.DISMISSED
        question.dismiss_reason = cleaned
        question.pinned = False
        _acted(uow, "question_dismissed", question, was_public)
    return uow.outcome


def edit(core: Core, viewer: Viewer, question_id: Any, text: Any) -> Outcome:
    """Fix a typo; the text before the edit stays in the log (staff read it there)."""
    cleaned = rules.question_text(text)
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.EDIT)
        previous = question.text
        question.text = cleaned
        question.edited_at = uow.now
        _acted(uow, "question_edited", question, was_public, {"previous_text": previous})
    return uow.outcome


def pin(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    """Show one question as *now answering*; the one pinned before is unpinned."""
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.PIN)
        previous = _pinned(uow.tx, uow.consultation.id)
        if previous is not None:
            previous.pinned = False
        question.pinned = True
        extra = {"previous_id": previous.id if previous else None}
        _acted(uow, "question_pinned", question, was_public, extra)
    return uow.outcome


def unpin(core: Core, viewer: Viewer) -> Outcome:
    with _moderating(core, viewer) as uow:
        question = _pinned(uow.tx, uow.consultation.id)
        if question is None:
            raise Conflict("nothing_pinned", N_("No question is being answered now."))
        question.pinned = False
        uow.log([EventDraft("question_unpinned", {"question_id": question.id}, PUBLIC)])
    return uow.outcome


def answer(core: Core, viewer: Viewer, question_id: Any, answer_text: Any) -> Outcome:
    """Mark answered, with an optional written answer (again to change the answer)."""
    written = rules.answer_text(answer_text)
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.ANSWER)
        question.state = rules.ANSWERED
        question.answer = written
        question.answered_at = question.answered_at or uow.now
        question.pinned = False
        _acted(uow, "question_answered", question, was_public)
    return uow.outcome


def reopen(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    """Put an answered, dismissed or archived question back in the live queue."""
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.REOPEN)
        question.state = rules.APPROVED
        question.approved_at = question.approved_at or uow.now
        question.dismiss_reason = ""
        _acted(uow, "question_reopened", question, was_public)
    return uow.outcome


def archive(core: Core, viewer: Viewer, question_id: Any) -> Outcome:
    with _moderating(core, viewer) as uow:
        question, was_public = _taken(uow, question_id, rules.ARCHIVE)
        question.state = rules.ARCHIVED
        question.pinned = False
        _acted(uow, "question_archived", question, was_public)
    return uow.outcome


def merge(core: Core, viewer: Viewer, question_id: Any, into_id: Any) -> Outcome:
    """Fold a duplicate into another question: votes combine, each voter counted once."""
    with _moderating(core, viewer) as uow:
        source = find_question(uow.tx, uow.consultation, question_id)
        target = find_question(uow.tx, uow.consultation, into_id)
        rules.check_merge(source.id, target.id)
        rules.check_action(rules.MERGE, source.state)
        rules.check_action(rules.MERGE_INTO, target.state)
        was_public = rules.is_public(source.state)
        _move_votes(uow.tx, source, target)
        source.state = rules.MERGED
        source.merged_into_id = target.id
        source.pinned = False
        extra = {"into": staff_view(uow.tx, target)}
        uow.log([_question_event(uow.tx, "questions_merged", source, was_public, extra)])
        _tell_author(uow, source)
        uow.recount(VOTES_TOPIC, target.id)
    return uow.outcome


def _move_votes(tx: Session, source: Question, target: Question) -> None:
    """Give the source's votes to the target, dropping those of people who voted both."""
    already = select(QuestionVote.participant_id).where(QuestionVote.question_id == target.id)
    redundant: list[ColumnElement[bool]] = [QuestionVote.participant_id.in_(already)]
    if target.author_id is not None:  # nobody votes for their own question, even by merge
        redundant.append(QuestionVote.participant_id == target.author_id)
    tx.execute(delete(QuestionVote).where(QuestionVote.question_id == source.id, or_(*redundant)))
    tx.execute(
        update(QuestionVote)
        .where(QuestionVote.question_id == source.id)
        .values(question_id=target.id)
    )


# -- settings and bans -----------------------------------------------------------


def change_settings(core: Core, viewer: Viewer, changes: dict[str, Any]) -> Outcome:
    """Change anonymity, moderation mode or rate limits live."""
    parsed = rules.parse_adjustment(changes)
    with _moderating(core, viewer) as uow:
        settings = replace(rules.settings_of(uow.consultation.settings), **parsed)
        _set_settings(uow, settings, "question_settings_changed", {"changed": parsed})
    return uow.outcome


def set_open(core: Core, viewer: Viewer, item_id: Any, is_open: bool) -> Outcome:
    """Open or close questions for the consultation, or for one agenda item."""
    event_type = "questions_opened" if is_open else "questions_closed"
    with _moderating(core, viewer) as uow:
        wanted = None if item_id is None else target_item(uow.consultation, item_id)
        settings = rules.settings_of(uow.consultation.settings)
        changed = rules.with_item_open(settings, wanted, is_open)
        _set_settings(uow, changed, event_type, {"item_id": item_id})
    return uow.outcome


def _set_settings(
    uow: UnitOfWork, settings: rules.Settings, event_type: str, extra: Payload
) -> None:
    # A new dict, so the JSON column is seen as changed.
    uow.consultation.settings = {
        **uow.consultation.settings,
        rules.SETTINGS_KEY: settings.as_dict(),
    }
    uow.log([EventDraft(event_type, {**extra, "settings": settings.as_dict()}, PUBLIC)])


def ban(core: Core, viewer: Viewer, participant_id: Any) -> Outcome:
    """Remove an attendee: their later commands are refused, their pending questions hidden."""
    return _set_banned(core, viewer, participant_id, True)


def unban(core: Core, viewer: Viewer, participant_id: Any) -> Outcome:
    """Let a banned attendee back in; their hidden questions return to the pending queue."""
    return _set_banned(core, viewer, participant_id, False)


def _set_banned(core: Core, viewer: Viewer, participant_id: Any, banned: bool) -> Outcome:
    with _moderating(core, viewer) as uow:
        tx = uow.tx
        person = _attendee(tx, uow.consultation, participant_id)
        if banned and person.banned_at is not None:
            raise Conflict("already_banned", N_("This person is already banned."))
        if not banned and person.banned_at is None:
            raise Conflict("not_banned", N_("This person is not banned."))
        person.banned_at = uow.now if banned else None
        before, after = (rules.PENDING, rules.HIDDEN) if banned else (rules.HIDDEN, rules.PENDING)
        moved = _authored(tx, person.id, before)
        for question in moved:
            question.state = after
        payload: Payload = {"participant": _person(person)}
        if banned:
            payload["hidden"] = [q.id for q in moved]
        else:
            payload["restored"] = [staff_view(tx, q) for q in moved]
        event_type = "participant_banned" if banned else "participant_unbanned"
        uow.log([EventDraft(event_type, payload, STAFF)])
    return uow.outcome


def _attendee(tx: Session, consultation: Consultation, participant_id: Any) -> Participant:
    wanted = as_id(participant_id)
    person = tx.get(Participant, wanted) if wanted is not None else None
    if person is None or person.consultation_id != consultation.id:
        raise NotFound("unknown_participant", N_("This person is not in this consultation."))
    if person.role != ATTENDEE:
        raise Forbidden("cannot_ban_staff", N_("Only attendees can be banned."))
    return person


def _authored(tx: Session, author_id: int, state: str) -> Sequence[Question]:
    return tx.scalars(
        select(Question)
        .where(Question.author_id == author_id, Question.state == state)
        .order_by(Question.id)
    ).all()


# -- reading -------------------------------------------------------------------


def my_questions(core: Core, viewer: Viewer, receipts: Any) -> list[OwnQuestionView]:
    """An asker's own questions found by the receipts their client kept (any anonymity)."""
    hashes = [hash_token(receipt) for receipt in rules.parse_receipts(receipts)]
    if not hashes:
        return []
    with core.store.reading() as tx:
        found = tx.scalars(
            select(Question)
            .where(
                Question.consultation_id == viewer.consultation_id,
                Question.receipt_hash.in_(hashes),
            )
            .order_by(Question.id)
        )
        return [own_view(question) for question in found]


def by_receipt(core: Core, receipt: str) -> ReceiptView | None:
    """The question a receipt was given for, as its asker sees it (None: no such receipt).

    The receipt is the asker's secret, kept by their browser since they asked: whoever
    holds it may read the question's state from any device, without joining."""
    with core.store.reading() as tx:
        question = tx.scalar(select(Question).where(Question.receipt_hash == hash_token(receipt)))
        if question is None:
            return None
        consultation = tx.get_one(Consultation, question.consultation_id)
        item = next((i for i in consultation.items if i.id == question.item_id), None)
        return {
            "question": own_view(question),
            "consultation_title": consultation.title,
            "item_title": f"{item.position + 1}. {item.title}" if item is not None else None,
        }


def vote_counts(core: Core, viewer: Viewer) -> dict[str, int]:
    """Every count the viewer may see, as the tally sends them (a reconnected page asks)."""
    with core.store.reading() as tx:
        return _counts(tx, viewer.consultation_id, rules.SEEN_BY[viewer.role])


def public_counts(core: Core, consultation_id: int, question_ids: Iterable[int]) -> dict[str, int]:
    """Absolute counts of the given questions that attendees can see (for the tally)."""
    ids = [i for i in question_ids if isinstance(i, int)]
    with core.store.reading() as tx:
        return _counts(tx, consultation_id, rules.PUBLIC_STATES, ids)


def counted_vote(question_id: Any) -> ColumnElement[bool]:
    """The join condition of a question's votes that count: not excluded by an integrity
    flag (features/integrity), whose rows stay in the record."""
    return and_(QuestionVote.question_id == question_id, QuestionVote.excluded_by_flag.is_(None))


# The snapshot's statements, built once: each attendee's join runs them (docs/performance.md).
_IN_STATES = Question.state.in_(bindparam("states", expanding=True))
_COUNTS = (
    select(Question.id, func.count(QuestionVote.id))
    .outerjoin(QuestionVote, counted_vote(Question.id))
    .where(Question.consultation_id == bindparam("consultation_id"), _IN_STATES)
    .group_by(Question.id)
)
_COUNTS_OF = _COUNTS.where(Question.id.in_(bindparam("only", expanding=True)))
# The queue with each question's counted votes, in one statement.
_QUEUE = (
    select(
        Question,
        select(func.count(QuestionVote.id))
        .where(counted_vote(Question.id))
        .correlate(Question)
        .scalar_subquery(),
    )
    .where(Question.consultation_id == bindparam("consultation_id"), _IN_STATES)
    .order_by(Question.id)
)
_AUTHORED = (
    select(Question).where(Question.author_id == bindparam("author_id")).order_by(Question.id)
)
_MY_VOTES = (
    select(QuestionVote.question_id)
    .join(Question, Question.id == QuestionVote.question_id)
    .where(
        QuestionVote.participant_id == bindparam("participant_id"),
        Question.state.in_(list(rules.PUBLIC_STATES)),
    )
    .order_by(QuestionVote.question_id)
)


def _counts(
    tx: Session,
    consultation_id: int,
    states: Iterable[str],
    only: Sequence[int] | None = None,
) -> dict[str, int]:
    """Vote counts by question id (as strings: they travel as JSON object keys)."""
    values: dict[str, Any] = {"consultation_id": consultation_id, "states": list(states)}
    if only is not None:
        values["only"] = list(only)
    rows = tx.execute(_COUNTS if only is None else _COUNTS_OF, values)
    return {str(question_id): count for question_id, count in rows}


def questions_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> QuestionsPart:
    """The queue as the viewer's role may see it; an attendee also gets their own."""
    listed, pinned_id = shared(tx, "questions", lambda: _queue(tx, consultation, viewer.role))
    part: QueueView = {
        "settings": rules.settings_of(consultation.settings).as_dict(),
        "list": listed,
        "pinned_id": pinned_id,
    }
    if viewer.role == ATTENDEE:
        part["mine"] = [own_view(q) for q in _all_authored(tx, viewer.participant_id)]
        # An attendee's votes are on questions of their queue (both in PUBLIC_STATES):
        # with none in it, there is nothing to read.
        mine = {"participant_id": viewer.participant_id}
        part["my_votes"] = list(tx.scalars(_MY_VOTES, mine)) if listed else []
    return {"questions": part}


def _queue(tx: Session, consultation: Consultation, role: str) -> tuple[list[Payload], int | None]:
    """The questions `role` sees, each with its counted votes, and the pinned one's id."""
    values = {"consultation_id": consultation.id, "states": list(rules.SEEN_BY[role])}
    queue = tx.execute(_QUEUE, values).all()
    authors = _authors(tx, consultation, [question for question, _ in queue])
    listed = [
        {
            **rules.view_for(role, dict(_view(question, authors.get(question.author_id)))),
            "votes": votes,
        }
        for question, votes in queue
    ]
    return listed, next((question.id for question, _ in queue if question.pinned), None)


def _all_authored(tx: Session, author_id: int) -> Sequence[Question]:
    return tx.scalars(_AUTHORED, {"author_id": author_id}).all()


_AUTHORS = select(Participant).where(Participant.id.in_(bindparam("ids", expanding=True)))


def _authors(
    tx: Session, consultation: Consultation, questions: Sequence[Question]
) -> dict[int | None, AuthorView]:
    """The authors of `questions`, each as a question shows them: one view for all of
    their questions, made with the consultation at hand (not looked up for each)."""
    ids = {q.author_id for q in questions if q.author_id is not None}
    if not ids:
        return {}
    people = tx.scalars(_AUTHORS, {"ids": list(ids)})
    return {person.id: _person(person, consultation) for person in people}


# -- views ---------------------------------------------------------------------


def staff_view(tx: Session, question: Question) -> QuestionView:
    """A question as moderators see it; the projections strip it for everyone else."""
    author = tx.get(Participant, question.author_id) if question.author_id else None
    return _view(question, _person(author) if author else None)


def _view(question: Question, author: AuthorView | None) -> QuestionView:
    return {
        "id": question.id,
        "item_id": question.item_id,
        "text": question.text,
        "state": question.state,
        "anonymity": question.anonymity,
        "author": author,
        "pinned": question.pinned,
        "answer": question.answer,
        "dismiss_reason": question.dismiss_reason,
        "merged_into_id": question.merged_into_id,
        "edited": question.edited_at is not None,
        "created_at": question.created_at.isoformat(),
        "approved_at": iso(question.approved_at),
        "answered_at": iso(question.answered_at),
    }


def own_view(question: Question) -> OwnQuestionView:
    """A question as its asker sees it: every state, the dismissal reason, no author;
    merged, the text of the question it joined."""
    into = None
    session = object_session(question)
    if question.merged_into_id is not None and session is not None:
        into = session.get(Question, question.merged_into_id)
    return {
        "id": question.id,
        "item_id": question.item_id,
        "text": question.text,
        "state": question.state,
        "anonymity": question.anonymity,
        "pinned": question.pinned,
        "answer": question.answer,
        "dismiss_reason": question.dismiss_reason,
        "merged_into_id": question.merged_into_id,
        "merged_into_text": into.text if into is not None else None,
        "edited": question.edited_at is not None,
        "created_at": question.created_at.isoformat(),
    }


def _person(person: Participant, consultation: Consultation | None = None) -> AuthorView:
    """`person` as a question or a ban shows them; `consultation`, theirs, if at hand."""
    view: AuthorView = {
        "participant_id": person.id,
        "display_name": person.display_name,
        "stakeholder_group": person.stakeholder_group,
        "country": person.country,
    }
    if _walked_in(person, consultation):
        view["walk_in"] = True
    return view


def _walked_in(person: Participant, consultation: Consultation | None) -> bool:
    """Whether `person` came to an invited consultation without an invitation."""
    if person.role != ATTENDEE or person.invitation_id is not None:
        return False
    if consultation is None:
        session = object_session(person)
        consultation = session.get(Consultation, person.consultation_id) if session else None
    return consultation is not None and is_walk_in(consultation, person)


def _tell_author(uow: UnitOfWork, question: Question) -> None:
    """The author learns what happened to their question, where the author is known."""
    if question.author_id is not None:
        uow.notify(question.author_id, "my_question", {"question": own_view(question)})


def find_question(tx: Session, consultation: Consultation, question_id: Any) -> Question:
    """A question of this consultation; hidden ones are out of sight, so unknown."""
    wanted = as_id(question_id)
    question = tx.get(Question, wanted) if wanted is not None else None
    if (
        question is None
        or question.consultation_id != consultation.id
        or question.state == rules.HIDDEN
    ):
        raise rules.unknown_question()
    return question


def _pinned(tx: Session, consultation_id: int) -> Question | None:
    return tx.scalar(
        select(Question).where(
            Question.consultation_id == consultation_id, Question.pinned.is_(True)
        )
    )


def check_settings(
    tx: Session, consultation: Consultation, spec: ConsultationSpec, now: datetime
) -> None:
    """An agenda file's `settings.questions` must be valid, or the file is refused."""
    if rules.SETTINGS_KEY in spec.settings:
        rules.parse_settings(spec.settings[rules.SETTINGS_KEY], partial=True)
