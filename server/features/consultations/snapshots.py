"""The snapshot a client starts from, and the catch-up after a reconnect.

A snapshot and its sequence number are read in one consistent transaction; the
client then applies only events numbered after it. Both read, in that same
transaction, that the viewer's link or invitation still stands: a connection
opened before a revocation gets nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from server.core import counters
from server.core.access import Viewer, check_standing, standing_query, with_links
from server.core.chatham import applies, applies_to, nameless
from server.core.errors import N_, NotFound
from server.core.event_log import events_since
from server.core.events import ATTENDEE, LoggedEvent
from server.core.models import Connection, Consultation, Participant
from server.core.runtime import Core
from server.core.shared_views import StaleView, sharing
from server.core.store import rows_of
from server.core.tallies import reading_counts
from server.core.times import iso
from server.features.agenda.service import agenda_items, agenda_view

from .service import public_profile
from .views import ConsultationView, SnapshotView

# How far back a reconnecting client is replayed event by event; past this, a
# fresh snapshot is cheaper than the events.
REPLAY_LIMIT = 500
# How many logged events an attendee's replay may look through for its public ones;
# past this, a snapshot is sent however few of them were public.
SCAN_LIMIT = 20 * REPLAY_LIMIT

# A feature's part: a TypedDict of its own keys (`NotesPart`, say), empty if none apply.
# The application's parts are `core.wiring.snapshot_parts`, merged in their order.
SnapshotPart = Callable[[Session, Consultation, Viewer, datetime], Mapping[str, object]]


# The snapshot's first read: the consultation, the person and their standing (their
# invitation or staff link, which an invited person's snapshot read alone before step 86)
# in one statement, as each costs a round of SQLAlchemy's work (docs/performance.md);
# staff's with the agenda, which an attendee's takes from the shared views.
_CONSULTATION_AND_PERSON = with_links(
    select(
        Consultation,
        Participant,
        Participant.banned_at,
        Participant.invitation_id,
        Participant.role_link_id,
    )
    .join(Participant, Participant.consultation_id == Consultation.id)
    .where(
        Consultation.id == bindparam("consultation_id"),
        Participant.id == bindparam("participant_id"),
    )
)
_WITH_AGENDA = _CONSULTATION_AND_PERSON.options(joinedload(Consultation.items))


def _standing(tx: Session, viewer: Viewer) -> tuple[Consultation, Participant]:
    """The viewer's consultation and person, refused if their link no longer stands."""
    values = {"consultation_id": viewer.consultation_id, "participant_id": viewer.participant_id}
    read = _CONSULTATION_AND_PERSON if viewer.role == ATTENDEE else _WITH_AGENDA
    found = tx.execute(read, values).unique().first()
    if found is None:
        raise NotFound("unknown_consultation", N_("This consultation does not exist."))
    check_standing(found)
    return found.Consultation, found.Participant


def snapshot(core: Core, viewer: Viewer) -> dict[str, Any]:
    now = core.now()
    with core.store.reading() as tx:
        consultation, me = _standing(tx, viewer)
        if viewer.role == ATTENDEE:
            sharing(tx, core.shared, consultation)
        base: SnapshotView = {
            "seq": consultation.last_seq,
            "server_time": now.isoformat(),
            "consultation": consultation_view(consultation),
            "agenda": agenda_view(consultation, agenda_items(tx, consultation), now),
            "me": public_profile(me),
            "present": consultation.present,
        }
        if core.shared.checking:
            check_head_count(tx, consultation)
        result: dict[str, Any] = dict(base)
        reading_counts(tx, core.tallies.counts)
        for part in core.wiring.snapshot_parts:
            result.update(part(tx, consultation, viewer, now))
        # Under the Chatham House rule the public audience reads no name, its own
        # included (the present view opened by a moderator reads as an attendee).
        return nameless(result) if viewer.role == ATTENDEE and applies_to(consultation) else result


# The catch-up's first read: the viewer's standing and where the consultation's log stands,
# in one statement on a bare connection (every reconnection runs it).
_WHERE_THE_LOG_STANDS = standing_query(
    Consultation.last_seq, Consultation.last_public_seq, Consultation.settings
).where(Participant.id == bindparam("id"))


