"""The speakers' wire shapes: a request to speak, a turn, a finished turn, the queue."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class _Speaker(TypedDict):
    """Who asks for the floor or holds it, on which item, about what."""

    item_id: int
    participant_id: int
    display_name: str
    stakeholder_group: str
    country: str
    topic: str


class HandView(_Speaker):
    """A request to speak as the chair sees it."""

    id: int
    state: str
    requested_at: str
    # Where the queue is shown: the person's turns so far.
    turns: NotRequired[int]
    spoken_before: NotRequired[bool]


class TurnView(_Speaker):
    """A turn on the floor; the timings (seconds) are as of the moment it was sent."""

    hand_id: int
    started_at: str | None
    ended_at: str | None
    limit_seconds: int
    extra_seconds: int
    elapsed: int
    remaining: int
    overrun: int


class InterventionView(TurnView):
    """A finished turn, with how long it lasted."""

    duration: int


class ItemQueueView(TypedDict):
    """One item's queue: how many wait, in which order (request numbers)."""

    item_id: int
    waiting: int
    hand_ids: list[int]
    hands: NotRequired[list[HandView]]  # staff only


class QueueView(TypedDict):
    """The queue and its settings, as one role may see it."""

    ordering: str
    time_limit_seconds: int
    item_time_limits: dict[str, int]  # item id (as a string) → seconds
    closed_items: list[int]
    queues: list[ItemQueueView]


class OwnHandView(TypedDict):
    """One of a person's open hands, as they see it (with their own topic)."""

    id: int
    item_id: int
    topic: str
    state: str
    requested_at: str


class RecordView(TypedDict):
    """Staff's record so far: the turns by item, and the speaking totals."""

    items: list[dict[str, Any]]
    totals: dict[str, Any]


class SpeakersView(QueueView):
    """The speakers' part of a snapshot: the queue, the floor (for attendees without the
    speaker's number and topic) and its clock, the current item and whether its list is
    open; an attendee also gets their own open hands, staff the record so far."""

    floor: TurnView | dict[str, Any] | None
    current_item_id: int | None
    list_open: bool | None
    mine: NotRequired[list[OwnHandView]]
    record: NotRequired[RecordView]


class SpeakersPart(TypedDict):
    speakers: SpeakersView
