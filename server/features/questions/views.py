"""The questions' wire shapes: a question as moderators see it, and as its asker does.

Attendees and rapporteurs read the staff view through the projections of rules.py,
which also read payloads logged by earlier versions, so they stay plain mappings.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class AuthorView(TypedDict):
    """Who asked a question, where the author is stored and may be shown."""

    participant_id: int
    display_name: str
    stakeholder_group: str
    country: str
    # Present, true, when the author came to an invited consultation with the join code,
    # not an invitation (features/invitations): staff see the question is a walk-in's.
    walk_in: NotRequired[bool]


class _QuestionFields(TypedDict):
    """What the staff view and the asker's view share."""

    id: int
    item_id: int | None
    text: str
    state: str
    anonymity: str
    pinned: bool
    answer: str
    dismiss_reason: str
    merged_into_id: int | None
    edited: bool
    created_at: str


class OwnQuestionView(_QuestionFields):
    """A question as its asker sees it: every state, the dismissal reason, no author;
    merged, the text of the question it joined (the asker may not see that one)."""

    merged_into_text: str | None


class QuestionView(_QuestionFields):
    """A question as moderators see it (the staff view events and snapshots carry)."""

    author: AuthorView | None
    approved_at: str | None
    answered_at: str | None


class QueueView(TypedDict):
    """The queue as a role may see it: the settings, each question through the role's
    projection (a plain mapping, see above) with its `votes`, the pinned one; an
    attendee also gets their own questions and the ids they voted for."""

    settings: dict[str, Any]
    list: list[dict[str, Any]]
    pinned_id: int | None
    mine: NotRequired[list[OwnQuestionView]]
    my_votes: NotRequired[list[int]]


class QuestionsPart(TypedDict):
    questions: QueueView


class ReceiptView(TypedDict):
    """A question as its receipt page shows it, on any device: where it was asked too."""

    question: OwnQuestionView
    consultation_title: str
    item_title: str | None
