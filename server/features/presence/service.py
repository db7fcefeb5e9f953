"""Who is here now: one row per live connection, peaks kept for the attendance record.

Arrivals and departures go through a group commit (core/group_commit.py):
at the start and end of a session hundreds of people connect or leave within
seconds, and each first connection and last departure is logged. Those waiting
for one consultation share one transaction, and none waits for the
consultation's lock while holding a pooled database connection.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Row, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from server.core import counters, event_log
from server.core.access import (
    Viewer,
    check_standing,
    confirm,
    locked_consultation,
    standing_query,
)
from server.core.base import table_of
from server.core.chatham import applies_to
from server.core.departures import Closed
from server.core.errors import DomainError, Forbidden
from server.core.events import ATTENDEE, STAFF, EventDraft, LoggedEvent
from server.core.group_commit import MAX_BATCH, Pending, batched
from server.core.models import (
    Connection,
    Consultation,
    Event,
    Invitation,
    Participant,
    RoleLink,
)
from server.core.runtime import Core
from server.core.store import Store, columns_by_id
from server.features.consultations.service import Profiled, public_profile
from server.features.consultations.snapshots import recount

from .attendance import head_count_moved

T = TypeVar("T")


@dataclass(frozen=True)
class Arrival:
    viewer: Viewer
    sid: str
    worker: str
    now: datetime


@dataclass(frozen=True)
class Departure:
    consultation_id: int
    sid: str
    now: datetime


def arrive(core: Core, viewer: Viewer, sid: str, worker: str) -> list[LoggedEvent]:
    """Record a connection; the first one of a person logs their arrival. A person back
    through the worker that holds their dropped connection takes its row over."""
    if take_over(core, viewer, sid, worker):
        after_takeover(core, sid, partial(confirm, core, viewer))
        return []
    arrival = Arrival(viewer, sid, worker, core.now())
    events: list[LoggedEvent] = batched(core, viewer.consultation_id, arrival, arrive_all)
    return events


# Built once: each connection and each reconnection runs them (docs/performance.md).
_TAKE_OVER = (
    update(table_of(Connection))
    .where(Connection.sid == bindparam("dropped"))
    .values(sid=bindparam("sid"), worker=bindparam("worker"), connected_at=bindparam("at"))
    .returning(Connection.sid)
)
_RECORD = insert(table_of(Connection))  # rows, not objects: each arrival writes one
# The row taken over only if the token was the person's own and the role theirs, and,
# with a join code, the code their consultation's (`returning`).
_TAKE_OVER_AS = _TAKE_OVER.where(
    exists().where(
        Participant.id == Connection.participant_id,
        Participant.token_hash == bindparam("token"),
        Participant.role == bindparam("role"),
    )
)
_TAKE_OVER_AS_OF = _TAKE_OVER_AS.where(
    exists().where(
        Consultation.id == Connection.consultation_id,
        Consultation.join_code == bindparam("code"),
    )
)
# A batch's people as rows, in one statement: their standing (`standing_query`), what
# their presence events show of them (`public_profile`), and whether a connection of
# theirs is here. As objects, with a second statement for their connections, they cost
# a batch of one arrival a fifth of its CPU (docs/performance.md, step 88).
_PEOPLE = standing_query(
    Participant.display_name,
    Participant.stakeholder_group,
    Participant.country,
    exists().where(Connection.participant_id == Participant.id).label("connected"),
).where(Participant.id.in_(bindparam("ids", expanding=True)))


def take_over(core: Core, viewer: Viewer, sid: str, worker: str) -> bool:
    """Give the person's dropped connection, if this worker holds one, its presence row:
    the head count is unchanged and nothing is logged, so the consultation's lock is
    not taken. False if there is none, or its row is gone (forgotten meanwhile): the
    connection then arrives as any does (`arrive`).

    The caller reads the link's standing after this commits, through `after_takeover`
    (`arrive` confirms it; a connection's catch-up reads it anyway): a revocation
    racing the takeover either finds the new sid when it drops the link's
    connections, or has committed before that read and is refused there.
    """
    dropped = core.departures.take_of(viewer.participant_id)
    return dropped is not None and _moved(core, dropped, _TAKE_OVER, sid, worker, {})


def after_takeover(core: Core, sid: str, read: Callable[[], T]) -> T:
    """Run `read`, which reads the link's standing after a takeover committed
    (`take_over`, `returning`): a connection whose link fell meanwhile is forgotten,
    and the refusal raised."""
    try:
        return read()
    except Forbidden:
        leave(core, sid)
        raise


def returning(
    core: Core, token: str, join_code: str | None, sid: str, worker: str
) -> Viewer | None:
    """`take_over` for a connection not yet authenticated, opened with the token (a
    digest) of a dropped connection this worker holds: the statement that takes the
    row over checks the token, the role and the join code (None: not asked) itself,
    so the way back reads nothing before it. The viewer back, or None (no such
    connection, or a check failed): the connection then comes in as any does. The
    caller reads the standing after it, as after `take_over`."""
    dropped = core.departures.take_opened_with(token)
    if dropped is None:
        return None
    checks = {"token": token, "role": dropped.role, "code": join_code}
    statement = _TAKE_OVER_AS if join_code is None else _TAKE_OVER_AS_OF
    if not _moved(core, dropped, statement, sid, worker, checks):
        core.departures.hold(dropped)  # still to forget, or to take over the usual way
        return None
    return Viewer(dropped.consultation_id, dropped.participant_id, dropped.role)


def _moved(
    core: Core,
    dropped: Closed,
    statement: Any,
    sid: str,
    worker: str,
    checks: dict[str, Any],
) -> bool:
    """Whether `statement` moved the dropped connection's row to `sid` (`checks`: the
    values of what else it checks)."""
    values = {"dropped": dropped.sid, "sid": sid, "worker": worker, "at": core.now(), **checks}
    try:
        with core.store.writing_rows() as connection:
            return bool(connection.execute(statement, values).all())
    except Exception:  # the database away: the dropped one is still to be forgotten
        core.departures.hold(dropped)
        raise


def arrive_all(store: Store, batch: Sequence[Pending[Arrival]]) -> list[Any]:
    """Record a batch of connections to one consultation: the events each one logged."""
    arrivals = [pending.command for pending in batch]
    with store.transaction() as tx:
        consultation = locked_consultation(tx, batch[0].command.viewer.consultation_id)
        people = columns_by_id(tx, _PEOPLE, {a.viewer.participant_id for a in arrivals})
        refused = _refused(people, arrivals)
        here = {person.id for person in people.values() if person.connected}
        recorded = [
            {
                "sid": a.sid,
                "consultation_id": consultation.id,
                "participant_id": a.viewer.participant_id,
                "worker": a.worker,
                "connected_at": a.now,
            }
            for index, a in enumerate(arrivals)
            if index not in refused
        ]
        if recorded:
            tx.execute(_RECORD, recorded)
        logged: list[tuple[int, Profiled, EventDraft, datetime]] = []
        count = HeadCount.of(consultation)
        for index, arrival in enumerate(arrivals):
            person = people[arrival.viewer.participant_id]
            if person.id in here or index in refused:
                continue
            here.add(person.id)
            count = count.moved(person, +1)
            draft = _presence("participant_arrived", person, count.present)
            logged.append((index, person, draft, arrival.now))
        count.write(tx, consultation)
        outcomes: list[Any] = _by_index(tx, consultation, len(batch), logged)
        return [refused.get(index, outcome) for index, outcome in enumerate(outcomes)]


def _refused(people: Mapping[int, Row[Any]], arrivals: Sequence[Arrival]) -> dict[int, DomainError]:
    """Arrivals whose link was revoked after they were let in: not recorded, refused.

    Checked under the consultation's lock, which revoking a link takes too: a
    connection either arrives before the revocation (and is dropped with the
    others) or is refused here.
    """
    refused: dict[int, DomainError] = {}
    for index, arrival in enumerate(arrivals):
        try:
            check_standing(people[arrival.viewer.participant_id])
        except DomainError as error:
            refused[index] = error
    return refused


def close(
    core: Core, sid: str, viewer: Viewer, token: str = ""
) -> tuple[int | None, list[LoggedEvent]]:
    """A connection dropped: forget it, or with a grace (core/departures.py) hold it,
    still present, for `leave_due` to forget once the grace runs out; `token`, the
    digest of the token it was opened with, lets that token take it over (`returning`)."""
    if core.departures.grace <= 0:
        return leave(core, sid)
    at = core.now()
    core.departures.hold(
        Closed(sid, viewer.consultation_id, viewer.participant_id, at, token, viewer.role)
    )
    return None, []


def leave_due(core: Core) -> list[LoggedEvent]:
    """Forget the closed connections whose grace has run out (the ticker's check)."""
    return _forget(core, core.departures.due(core.now()))


def leave_held(core: Core) -> list[LoggedEvent]:
    """Forget every closed connection held, grace or not (a worker stopping)."""
    return _forget(core, core.departures.all())


def _forget(core: Core, closed: Sequence[Closed]) -> list[LoggedEvent]:
    """Forget these connections, one transaction per consultation and batch; a person
    whose every connection is now gone logs their departure. It is logged now, not
    when the connection closed, so that the log's times follow its order: the
    attendance record counts a person up to the grace (and a tick) longer."""
    now = core.now()
    by_consultation: dict[int, list[Closed]] = {}
    for each in closed:
        by_consultation.setdefault(each.consultation_id, []).append(each)
    batches = [
        connections[start : start + MAX_BATCH]
        for connections in by_consultation.values()
        for start in range(0, len(connections), MAX_BATCH)
    ]
    logged: list[LoggedEvent] = []
    for number, batch in enumerate(batches):
        departures = [Pending(Departure(c.consultation_id, c.sid, now), None) for c in batch]
        try:
            outcomes = leave_all(core.store, departures)
        except Exception:  # the database away: these and the rest held again, for a later tick
            for each in (c for later in batches[number:] for c in later):
                core.departures.hold(each)
            raise
        logged += [event for events in outcomes for event in events]
        head_count_moved(core, batch[0].consultation_id)
    return logged


def leave(core: Core, sid: str) -> tuple[int | None, list[LoggedEvent]]:
    """Forget a connection now; the last one of a person logs their departure."""
    with core.store.reading() as tx:
        consultation_id = tx.scalar(select(Connection.consultation_id).where(Connection.sid == sid))
    if consultation_id is None:
        return None, []
    departure = Departure(consultation_id, sid, core.now())
    events: list[LoggedEvent] = batched(core, consultation_id, departure, leave_all)
    return consultation_id, events


def leave_all(store: Store, batch: Sequence[Pending[Departure]]) -> list[Any]:
    """Forget a batch of connections to one consultation: the events each one logged."""
    departures = [pending.command for pending in batch]
    sids = {d.sid for d in departures}
    with store.transaction() as tx:
        consultation = locked_consultation(tx, batch[0].command.consultation_id)
        owners = dict(
            tx.execute(
                select(Connection.sid, Connection.participant_id).where(Connection.sid.in_(sids))
            ).all()
        )
        tx.execute(delete(Connection).where(Connection.sid.in_(sids)))
        people = columns_by_id(tx, _PEOPLE, set(owners.values()))
        staying = {person.id for person in people.values() if person.connected}
        # A person whose tabs all closed in this batch leaves with the last of them.
        last = {
            owners[d.sid]: index
            for index, d in enumerate(departures)
            if d.sid in owners and owners[d.sid] not in staying
        }
        logged: list[tuple[int, Profiled, EventDraft, datetime]] = []
        count = HeadCount.of(consultation)
        for index, person_id in sorted((index, person) for person, index in last.items()):
            count = count.moved(people[person_id], -1)
            draft = _presence("participant_left", people[person_id], count.present)
            logged.append((index, people[person_id], draft, departures[index].now))
        count.write(tx, consultation)
        return _by_index(tx, consultation, len(batch), logged)


def revoked_connections(
    core: Core, *, consultation_id: int | None = None, worker: str | None = None
) -> list[str]:
    """The connections made with a staff link or an invitation revoked since (of one
    consultation, or through one worker): they must be dropped, whatever the link's holder
    does next."""
    query = (
        select(Connection.sid)
        .join(Participant, Participant.id == Connection.participant_id)
        .outerjoin(RoleLink, RoleLink.id == Participant.role_link_id)
        .outerjoin(Invitation, Invitation.id == Participant.invitation_id)
        .where(or_(RoleLink.revoked_at.is_not(None), Invitation.revoked_at.is_not(None)))
    )
    if consultation_id is not None:
        query = query.where(Connection.consultation_id == consultation_id)
    if worker is not None:
        query = query.where(Connection.worker == worker)
    with core.store.reading() as tx:
        return list(tx.scalars(query))


def forget_worker(core: Core, worker: str) -> None:
    """Drop the connections a previous run of this worker left behind (or this run's,
    as it stops), and count again who is connected to their consultations: nobody is
    logged as gone. Each consultation is locked before its connections are deleted, in
    the order every departure takes them: the other way round, a departure through
    another worker and this one each waited for what the other held."""
    through = Connection.worker == worker
    with core.store.transaction() as tx:
        attended = sorted(tx.scalars(select(Connection.consultation_id).where(through).distinct()))
        locked = [locked_consultation(tx, each) for each in attended]
        tx.execute(delete(Connection).where(through, Connection.consultation_id.in_(attended)))
        for consultation in locked:
            recount(tx, consultation)


def workers_other_than(core: Core, worker: str) -> list[str]:
    """The other workers that hold connections, by the database's record."""
    query = select(Connection.worker).where(Connection.worker != worker).distinct()
    with core.store.reading() as tx:
        return list(tx.scalars(query))


def connections_through(core: Core, worker: str) -> list[str]:
    """The session ids of the connections recorded through `worker`."""
    with core.store.reading() as tx:
        return list(tx.scalars(select(Connection.sid).where(Connection.worker == worker)))


def latest_events_of_attended(core: Core) -> tuple[list[int], list[LoggedEvent]]:
    """The consultations someone is connected to, and each one's latest event per
    audience (its last event, and its last public one)."""
    consultation_ids: list[int] = []
    latest: list[LoggedEvent] = []
    attended = select(Connection.consultation_id).distinct()
    with core.store.reading() as tx:
        for consultation in tx.scalars(select(Consultation).where(Consultation.id.in_(attended))):
            seqs = sorted({consultation.last_public_seq, consultation.last_seq} - {0})
            rows = tx.scalars(
                select(Event)
                .where(Event.consultation_id == consultation.id, Event.seq.in_(seqs))
                .order_by(Event.seq)
            )
            chatham = applies_to(consultation)
            latest += [event_log.to_logged(row, chatham=chatham) for row in rows]
            consultation_ids.append(consultation.id)
    return consultation_ids, latest


# Built once: every batch of ballots runs it (docs/performance.md, step 38).
_WITH_OTHER_PAGES = (
    select(Connection.participant_id)
    .where(Connection.participant_id.in_(bindparam("people", expanding=True)))
    .group_by(Connection.participant_id)
    .having(func.count() > 1)
)


def with_other_pages(tx: Session, participant_ids: Collection[int]) -> set[int]:
    """Which of these people have more than one page connected (the one acting, and more)."""
    return set(tx.scalars(_WITH_OTHER_PAGES, {"people": list(participant_ids)}))


@dataclass(frozen=True)
class HeadCount:
    """Who is connected to a consultation: people, the attendees among them, the most
    people at once so far."""

    present: int
    attendees: int
    peak: int

    @classmethod
    def of(cls, consultation: Consultation) -> HeadCount:
        return cls(consultation.present, consultation.attendees_present, consultation.peak_present)

    def moved(self, person: Profiled, change: int) -> HeadCount:
        """After a person's first connection arrived (+1) or their last one left (-1)."""
        present = self.present + change
        attendees = self.attendees + (change if person.role == ATTENDEE else 0)
        return HeadCount(present, attendees, max(self.peak, present))

    def write(self, tx: Session, consultation: Consultation) -> None:
        """Store it with the consultation's counters (core/counters.py), if it moved."""
        if self != HeadCount.of(consultation):
            counters.write(
                tx,
                consultation,
                present=self.present,
                attendees_present=self.attendees,
                peak_present=self.peak,
            )


def _presence(kind: str, person: Profiled, present: int) -> EventDraft:
    return EventDraft(kind, {**public_profile(person), "present": present}, STAFF, shared=False)


def _by_index(
    tx: Session,
    consultation: Consultation,
    size: int,
    logged: list[tuple[int, Profiled, EventDraft, datetime]],
) -> list[list[LoggedEvent]]:
    """Log the batch's events in one go; each command's own events, by its index."""
    events = event_log.append_each(tx, consultation, [entry[1:] for entry in logged])
    outcomes: list[list[LoggedEvent]] = [[] for _ in range(size)]
    for (index, *_), event in zip(logged, events, strict=True):
        outcomes[index].append(event)
    return outcomes
