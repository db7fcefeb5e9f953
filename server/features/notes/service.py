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
from server.core.access import Viewer
from server.core.events import RAPPORTEUR, STAFF, STAFF_ROLES, EventDraft, LoggedEvent
from server.core.models import Consultation, Participant
from server.core.runtime import Core
from server.core.times import iso
from server.core.unit_of_work import Outcome, unit_of_work
from server.features.agenda.rules import find_item

from . import rules
from .models import GENERAL_SLOT, Note
from .views import NotesPart, NoteView


def save_note(core: Core, viewer: Viewer, item_id: Any, text: Any, revision: Any) -> Outcome:
    """Store a note's full text; log it unless it was logged less than a minute ago."""
    text = rules.parse_note_text(text)
    revision = rules.parse_revision(revision)
    # Notes are written after the end too: the rapporteur finishes the record.
    with unit_of_work(core, viewer, {RAPPORTEUR}, not_ended=False) as uow:
        tx, consultation, actor, now = uow.tx, uow.consultation, uow.actor, uow.now
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
        logged = False
        if text != note.text:
            note.text = text
            note.revision += 1
            note.updated_at = now
            if rules.log_due(note.logged_at, now):
                uow.log([_logged(note, actor, now)])
                logged = True
        tx.flush()
        uow.reply(revision=revision, saved_at=iso(note.updated_at), logged=logged)
    return uow.outcome


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
                    draft = _logged(note, author, now)
                    logged += event_log.append(tx, consultation, author, [draft], now)
    return logged


def _logged(note: Note, author: Participant | None, now: datetime) -> EventDraft:
    """The note's latest text for the log, which now has it."""
    note.logged_revision = note.revision
    note.logged_at = now
    return EventDraft("note_saved", dict(note_view(note, author)), STAFF)


def _slot(consultation: Consultation, item_id: Any) -> int:
    """The note's slot: the agenda item's id, or the general note's for `null`."""
    if item_id is None:
        return GENERAL_SLOT
    return find_item(consultation.items, item_id).id


def note_view(note: Note, author: Participant | None) -> NoteView:
    return {
        "item_id": note.item_id,
        "text": note.text,
        "revision": note.revision,
        "client_revision": note.client_revision,
        "author_id": note.author_id,
        "author_name": author.display_name if author else "",
        "updated_at": note.updated_at.isoformat(),
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


def notes_part(tx: Session, consultation: Consultation, viewer: Viewer, now: datetime) -> NotesPart:
    """Staff read every note; attendees get no `notes` key at all."""
    if viewer.role not in STAFF_ROLES:
        return {}
    return {
        "notes": {
            "max_bytes": rules.MAX_NOTE_BYTES,
            "items": [note_view(note, author) for note, author in notes_of(tx, consultation.id)],
        }
    }
