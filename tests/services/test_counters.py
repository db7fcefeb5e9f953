"""A consultation's counters (its log's sequence numbers, its head count) are written as
one row's update, not flushed through the ORM's unit of work (core/counters.py): every
command moves them, and the flush cost a write transaction a third of its CPU."""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import Session

from server.core import event_log
from server.core.errors import DomainError
from server.core.events import ATTENDEE, STAFF, EventDraft
from server.core.group_commit import Pending, each_in_savepoint
from server.core.models import Consultation
from server.core.unit_of_work import within
from server.features.presence import service as presence
from server.features.questions import asks


def test_joining_arriving_and_asking_flush_no_consultation_through_the_orm(
    create_consultation, core
):
    c = create_consultation()
    flushed: list[object] = []

    def before_flush(session: Session, *_: object) -> None:
        flushed.extend(o for o in session.dirty if isinstance(o, Consultation))

    sa.event.listen(Session, "before_flush", before_flush)
    try:
        amina = c.join(display_name="Amina")
        presence.arrive(core, amina, f"{c.id}-amina", "w1")
        asks.ask(core, amina, "Who keeps the evidence?", None, False)
        presence.leave(core, f"{c.id}-amina")
    finally:
        sa.event.remove(Session, "before_flush", before_flush)

    assert flushed == []
    with core.store.reading() as tx:
        stored = tx.get_one(Consultation, c.id)
        assert (stored.present, stored.peak_present) == (0, 1)
        # The ask moved what attendees share; the departure after it did not.
        assert stored.last_shared_seq == stored.last_seq - 1


def test_a_command_rolled_back_after_logging_leaves_no_gap_in_the_log(create_consultation, core):
    """The log's counters are written without the session knowing (core/counters.py): a
    savepoint rolled back must not leave the numbers it took on the consultation."""
    c = create_consultation()
    first, second = c.join(), c.join()

    def logged(viewer, tx, refuse=False):
        uow = within(tx, viewer, {ATTENDEE}, core.now(), core.wiring.followers)
        draft = EventDraft("participant_arrived", {"present": 1}, STAFF, shared=False)
        event = event_log.append(tx, uow.consultation, uow.actor, [draft], core.now())[0]
        if refuse:
            raise DomainError("refused", "Refused after logging.")
        return event.seq

    with core.store.reading() as tx:
        before = tx.get_one(Consultation, c.id).last_seq
    batch = [
        Pending(partial(logged, first, refuse=True), None),
        Pending(partial(logged, second), None),
    ]
    refusal, seq = each_in_savepoint(core.store, batch)

    assert isinstance(refusal, DomainError)
    assert seq == before + 1
    with core.store.reading() as tx:
        assert tx.get_one(Consultation, c.id).last_seq == before + 1
