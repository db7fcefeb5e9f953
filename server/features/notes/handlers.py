"""Notes commands from the rapporteur's page; moderators and rapporteurs hear `note_saved`."""

from __future__ import annotations

from server.core.commands import command_to
from server.features.presence import attendance  # noqa: F401 - attendance registers its snapshot part

from . import service as notes

# Rapporteur → the note's full text stored; staff get `note_saved` at most once a minute.
command_to("save_note", notes.save_note, "item_id", "text", "revision")
