"""What Baraza holds about one person, and erasing their name on their own request.

"My data" reads, for the person holding a token, their profile, the privacy notice
they accepted, their questions (those asked under their name or anonymously to
attendees: a fully anonymous question is stored without anyone, so no one can find
it for them), how many questions they upvoted, their ballots and their hands.

`erase_my_name` empties their display name, the registration list's (if they came by
invitation) and every copy of it the log holds for them, as the retention period's
erasure does for everyone (retention.py): a copy is a `display_name` or `author_name`
in a part of a payload that names them by id, or in an event they logged that names
no one else. It is logged without the name, for
staff; done again, it changes nothing more and logs nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.core.access import Viewer
from server.core.chatham import NAME_KEYS
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, STAFF, EventDraft
from server.core.models import AgendaItem, Consultation, Event, Invitation, Participant
from server.core.runtime import Core
from server.core.unit_of_work import Outcome, unit_of_work
from server.features.consultations.service import find_by_code
from server.features.polls.models import Ballot, Poll
from server.features.questions.models import Question, QuestionVote
from server.features.speakers.models import SpeakerHand

from .notice import Notice, notice_for

EVERYONE = (ATTENDEE, MODERATOR, RAPPORTEUR)
ERASED = "name_erased"
ACCEPTED = "privacy_notice_accepted"  # logged on joining, see consultations/service.py
# The keys by which a part of a payload names the person it is about.
ID_KEYS = ("participant_id", "author_id")


def notice_of(core: Core, code: object, language: str) -> Notice:
    """The privacy notice of the consultation with `code`, for a reader of `language`."""
    with core.store.reading() as tx:
        consultation = find_by_code(tx, code)
        return notice_for(consultation.settings, consultation.languages, language)


def my_data(core: Core, viewer: Viewer) -> dict[str, Any]:
    """Everything Baraza holds about `viewer`'s person, as plain JSON."""
    with core.store.reading() as tx:
        person = tx.get_one(Participant, viewer.participant_id)
        consultation = tx.get_one(Consultation, viewer.consultation_id)
        items = select(AgendaItem.id, AgendaItem.title).where(
            AgendaItem.consultation_id == consultation.id
        )
        titles: dict[int, str] = {item_id: title for item_id, title in tx.execute(items)}
        return {
            "consultation": {
                "join_code": consultation.join_code,
                "title": consultation.title,
                "languages": list(consultation.languages),
            },
            "profile": {
                "participant_id": person.id,
                "role": person.role,
                "display_name": person.display_name,
                "stakeholder_group": person.stakeholder_group,
                "country": person.country,
                "joined_at": person.joined_at.isoformat(),
            },
            "consent": {
                "given": person.consented_at is not None,
                "at": _iso(person.consented_at),
                "privacy_notice_version": person.privacy_notice_version,
                "language": _consent_language(tx, person),
            },
            "questions": _questions(tx, person, titles),
            "upvotes": tx.scalar(
                select(func.count(QuestionVote.id)).where(QuestionVote.participant_id == person.id)
            )
            or 0,
            "ballots": _ballots(tx, person),
            "hands": _hands(tx, person, titles),
        }


def _consent_language(tx: Session, person: Participant) -> str | None:
    """The language of the privacy notice the person accepted, as the log recorded it."""
    payload = tx.scalar(
        select(Event.payload)
        .where(Event.consultation_id == person.consultation_id)
        .where(Event.type == ACCEPTED, Event.actor_id == person.id)
        .limit(1)
    )
    language = payload.get("language") if isinstance(payload, dict) else None
    return language if isinstance(language, str) else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _questions(tx: Session, person: Participant, titles: dict[int, str]) -> list[dict[str, Any]]:
    questions = tx.scalars(
        select(Question).where(Question.author_id == person.id).order_by(Question.id)
    )
    return [
        {
            "id": q.id,
            "item": titles.get(q.item_id) if q.item_id is not None else None,
            "text": q.text,
            "anonymity": q.anonymity,
            "state": q.state,
            "answer": q.answer,
            "asked_at": q.created_at.isoformat(),
        }
        for q in questions
    ]


