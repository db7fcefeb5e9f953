"""Rapporteurs' notes: saved as they type, logged at most once a minute per note.

Who may do what: rapporteurs write; moderators and rapporteurs read (snapshot,
`note_saved` events, reports); attendees never see a note.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.access import Viewer, open_command
from server.core.errors import N_, NotFound
from server.core.events import RAPPORTEUR, STAFF, STAFF_ROLES, EventDraft, LoggedEvent
from server.core.models import Consultation, Participant
from server.core.runtime import Core
from server.core.times import iso
from server.features.consultations.snapshots import snapshot_part

from . import rules
from .models import GENERAL_SLOT, Note


def save_note(
    core: Core, viewer: Viewer, item_id: Any, text: Any, revision: Any
) -> tuple[dict[str, Any], list[LoggedEvent]]:
    """Store a note's full text; log it unless it was logged less than a minute ago."""
    text = rules.parse_note_text(text)
    revision = rules.parse_revision(revision)
    now = core.now()
    with core.store.transaction() as tx:
        consultation, actor = open_command(tx, viewer, {RAPPORTEUR})
        slot = _slot(consultation, item_id)
        note = tx.scalar(
            select(Note).where(Note.consultation_id == consultation.id, Note.slot == slot)
        )
        if note is None:
            note = Note(
                consultation_id=consultation.id,
                item_id=None if slot == GENERAL_SLOT else slot,
                slot=slot,
                text="",
                revision=0,
                logged_revision=0,
                client_revision=0,
                updated_at=now,
            )
            tx.add(note)
        rules.check_not_stale(note.client_revision, note.author_id == actor.id, revision)
        note.author_id = actor.id
        note.client_revision = revision
        events: list[LoggedEvent] = []
        if text != note.text:
            note.text = text
            note.revision += 1
            note.updated_at = now
            if rules.log_due(note.logged_at, now):
                events = _log(tx, consultation, note, actor, now)
        tx.flush()
        reply = {"revision": revision, "saved_at": iso(note.updated_at), "logged": bool(events)}
    return reply, events


def log_pending(core: Core) -> list[LoggedEvent]:
    """Log the notes whose latest text the log lacks, once their minute is over (the ticker)."""
    now = core.now()
    with core.store.reading() as tx:
        consultation_ids = tx.scalars(
            select(Note.consultation_id)
            .where(
                Note.logged_revision < Note.revision,
                Note.logged_at <= now - rules.LOG_INTERVAL,
            )
            .distinct()
        ).all()
    logged: list[LoggedEvent] = []
    for consultation_id in consultation_ids:
        with core.store.transaction() as tx:
            consultation = tx.get_one(Consultation, consultation_id, with_for_update=True)
            pending = tx.scalars(
                select(Note)
                .where(
                    Note.consultation_id == consultation_id, Note.logged_revision < Note.revision
                )
                .order_by(Note.slot)
            )
            for note in pending:
                if rules.log_due(note.logged_at, now):
                    author = tx.get(Participant, note.author_id) if note.author_id else None
                    logged += _log(tx, consultation, note, author, now)
    return logged


def _log(
    tx: Session, consultation: Consultation, note: Note, author: Participant | None, now: datetime
) -> list[LoggedEvent]:
    note.logged_revision = note.revision
    note.logged_at = now
    draft = EventDraft("note_saved", note_view(note, author), STAFF)
    return event_log.append(tx, consultation, author, [draft], now)


def _slot(consultation: Consultation, item_id: Any) -> int:
    """The note's slot: the agenda item's id, or the general note's for `null`."""
    if item_id is None:
        return GENERAL_SLOT
    for item in consultation.items:
        if item.id == item_id and not isinstance(item_id, bool):
            return item.id
    raise NotFound("unknown_item", N_("This agenda item does not exist."))


def note_view(note: Note, author: Participant | None) -> dict[str, Any]:
    return {
        "item_id": note.item_id,
        "text": note.text,
        "revision": note.revision,
        "client_revision": note.client_revision,
        "author_id": note.author_id,
        "author_name": author.display_name if author else "",
        "updated_at": iso(note.updated_at),
    }


def notes_of(tx: Session, consultation_id: int) -> list[tuple[Note, Participant | None]]:
    """Every note of a consultation with its last writer, general note first."""
    rows = tx.execute(
        select(Note, Participant)
        .outerjoin(Participant, Participant.id == Note.author_id)
        .where(Note.consultation_id == consultation_id)
        .order_by(Note.slot)
    )
    return [(note, author) for note, author in rows]


@snapshot_part
def notes_part(
    tx: Session, consultation: Consultation, viewer: Viewer, now: datetime
) -> dict[str, Any]:
    """Staff read every note; attendees get no `notes` key at all."""
    if viewer.role not in STAFF_ROLES:
        return {}
    return {
        "notes": {
            "max_bytes": rules.MAX_NOTE_BYTES,
            "items": [note_view(note, author) for note, author in notes_of(tx, consultation.id)],
        }
    }