def catch_up(core: Core, viewer: Viewer, since: int) -> dict[str, Any]:
    """Events after `since` if they are few, else a fresh snapshot."""
    with core.store.reading_rows() as connection:
        log = connection.execute(_WHERE_THE_LOG_STANDS, {"id": viewer.participant_id}).first()
        if log is None:
            raise NotFound("unknown_consultation", N_("This consultation does not exist."))
        check_standing(log)
        events = _missed(connection, log, viewer, since)
    if events is None:
        return {"snapshot": snapshot(core, viewer)}
    return {
        "seq": log.last_seq,
        "server_time": core.now().isoformat(),
        "events": [event.envelope(viewer.role, core.wiring) for event in events],
    }


def _missed(
    connection: sa.Connection, log: Row[Any], viewer: Viewer, since: int
) -> Sequence[LoggedEvent] | None:
    """What the viewer missed since `since`, or None where a snapshot serves better.

    "Too far behind" counts the events this viewer would be sent: during a vote the
    log fills with staff-only ballots, and an attendee back from a short drop is
    replayed the vote's few public events rather than sent a snapshot."""
    public_only = viewer.role == ATTENDEE
    behind = log.last_seq - since
    if behind < 0 or behind > (SCAN_LIMIT if public_only else REPLAY_LIMIT):
        return None
    if public_only and since >= log.last_public_seq:
        return []  # nothing public since: no need to read the log
    events = events_since(
        connection,
        log.consultation_id,
        since,
        public_only=public_only,
        limit=REPLAY_LIMIT + 1,
        chatham=applies(log.settings),
    )
    return None if len(events) > REPLAY_LIMIT else events


def consultation_view(consultation: Consultation) -> ConsultationView:
    return {
        "id": consultation.id,
        "short_name": consultation.short_name,
        "title": consultation.title,
        "region": consultation.region,
        "description": consultation.description,
        "time_zone": consultation.time_zone,
        "scheduled_start": consultation.scheduled_start.isoformat(),
        "planned_minutes": consultation.planned_minutes,
        "languages": consultation.languages,
        "state": consultation.state,
        "join_code": consultation.join_code,
        "started_at": iso(consultation.started_at),
        "ended_at": iso(consultation.ended_at),
        "chatham_house": applies_to(consultation),
    }


def present_count(tx: Session, consultation_id: int) -> int:
    """People connected now, staff and screens too (`Consultation.present`)."""
    return rows_of(tx).scalar(_KEPT, {"id": consultation_id}) or 0


def attendees_present(tx: Session, consultation_id: int) -> int:
    """Attendees connected now: a poll's turnout counts those who could vote, not staff."""
    return rows_of(tx).scalar(_KEPT_ATTENDEES, {"id": consultation_id}) or 0


def recount(tx: Session, consultation: Consultation) -> None:
    """Count again who is connected to `consultation` (locked), where its connections
    went without their departures (core.presence.forget_worker)."""
    present, attendees = _counted(tx, consultation.id)
    counters.write(tx, consultation, present=present, attendees_present=attendees)


def check_head_count(tx: Session, consultation: Consultation) -> None:
    """Under test: the head count kept is the one counted (`StaleView` if not)."""
    kept = (consultation.present, consultation.attendees_present)
    if kept != (counted := _counted(tx, consultation.id)):
        raise StaleView(f"head count of {consultation.id}: kept {kept}, counted {counted}")


_KEPT = select(Consultation.present).where(Consultation.id == bindparam("id"))
_KEPT_ATTENDEES = select(Consultation.attendees_present).where(Consultation.id == bindparam("id"))
_COUNTED = select(func.count(func.distinct(Connection.participant_id))).where(
    Connection.consultation_id == bindparam("consultation_id")
)
_ATTENDEES_COUNTED = _COUNTED.join(Participant, Participant.id == Connection.participant_id).where(
    Participant.role == ATTENDEE
)


def _counted(tx: Session, consultation_id: int) -> tuple[int, int]:
    values = {"consultation_id": consultation_id}
    rows = rows_of(tx)
    return rows.scalar(_COUNTED, values) or 0, rows.scalar(_ATTENDEES_COUNTED, values) or 0
