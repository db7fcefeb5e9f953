"""Rapporteurs' notes: one per agenda item and one general note, saved as they type.

A save carries the full text and the writer's own revision number, which only
grows; a save older than one already stored from the same person is stale (it
arrived late, after a reconnect say) and is refused. Every save is stored, but
the log records a note at most once per `LOG_INTERVAL`, so typing does not
flood the log; a background sweep logs what the last minute left unlogged.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from server.core.errors import N_, Conflict, DomainError
from server.core.text import whole_characters

# A save travels in one Socket.IO message (at most 16 KB, see realtime/__init__.py;
# a bigger one closes the connection). So a note is bounded by its size on the
# wire — JSON-encoded as browsers send it, in UTF-8 — leaving room for the envelope:
# about 15,000 Latin letters, 7,500 Arabic ones.
MAX_NOTE_BYTES = 15_000
LOG_INTERVAL = timedelta(minutes=1)
MAX_REVISION = 2**53 - 1  # what a JavaScript number holds exactly


def parse_note_text(value: Any) -> str:
    """The note as typed (kept verbatim, blank allowed), or a clear refusal."""
    if not isinstance(value, str):
        raise DomainError("invalid_text", N_("A note's text must be text."))
    whole_characters(value, "note")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t\r" for ch in value):
        raise DomainError("invalid_text", N_("A note cannot contain control characters."))
    if wire_size(value) > MAX_NOTE_BYTES:
        raise DomainError(
            "note_too_long",
            N_("This note is too long to save (at most %(max)s bytes); continue in another note."),
            max=MAX_NOTE_BYTES,
        )
    return value


def wire_size(text: str) -> int:
    """Bytes of `text` as a browser sends it: `JSON.stringify`, UTF-8 (quotes included)."""
    return len(json.dumps(text, ensure_ascii=False).encode("utf-8"))


def parse_revision(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REVISION:
        raise DomainError("invalid_revision", N_("A note's revision is a positive whole number."))
    return value


def check_not_stale(stored_revision: int, same_writer: bool, revision: int) -> None:
    """Refuse a save its writer has already superseded."""
    if same_writer and revision <= stored_revision:
        raise Conflict("stale_note", N_("A newer version of this note is already saved."))


def log_due(logged_at: datetime | None, now: datetime) -> bool:
    """Whether a note may be logged again: never logged, or not within the interval."""
    return logged_at is None or now - logged_at >= LOG_INTERVAL
