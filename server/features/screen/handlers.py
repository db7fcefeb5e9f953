"""The shared screen's command, from the moderator's console, and its coalesced push.

Moderator → `show_on_screen {"subject": "follow"|"agenda"|"question"|"poll"|"floor"|"join",
"id"?}`; every audience (the present view among them) gets `screen_chosen`. When the
screen follows the action, every audience gets the `screen` state as the action moves it.
"""

from __future__ import annotations

from typing import Any

from server.core import tallies
from server.core.access import Viewer
from server.core.commands import command, command_to
from server.core.rooms import AUDIENCES
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import service as screen

command_to("show_on_screen", screen.show_on_screen, "subject", "id")


@command("current_screen")
def current_screen(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """What the screen shows now; a page asks after reconnecting (pushes are not replayed)."""
    return Outcome(reply={"screen": screen.shown_now(core, viewer.consultation_id)})


@tallies.topic(screen.TOPIC)
def render_screen(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    return [tallies.Push(AUDIENCES, screen.TOPIC, screen.shown_now(core, consultation_id))]
