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

from server.core import tallies
from server.core.commands import Handler, calling
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.core.runtime import Core

from . import service as speakers


def render_queue(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """The ordered queue, absolute: staff with names, attendees with request numbers only."""
    views = speakers.queue_views(core, consultation_id)
    return [
        tallies.Push((MODERATOR, RAPPORTEUR), "speakers_queue", views["staff"]),
        tallies.Push((ATTENDEE,), "speakers_queue", views["public"]),
    ]


# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    # Attendees.
    "raise_hand": calling(speakers.raise_hand, "item_id", "topic"),
    "withdraw_hand": calling(speakers.withdraw_hand, "hand_id"),
    # The chair (and, for `end_turn`, the speaker yielding the floor).
    "give_floor": calling(speakers.give_floor, "hand_id", "item_id", "replacing"),
    "end_turn": calling(speakers.end_turn, "hand_id"),
    "extend_turn": calling(speakers.extend_turn, "seconds"),
    "put_hand_back": calling(speakers.put_back, "hand_id"),
    "remove_hand": calling(speakers.remove_hand, "hand_id"),
    "close_speakers_list": calling(speakers.close_list, "item_id"),
    "reopen_speakers_list": calling(speakers.reopen_list, "item_id"),
    "set_speakers_ordering": calling(speakers.set_ordering, "ordering"),
    "set_speaking_time": calling(speakers.set_time_limit, "seconds", "item_id"),
}
