"""Notes commands from the rapporteur's page; moderators and rapporteurs hear `note_saved`."""

from __future__ import annotations

from server.core.commands import Handler, calling

from . import service as notes

# The commands this feature answers, installed by server/bootstrap.py.
COMMANDS: dict[str, Handler] = {
    # Rapporteur → the note's full text stored; staff get `note_saved` at most once a minute.
    "save_note": calling(notes.save_note, "item_id", "text", "revision"),
}
