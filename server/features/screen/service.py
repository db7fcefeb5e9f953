"""The shared screen: the moderator's choice, and the screen following the action.

Who may do what: moderators choose (`show_on_screen`, logged as `screen_chosen`);
everyone reads what is on screen (snapshot `screen`; the present view shows it,
the console says it). Nothing is stored but the log: the last `screen_chosen` is
the choice, and while it is to follow the action, what the screen shows is the
fold of the events logged since (rules.py). When a command logs an event the
screen follows, a follower of every unit of work (core/unit_of_work.py) marks the
`screen` topic, and the coalesced push (realtime) sends everyone what it shows now,
with the log's sequence number it was read at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, true
from sqlalchemy.orm import Session

from server.core.access import Viewer
from server.core.errors import N_, Conflict
from server.core.events import MODERATOR, EventDraft, LoggedEvent
from server.core.models import Consultation, Event
from server.core.runtime import Core
from server.core.shared_views import shared
from server.core.store import rows_of
from server.core.unit_of_work import Outcome, UnitOfWork, unit_of_work
from server.features.agenda.rules import active_item
from server.features.agenda.service import agenda_items
from server.features.polls import rules as poll_rules
from server.features.polls.service import find_poll
from server.features.questions import rules as question_rules
from server.features.questions.service import find_question

from . import rules
from .views import ScreenPart, ScreenView, ShownView

EVENT = "screen_chosen"
TOPIC = "screen"
# Events that end a question's time on screen if it was the one shown (pinned).
QUESTION_ENDS = frozenset(
    {"question_answered", "question_dismissed", "question_archived", "questions_merged"}
)
# Events that may change what a screen following the action shows (QUESTION_ENDS
# only when their question was on it); anything else logged leaves it as it is.
MOVING = frozenset(
    {
        *rules.TAKING,
        *rules.TURN_ENDS,
        *rules.AGENDA_MOVES,
        "poll_closed",
        "poll_deleted",
        "question_unpinned",
    }
)
FOLLOWED = MOVING | QUESTION_ENDS


def show_on_screen(core: Core, viewer: Viewer, subject: Any, subject_id: Any) -> Outcome:
    """Show a subject on the shared screen, or let it follow the action again."""
    choice, wanted = rules.parse_choice(subject, subject_id)
    with unit_of_work(core, viewer, {MODERATOR}) as uow:
        closed = False
        if choice == rules.POLL and wanted is not None:
            poll = find_poll(uow.tx, uow.consultation, wanted)
            if poll.state == poll_rules.DRAFT:
                raise Conflict("poll_not_opened", N_("A draft poll is shown once it is opened."))
            closed = poll.state == poll_rules.CLOSED
        if choice == rules.QUESTION and wanted is not None:
            question = find_question(uow.tx, uow.consultation, wanted)
            if not question_rules.is_public(question.state):
                raise Conflict(
                    "question_not_public", N_("Only a question attendees can see is shown.")
                )
        if choice == rules.FOLLOW:  # what is still live comes back
            screen = rules.resumed(_action(uow.tx, uow.consultation.id)[0])
        else:
            screen = rules.chosen(choice, wanted, closed)
        screen = rules.shown(screen, active_item(uow.consultation.items) is not None)
        uow.log([EventDraft(EVENT, dict(view(screen)))])
        uow.reply(screen=view(screen))
    return uow.outcome


def follow_the_action(uow: UnitOfWork, logged: list[LoggedEvent]) -> None:
    """Push what the screen shows once events that move it are logged."""
    if any(event.type in MOVING for event in logged):
        uow.recount(TOPIC)
        return
    ended = {_question_id(e.payload) for e in logged if e.type in QUESTION_ENDS}
    if ended:
        before = _followed(uow.tx, uow.consultation.id, until=logged[0].seq)
        if before.subject == rules.QUESTION and before.id in ended:
            uow.recount(TOPIC)


def current(tx: Session, consultation: Consultation) -> rules.Screen:
    """What the screen of `consultation` shows now: the choice, or the action followed."""
    running = active_item(agenda_items(tx, consultation)) is not None
    return rules.shown(_followed(tx, consultation.id), running)


@dataclass(frozen=True)
class _Reads:
    """The screen's reads of the log within one bound, built once: every snapshot runs
    them (docs/performance.md, "What a statement costs")."""

    latest: Select[Any]  # the last choice (its seq and payload) and the last taking event
    taken: Select[Any]
    followed: Select[Any]

    @classmethod
    def within(cls, bound: ColumnElement[bool]) -> _Reads:
        ours = Event.consultation_id == bindparam("consultation_id")
        chosen = select(Event.seq).where(ours, Event.type == EVENT, bound)
        last_choice = chosen.order_by(Event.seq.desc()).limit(1).scalar_subquery()
        taken = select(func.max(Event.seq)).where(ours, Event.type.in_(rules.TAKING), bound)
        return cls(
            select(
                last_choice,
                select(Event.payload).where(Event.seq == last_choice, ours).scalar_subquery(),
                taken.scalar_subquery(),
            ),
            taken,
            select(Event.type, Event.payload)
            .where(ours, Event.type.in_(FOLLOWED), Event.seq >= bindparam("taken"), bound)
            .order_by(Event.seq),
        )


_WHOLE_LOG = _Reads.within(true())
_BEFORE = _Reads.within(Event.seq < bindparam("until"))


def _reading(consultation_id: int, until: int | None) -> tuple[_Reads, dict[str, Any]]:
    """The reads of the log before `until` (all of it), and their values."""
    if until is None:
        return _WHOLE_LOG, {"consultation_id": consultation_id}
    return _BEFORE, {"consultation_id": consultation_id, "until": until}


def _followed(tx: Session, consultation_id: int, until: int | None = None) -> rules.Screen:
    """The screen as chosen, or as the action left it, from the log before `until` (all of it)."""
    reads, values = _reading(consultation_id, until)
    choice_seq, choice, taken = rows_of(tx).execute(reads.latest, values).one()
    screen = rules.read(choice)
    if not screen.follow:
        return screen
    screen, taken = _fold(tx, reads, values, taken)
    return rules.resumed(screen) if choice_seq and taken < choice_seq else screen


def _action(
    tx: Session, consultation_id: int, until: int | None = None
) -> tuple[rules.Screen, int]:
    """What the action puts on a following screen, and the number of the event that took it
    last (0: none did)."""
    reads, values = _reading(consultation_id, until)
    return _fold(tx, reads, values, rows_of(tx).scalar(reads.taken, values))


def _fold(
    tx: Session, reads: _Reads, values: dict[str, Any], taken: int | None
) -> tuple[rules.Screen, int]:
    """`_action` from the number of the event that took the screen last (None: none did).
    Only that event and those after it decide."""
    screen = rules.REST
    if taken is None:
        return screen, 0
    events = rows_of(tx).execute(reads.followed, {**values, "taken": taken})
    for event_type, payload in events:
        screen = rules.followed(screen, event_type, payload)
    return screen, taken


def shown_now(core: Core, consultation_id: int) -> ShownView:
    """What the screen shows, and the log's number it was read at (the push)."""
    with core.store.reading() as tx:
        consultation = tx.get_one(Consultation, consultation_id)
        return {**view(current(tx, consultation)), "seq": consultation.last_seq}


def view(screen: rules.Screen) -> ScreenView:
    return {
        "subject": screen.subject,
        "id": screen.id,
        "follow": screen.follow,
        "closed": screen.closed,
    }


def _question_id(payload: dict[str, Any]) -> Any:
    question = payload.get("question")
    return question.get("id") if isinstance(question, dict) else None


def screen_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> ScreenPart:
    """Everyone reads what the screen shows (the present view shows it; the console says it)."""
    return {"screen": shared(tx, "screen", lambda: view(current(tx, consultation)))}
