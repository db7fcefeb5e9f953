"""A consultation's counters (its log's sequence numbers, its head count), written as
one row's update rather than through the ORM's unit of work.

Every command moves them, under the consultation's lock. Flushing the one changed
object cost a write transaction 165 µs of its 460, where the statement itself costs
50 (docs/performance.md, third round, step 59). The values are set on the object as
committed, without history, so the session does not write them again: a savepoint
rolled back must expire it (`access.forget_locked`), since the session does not know
they changed. A consultation not yet stored takes them as attributes, flushed with it.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Update, bindparam, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .base import table_of
from .models import Consultation

_CONSULTATIONS = table_of(Consultation)


def write(tx: Session, consultation: Consultation, **counters: int) -> None:
    """Store `counters` (columns of the consultation, by name) and set them on it."""
    if not inspect(consultation).persistent:
        for name, value in counters.items():
            setattr(consultation, name, value)
        return
    values = {"consultation_id": consultation.id, **counters}
    tx.connection().execute(_update(tuple(counters)), values)
    for name, value in counters.items():
        set_committed_value(consultation, name, value)


@cache
def _update(names: tuple[str, ...]) -> Update:
    """The update of these columns, built once for each set of them (step 38)."""
    return (
        update(_CONSULTATIONS)
        .where(_CONSULTATIONS.c.id == bindparam("consultation_id"))
        .values({name: bindparam(name) for name in names})
    )
