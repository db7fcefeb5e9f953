"""The shared screen's command, from the moderator's console; everyone receives `screen_shown`."""

from __future__ import annotations

from server.core.commands import command_to

from . import service as screen

# Moderator → `{"subject": "follow"|"agenda"|"question"|"poll"|"floor"|"join", "id"?}`;
# every audience (the present view among them) gets `screen_shown`.
command_to("show_on_screen", screen.show_on_screen, "subject", "id")
