"""The shared screen's commands, from the console and every page, and its coalesced push.

Moderator → `show_on_screen {"subject": "follow"|"agenda"|"question"|"poll"|"floor"|"join",
"id"?}`; every audience (the present view among them) gets `screen_chosen`. When the
screen follows the action, staff and the present views get the `screen` state as the
action moves it; a page back from a cut asks `current_screen`.
"""

from __future__ import annotations

from typing import Any

from server.core import rooms, tallies
from server.core.access import Viewer
from server.core.commands import Handler, calling
from server.core.events import MODERATOR, RAPPORTEUR
from server.core.runtime import Core
from server.core.unit_of_work import Outcome

from . import service as screen


def current_screen(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Anyone → what the screen shows now (pushes are not replayed after a cut)."""
    return Outcome(reply={"screen": screen.shown_now(core, viewer.consultation_id)})


def render_screen(core: Core, consultation_id: int, _keys: frozenset[Any]) -> list[tallies.Push]:
    """Staff and the present views get what the screen shows, read from the log. An
    attendee's phone shows no screen (it has what the screen showed in its snapshot)."""
    shown = screen.shown_now(core, consultation_id)
    return [tallies.Push((MODERATOR, RAPPORTEUR, rooms.PRESENT_VIEWS), screen.TOPIC, shown)]


# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    "show_on_screen": calling(screen.show_on_screen, "subject", "id"),
    "current_screen": current_screen,
}
