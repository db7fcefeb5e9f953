"""The shared screen: the moderator's choice, and the screen following the action.

Who may do what: moderators choose (`show_on_screen`); everyone reads what is on
screen (snapshot `screen`, event `screen_shown`), the present view shows it. The
log is the record: the last `screen_shown` is what the screen shows, so nothing
else is stored. While the screen follows the action, a follower of every unit of
work (core/unit_of_work.py) logs `screen_shown` in the same transaction as the
poll opened, the question pinned or the floor given that changed it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.access import Viewer
from server.core.errors import N_, Conflict
from server.core.events import MODERATOR, EventDraft, LoggedEvent
from server.core.models import Consultation, Event
from server.core.runtime import Core
from server.core.unit_of_work import Outcome, UnitOfWork, follower, unit_of_work
from server.features.agenda.rules import active_item
from server.features.consultations.snapshots import snapshot_part
from server.features.polls import rules as poll_rules
from server.features.polls.service import find_poll
from server.features.questions import rules as question_rules
from server.features.questions.service import find_question

from . import rules
from .views import ScreenView

EVENT = "screen_shown"
# What the screen may follow: anything else logged leaves it as it is, unread.
FOLLOWED = frozenset(
    {
        "poll_opened",
        "poll_closed",
        "poll_deleted",
        "question_pinned",
        "question_unpinned",
        "question_answered",
        "question_dismissed",
        "question_archived",
        "question_reopened",
        "question_edited",
        "questions_merged",
        "floor_given",
        *rules.TURN_ENDS,
        *rules.AGENDA_MOVES,
    }
)


def show_on_screen(core: Core, viewer: Viewer, subject: Any, subject_id: Any) -> Outcome:
    """Show a subject on the shared screen, or let it follow the action again."""
    chosen, wanted = rules.parse_choice(subject, subject_id)
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        closed = False
        if chosen == rules.POLL and wanted is not None:
            poll = find_poll(uow.tx, uow.consultation, wanted)
            if poll.state == poll_rules.DRAFT:
                raise Conflict("poll_not_opened", N_("A draft poll is shown once it is opened."))
            closed = poll.state == poll_rules.CLOSED
        if chosen == rules.QUESTION and wanted is not None:
            question = find_question(uow.tx, uow.consultation, wanted)
            if not question_rules.is_public(question.state):
                raise Conflict(
                    "question_not_public", N_("Only a question attendees can see is shown.")
                )
        screen = rules.chosen(chosen, wanted, _item_running(uow.consultation), closed)
        uow.log([_shown(screen)])
        uow.reply(screen=view(screen))
    return uow.outcome


@follower
def follow_the_action(uow: UnitOfWork, logged: list[LoggedEvent]) -> None:
    """Log what the screen shows now if events just logged changed it."""
    followed = [event for event in logged if event.type in FOLLOWED]
    if not followed:
        return
    running = _item_running(uow.consultation)
    stored = _stored(uow.tx, uow.consultation.id)
    before = rules.read(stored, running)
    screen = before
    for event in followed:
        screen = rules.followed(screen, event.type, event.payload, running)
    if stored is None or screen != before:
        uow.log([_shown(screen)])


def current(tx: Session, consultation: Consultation) -> rules.Screen:
    """What the screen of `consultation` shows now."""
    return rules.read(_stored(tx, consultation.id), _item_running(consultation))


def view(screen: rules.Screen) -> ScreenView:
    return {
        "subject": screen.subject,
        "id": screen.id,
        "follow": screen.follow,
        "closed": screen.closed,
    }


def _shown(screen: rules.Screen) -> EventDraft:
    return EventDraft(EVENT, dict(view(screen)))


def _item_running(consultation: Consultation) -> bool:
    return active_item(consultation.items) is not None


def _stored(tx: Session, consultation_id: int) -> dict[str, Any] | None:
    """The payload of the last `screen_shown` (read through the (consultation, type) index)."""
    return tx.scalar(
        select(Event.payload)
        .where(Event.consultation_id == consultation_id, Event.type == EVENT)
        .order_by(Event.seq.desc())
        .limit(1)
    )


@snapshot_part
def screen_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> dict[str, Any]:
    """Everyone reads what the screen shows (the present view shows it; the console says it)."""
    return {"screen": view(current(tx, consultation))}