def _ballots(tx: Session, person: Participant) -> list[dict[str, Any]]:
    rows = tx.execute(
        select(Poll, Ballot)
        .join(Ballot, Ballot.poll_id == Poll.id)
        .where(Ballot.participant_id == person.id)
        .order_by(Poll.id)
    )
    return [
        {
            "poll_id": poll.id,
            "poll": poll.question,
            "type": poll.type,
            "answer": ballot.answer,
            "answer_text": answer_text(poll, ballot.answer),
            "cast_at": ballot.cast_at.isoformat(),
            "changed_at": ballot.changed_at.isoformat(),
        }
        for poll, ballot in rows
    ]


def answer_text(poll: Poll, answer: Any) -> str:
    """A ballot as a person reads it: options by their text, in order."""
    options = [str(option) for option in poll.options or []]

    def option(index: Any) -> str:
        ok = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(options)
        return options[index] if ok else str(index)

    if poll.type in ("single",):
        return option(answer)
    if poll.type in ("multiple", "ranking") and isinstance(answer, list):
        return "; ".join(option(index) for index in answer)
    if isinstance(answer, list):
        return "; ".join(str(word) for word in answer)
    return str(answer)


def _hands(tx: Session, person: Participant, titles: dict[int, str]) -> list[dict[str, Any]]:
    hands = tx.scalars(
        select(SpeakerHand).where(SpeakerHand.participant_id == person.id).order_by(SpeakerHand.id)
    )
    return [
        {
            "id": hand.id,
            "item": titles.get(hand.item_id),
            "topic": hand.topic,
            "state": hand.state,
            "requested_at": hand.requested_at.isoformat(),
            "spoke_at": _iso(hand.spoke_at),
            "ended_at": _iso(hand.ended_at),
        }
        for hand in hands
    ]


def erase_my_name(core: Core, viewer: Viewer) -> Outcome:
    """Anyone → their own name erased, here and in the log; staff get `name_erased`.

    Allowed after the end too. Erasing a name already empty changes and logs nothing.
    """
    with unit_of_work(core, viewer, EVERYONE, not_ended=False) as uow:
        person = uow.actor
        if not person.display_name:
            uow.reply(erased=False)
        else:
            person.display_name = ""
            if person.invitation_id is not None:  # the registration list's copy
                uow.tx.get_one(Invitation, person.invitation_id).display_name = ""
            events = erase_copies(uow.tx, person)
            payload = {"participant_id": person.id, "events": events}
            uow.log([EventDraft(ERASED, payload, STAFF)])
            uow.reply(erased=True)
    return uow.outcome


def erase_copies(tx: Session, person: Participant) -> int:
    """Empty `person`'s name wherever the log copied it; how many events held it."""
    changed = 0
    events = tx.scalars(select(Event).where(Event.consultation_id == person.consultation_id))
    for event in events:
        scrubbed = without_name_of(event.payload, person.id, top=event.actor_id == person.id)
        if scrubbed != event.payload:
            event.payload = scrubbed
            changed += 1
    return changed


def without_name_of(value: Any, participant_id: int, *, top: bool = False) -> Any:
    """`value` with the name fields of every part about `participant_id` emptied; `top`:
    the person logged it, so its own fields are theirs unless they name someone else."""
    if isinstance(value, list):
        return [without_name_of(item, participant_id) for item in value]
    if not isinstance(value, dict):
        return value
    named = [value[key] for key in ID_KEYS if key in value]
    theirs = participant_id in named or (top and not named)
    return {
        key: ""
        if theirs and key in NAME_KEYS and isinstance(item, str)
        else without_name_of(item, participant_id)
        for key, item in value.items()
    }
