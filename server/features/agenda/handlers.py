"""Agenda commands from the moderator's console; every audience receives the events."""

from __future__ import annotations

from typing import Any

from server.core.access import Viewer
from server.core.commands import Outcome, command
from server.core.runtime import Core

from . import service as agenda


@command("start_item")
def start_item(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.start_item(core, viewer, data.get("item_id")))


@command("next_item")
def next_item(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.next_item(core, viewer))


@command("previous_item")
def previous_item(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.previous_item(core, viewer))


@command("extend_item")
def extend_item(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.extend_item(core, viewer, data.get("item_id"), data.get("minutes")))


@command("reorder_items")
def reorder_items(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.reorder_items(core, viewer, data.get("order")))


@command("add_item")
def add_item(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.add_item(core, viewer, data.get("title"), data.get("minutes")))


@command("end_consultation")
def end_consultation(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    return Outcome(agenda.end_consultation(core, viewer))
