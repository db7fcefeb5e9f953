"""The notes' wire shapes: a rapporteur's note as staff read it, and their snapshot part."""

from __future__ import annotations

from typing import TypedDict


class NoteView(TypedDict):
    """A note's latest text; `item_id` is None for the general note, `author_name` "" if none."""

    item_id: int | None
    text: str
    revision: int
    client_revision: int
    author_id: int | None
    author_name: str
    updated_at: str


class NotesView(TypedDict):
    max_bytes: int
    items: list[NoteView]


class NotesPart(TypedDict, total=False):
    """Staff's part of the snapshot; attendees get no `notes` key at all."""

    notes: NotesView
