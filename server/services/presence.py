"""Who is here now: one row per live connection, peaks kept for the attendance record."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..domain.events import STAFF, EventDraft, LoggedEvent
from ..storage.models import Connection, Consultation, Participant
from . import event_log
from .access import Viewer
from .consultations import public_profile
from .core import Core
from .snapshots import present_count


def arrive(core: Core, viewer: Viewer, sid: str, worker: str) -> list[LoggedEvent]:
    """Record a connection; the first one of a person logs their arrival."""
    now = core.now()
    with core.store.transaction() as tx:
        consultation = tx.get_one(Consultation, viewer.consultation_id, with_for_update=True)
        person = tx.get_one(Participant, viewer.participant_id)
        already = _connections_of(tx, person.id)
        tx.add(
            Connection(
                sid=sid,
                consultation_id=consultation.id,
                participant_id=person.id,
                worker=worker,
                connected_at=now,
            )
        )
        tx.flush()
        if already:
            return []
        present = present_count(tx, consultation.id)
        consultation.peak_present = max(consultation.peak_present, present)
        draft = EventDraft(
            "participant_arrived", {**public_profile(person), "present": present}, STAFF
        )
        return event_log.append(tx, consultation, person, [draft], now)


def leave(core: Core, sid: str) -> tuple[int | None, list[LoggedEvent]]:
    """Forget a connection; the last one of a person logs their departure."""
    now = core.now()
    with core.store.transaction() as tx:
        connection = tx.get(Connection, sid)
        if connection is None:
            return None, []
        consultation = tx.get_one(Consultation, connection.consultation_id, with_for_update=True)
        person = tx.get_one(Participant, connection.participant_id)
        tx.delete(connection)
        tx.flush()
        if _connections_of(tx, person.id):
            return consultation.id, []
        present = present_count(tx, consultation.id)
        draft = EventDraft(
            "participant_left", {**public_profile(person), "present": present}, STAFF
        )
        return consultation.id, event_log.append(tx, consultation, person, [draft], now)


def forget_worker(core: Core, worker: str) -> None:
    """Drop the connections a previous run of this worker left behind."""
    with core.store.transaction() as tx:
        tx.execute(delete(Connection).where(Connection.worker == worker))


def _connections_of(tx: Session, participant_id: int) -> int:
    return (
        tx.scalar(
            select(func.count())
            .select_from(Connection)
            .where(Connection.participant_id == participant_id)
        )
        or 0
    )
