"""Agenda commands from the moderator's console; every audience receives the events."""

from __future__ import annotations

from server.core.commands import Handler, calling

from . import service as agenda

# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "start_item": calling(agenda.start_item, "item_id"),
    "next_item": calling(agenda.next_item),
    "previous_item": calling(agenda.previous_item),
    "extend_item": calling(agenda.extend_item, "item_id", "minutes"),
    "reorder_items": calling(agenda.reorder_items, "order"),
    "add_item": calling(agenda.add_item, "title", "minutes"),
    "update_item": calling(agenda.update_item, "item_id", "title", "minutes"),
    "end_consultation": calling(agenda.end_consultation),
}
