"""Appending to and reading from a consultation's event log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Integer, Row, bindparam, insert, select
from sqlalchemy.orm import Session

from . import counters
from .base import table_of
from .chatham import applies_to
from .events import PUBLIC, STAFF, EventDraft, LoggedEvent
from .models import Consultation, Event


class Actor(Protocol):
    """Who an event says acted: a `Participant`, or a batch's row of one."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...


def append(
    tx: Session,
    consultation: Consultation,
    actor: Actor | None,
    drafts: Iterable[EventDraft],
    now: datetime,
) -> list[LoggedEvent]:
    """Number and store `drafts`; the caller holds the consultation's row lock."""
    return append_each(tx, consultation, [(actor, draft, now) for draft in drafts])


_INSERT = insert(table_of(Event))  # built once: every command runs it


def append_each(
    tx: Session,
    consultation: Consultation,
    entries: Sequence[tuple[Actor | None, EventDraft, datetime]],
    # Each entry: who acted, what happened, when (a group commit logs many people's acts).
) -> list[LoggedEvent]:
    """Number and store events in one INSERT; the caller holds the consultation's row lock."""
    seq, public, shared, live = (
        consultation.last_seq,
        consultation.last_public_seq,
        consultation.last_shared_seq,
        consultation.last_live_seq,
    )
    logged = []
    for actor, draft, now in entries:
        if draft.visibility not in (PUBLIC, STAFF):
            raise ValueError(f"unknown visibility {draft.visibility!r}")
        if not draft.live and draft.visibility != STAFF:
            raise ValueError("only staff events can be quiet: attendees detect gaps by prev")
        seq += 1
        prev = None
        if draft.visibility == PUBLIC:
            prev, public = public, seq
        if draft.shared:
            shared = seq
        live_prev = None
        if draft.live:
            live_prev, live = live, seq
        logged.append(
            LoggedEvent(
                consultation_id=consultation.id,
                seq=seq,
                public_prev_seq=prev,
                visibility=draft.visibility,
                type=draft.type,
                payload=draft.payload,
                actor_id=actor.id if actor else None,
                actor_role=actor.role if actor else "system",
                created_at=now,
                live=draft.live,
                live_prev_seq=live_prev,
                chatham=applies_to(consultation),
            )
        )
    if logged:
        tx.execute(_INSERT, [_row(event) for event in logged])
        counters.write(
            tx,
            consultation,
            last_seq=seq,
            last_public_seq=public,
            last_shared_seq=shared,
            last_live_seq=live,
        )
    return logged


def _row(event: LoggedEvent) -> dict[str, object]:
    """The columns of an event's row: how it was sent live is not part of the record."""
    row = vars(event).copy()
    del row["live"], row["live_prev_seq"], row["chatham"]
    return row


_EVENTS = table_of(Event)  # read as rows, not objects: a catch-up may replay hundreds


def to_logged(row: Event | Row[Any], *, chatham: bool = False) -> LoggedEvent:
    """A logged row as an event to send; `chatham`: its consultation is under the rule now."""
    return LoggedEvent(
        consultation_id=row.consultation_id,
        seq=row.seq,
        public_prev_seq=row.public_prev_seq,
        visibility=row.visibility,
        type=row.type,
        payload=row.payload,
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        created_at=row.created_at,
        chatham=chatham,
    )


# Built once: every rejoin's catch-up runs one. A statement built at the call left its
# bind parameters in reference cycles, a young collection's work (docs/performance.md,
# step 38).
_AFTER = Event.consultation_id == bindparam("consultation_id"), Event.seq > bindparam("since")
_LIMIT = bindparam("limit", type_=Integer)
_SINCE = select(_EVENTS).where(*_AFTER).order_by(Event.seq).limit(_LIMIT)
_PUBLIC_SINCE = (
    select(_EVENTS).where(*_AFTER, Event.visibility == PUBLIC).order_by(Event.seq).limit(_LIMIT)
)


def events_since(
    tx: Session | Connection,
    consultation_id: int,
    since: int,
    *,
    public_only: bool,
    limit: int,
    chatham: bool = False,
) -> Sequence[LoggedEvent]:
    """Events after `since`, oldest first, at most `limit`; `chatham`: see `to_logged`."""
    query = _PUBLIC_SINCE if public_only else _SINCE
    values = {"consultation_id": consultation_id, "since": since, "limit": limit}
    return [to_logged(row, chatham=chatham) for row in tx.execute(query, values)]
