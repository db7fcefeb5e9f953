"""Notes commands from the rapporteur's page; moderators and rapporteurs hear `note_saved`."""

from __future__ import annotations

from typing import Any

from server.core.access import Viewer
from server.core.commands import Outcome, command
from server.core.runtime import Core
from server.features.presence import attendance  # noqa: F401 - attendance registers its snapshot part

from . import service as notes  # noqa: F401 - attendance registers its snapshot part


@command("save_note")
def save_note(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Rapporteur → the note's full text stored; staff get `note_saved` at most once a minute."""
    reply, events = notes.save_note(
        core, viewer, data.get("item_id"), data.get("text"), data.get("revision")
    )
    return Outcome(events, reply)
