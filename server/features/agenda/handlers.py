"""Agenda commands from the moderator's console; every audience receives the events."""

from __future__ import annotations

from server.core.commands import command_to

from . import service as agenda

command_to("start_item", agenda.start_item, "item_id")
command_to("next_item", agenda.next_item)
command_to("previous_item", agenda.previous_item)
command_to("extend_item", agenda.extend_item, "item_id", "minutes")
command_to("reorder_items", agenda.reorder_items, "order")
command_to("add_item", agenda.add_item, "title", "minutes")
command_to("update_item", agenda.update_item, "item_id", "title", "minutes")
command_to("end_consultation", agenda.end_consultation)
