"""Speakers' queue commands: attendees raise and withdraw hands, the chair runs the floor.

Who receives what: the floor's events (`floor_given`, `turn_*`) and the list's
(`speakers_list_*`, `speakers_ordering_changed`, `speaking_time_set`) go to every
audience; the hands' events (`hand_*`) to staff only. The ordered queue is state,
pushed coalesced as `speakers_queue` — staff see who waits, attendees only the
order of request numbers. The person whose hand changed gets a `speakers_mine`
notice with their open hands.
"""

from __future__ import annotations

from typing import Any

from server.core import emitter, tallies
from server.core.access import Viewer
from server.core.commands import Outcome, command
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR, LoggedEvent
from server.core.runtime import Core

from . import service as speakers

TOPIC = "speakers"


def _done(core: Core, viewer: Viewer, events: list[LoggedEvent], **reply: Any) -> Outcome:
    """After a committed command: re-push the queue, tell the people whose hands changed."""
    tallies.mark(viewer.consultation_id, TOPIC)
    concerned = speakers.people_concerned(events)
    if concerned:
        hands = speakers.hands_by_person(core, viewer.consultation_id, concerned)
        for participant_id, reason in concerned.items():
            emitter.notify(
                participant_id,
                "speakers_mine",
                {"reason": reason, "hands": hands[participant_id]},
            )
    return Outcome(events, reply)


@command("raise_hand")
def raise_hand(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    events = speakers.raise_hand(core, viewer, data.get("item_id"), data.get("topic"))
    return _done(core, viewer, events, hand_id=events[0].payload["id"])


@command("withdraw_hand")
def withdraw_hand(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.withdraw_hand(core, viewer, data.get("hand_id")))


@command("give_floor")
def give_floor(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    events = speakers.give_floor(
        core, viewer, data.get("hand_id"), data.get("item_id"), data.get("replacing")
    )
    return _done(core, viewer, events, hand_id=events[-1].payload["hand_id"])


@command("end_turn")
def end_turn(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.end_turn(core, viewer, data.get("hand_id")))


@command("extend_turn")
def extend_turn(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.extend_turn(core, viewer, data.get("seconds")))


@command("put_hand_back")
def put_hand_back(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.put_back(core, viewer, data.get("hand_id")))


@command("remove_hand")
def remove_hand(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.remove_hand(core, viewer, data.get("hand_id")))


@command("close_speakers_list")
def close_speakers_list(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.close_list(core, viewer, data.get("item_id")))


@command("reopen_speakers_list")
def reopen_speakers_list(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.reopen_list(core, viewer, data.get("item_id")))


@command("set_speakers_ordering")
def set_speakers_ordering(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return _done(core, viewer, speakers.set_ordering(core, viewer, data.get("ordering")))


@command("set_speaking_time")
def set_speaking_time(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    events = speakers.set_time_limit(core, viewer, data.get("seconds"), data.get("item_id"))
    return _done(core, viewer, events)


@tallies.topic(TOPIC)
def render_queue(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """The ordered queue, absolute: staff with names, attendees with request numbers only."""
    views = speakers.queue_views(core, consultation_id)
    return [
        tallies.Push((MODERATOR, RAPPORTEUR), "speakers_queue", views["staff"]),
        tallies.Push((ATTENDEE,), "speakers_queue", views["public"]),
    ]
