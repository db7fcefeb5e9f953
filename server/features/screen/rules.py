"""What the shared screen shows: one subject at a time, chosen or following the action.

The moderator either chooses a subject (the agenda, a question, a poll, the floor,
the join card) or lets the screen *follow the action*: the newest poll opened, the
question pinned or the floor given takes the screen, and when it ends the screen
rests again — on the running agenda item, or on the join card when none runs. A
closed poll's result stays until the agenda moves or something else takes the screen.

Following is a fold over the log: `followed` applied to each event since the last
event that took the screen gives what it shows, whoever reads it and whenever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from server.core.errors import N_, DomainError
from server.core.ids import as_id

AGENDA, QUESTION, POLL, FLOOR, JOIN = "agenda", "question", "poll", "floor", "join"
FOLLOW = "follow"
SUBJECTS = (AGENDA, QUESTION, POLL, FLOOR, JOIN)
CHOICES = (FOLLOW, *SUBJECTS)
# Subjects a choice may name one of by id; the others are one of a kind.
WITH_ID = (QUESTION, POLL)

# The agenda moving on: a result left on screen gives way to the running item.
AGENDA_MOVES = frozenset({"item_started", "item_ended", "consultation_ended"})
# Events that take a screen following the action, whatever it showed.
TAKING = frozenset({"poll_opened", "question_pinned", "floor_given"})
# Events ending the turn on the floor.
TURN_ENDS = frozenset({"turn_ended", "turn_cancelled"})


@dataclass(frozen=True)
class Screen:
    """What the screen shows: a subject (and which one), and whether it follows the action.

    `closed` marks a poll shown after its close: its result, not a live vote.
    """

    subject: str
    id: int | None = None
    follow: bool = True
    closed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "id": self.id,
            "follow": self.follow,
            "closed": self.closed,
        }


REST = Screen(AGENDA)  # following the action, between subjects


def shown(screen: Screen, item_running: bool) -> Screen:
    """What a screen at rest shows: the running item, or the join card when none runs."""
    if screen == REST and not item_running:
        return Screen(JOIN)
    return screen


def parse_choice(subject: Any, subject_id: Any) -> tuple[str, int | None]:
    """A moderator's choice: `follow` or a subject, with an id only where one is named."""
    if not isinstance(subject, str) or subject not in CHOICES:
        raise DomainError(
            "unknown_screen_subject",
            N_("The screen shows the agenda, a question, a poll, the floor or the join card."),
        )
    if subject_id is None:
        return subject, None
    wanted = as_id(subject_id)
    if subject not in WITH_ID or wanted is None:
        raise DomainError(
            "invalid_screen_id", N_("Only a question or a poll is chosen by its number.")
        )
    return subject, wanted


def chosen(subject: str, subject_id: int | None, closed: bool) -> Screen:
    """The screen after a moderator's choice (`closed`: the poll chosen is closed)."""
    if subject == FOLLOW:
        return REST
    return Screen(subject, subject_id, follow=False, closed=subject == POLL and closed)


def read(stored: Mapping[str, Any] | None) -> Screen:
    """The screen as the moderator last chose it (`stored`: the logged choice, as shown then);
    before any choice, or after choosing to follow, the action at rest."""
    if not stored or stored.get("follow", True):
        return REST
    return Screen(
        subject=stored.get("subject", AGENDA),
        id=stored.get("id"),
        follow=False,
        closed=bool(stored.get("closed", False)),
    )


def followed(screen: Screen, event_type: str, payload: Mapping[str, Any]) -> Screen:
    """What a screen following the action shows after one event; a chosen one stays."""
    if not screen.follow:
        return screen
    if event_type == "poll_opened":
        return Screen(POLL, payload.get("id"))
    if event_type == "question_pinned":
        return Screen(QUESTION, _question_id(payload))
    if event_type == "floor_given":
        return Screen(FLOOR, payload.get("hand_id"))
    if _ends(screen, event_type, payload):
        return REST
    if event_type == "poll_closed" and screen.subject == POLL:
        if payload.get("poll", {}).get("id") == screen.id:
            return replace(screen, closed=True)
    if event_type in AGENDA_MOVES and (screen.subject in (AGENDA, JOIN) or screen.closed):
        return REST
    return screen


def resumed(screen: Screen) -> Screen:
    """The screen when the moderator lets it follow the action again: what is still live
    (an open poll, a pinned question, a running turn) comes back; a poll's result does not."""
    return REST if screen.closed else screen


def _question_id(payload: Mapping[str, Any]) -> Any:
    question = payload.get("question")
    return question.get("id") if isinstance(question, Mapping) else None


def _ends(screen: Screen, event_type: str, payload: Mapping[str, Any]) -> bool:
    """Whether the event ends what the screen shows (the poll, question or turn on it)."""
    if screen.subject == FLOOR:
        return event_type in TURN_ENDS
    if screen.subject == POLL:
        return event_type == "poll_deleted" and payload.get("poll_id") == screen.id
    if screen.subject == QUESTION:
        if event_type == "question_unpinned":
            return payload.get("question_id") == screen.id
        question = payload.get("question")
        return (
            event_type.startswith("question")
            and isinstance(question, Mapping)
            and question.get("id") == screen.id
            and not question.get("pinned", False)
        )
    return False
