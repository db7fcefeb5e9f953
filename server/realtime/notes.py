"""Notes commands from the rapporteur's page; moderators and rapporteurs hear `note_saved`."""

from __future__ import annotations

from typing import Any

from ..services import attendance, notes  # noqa: F401 - attendance registers its snapshot part
from ..services.access import Viewer
from ..services.core import Core
from .commands import Outcome, command


@command("save_note")
def save_note(core: Core, viewer: Viewer, data: dict[str, Any]) -> Outcome:
    """Rapporteur → the note's full text stored; staff get `note_saved` at most once a minute."""
    reply, events = notes.save_note(
        core, viewer, data.get("item_id"), data.get("text"), data.get("revision")
    )
    return Outcome(events, reply)
