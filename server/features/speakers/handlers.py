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
from server.core.commands import command_to
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.core.runtime import Core

from . import service as speakers

# Attendees.
command_to("raise_hand", speakers.raise_hand, "item_id", "topic")
command_to("withdraw_hand", speakers.withdraw_hand, "hand_id")
# The chair (and, for `end_turn`, the speaker yielding the floor).
command_to("give_floor", speakers.give_floor, "hand_id", "item_id", "replacing")
command_to("end_turn", speakers.end_turn, "hand_id")
command_to("extend_turn", speakers.extend_turn, "seconds")
command_to("put_hand_back", speakers.put_back, "hand_id")
command_to("remove_hand", speakers.remove_hand, "hand_id")
command_to("close_speakers_list", speakers.close_list, "item_id")
command_to("reopen_speakers_list", speakers.reopen_list, "item_id")
command_to("set_speakers_ordering", speakers.set_ordering, "ordering")
command_to("set_speaking_time", speakers.set_time_limit, "seconds", "item_id")


@tallies.topic(speakers.TOPIC)
def render_queue(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """The ordered queue, absolute: staff with names, attendees with request numbers only."""
    views = speakers.queue_views(core, consultation_id)
    return [
        tallies.Push((MODERATOR, RAPPORTEUR), "speakers_queue", views["staff"]),
        tallies.Push((ATTENDEE,), "speakers_queue", views["public"]),
    ]
