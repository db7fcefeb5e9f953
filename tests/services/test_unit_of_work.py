"""The one unit of work: a command's transaction, its checks, and what it leaves to send."""

import pytest
from sqlalchemy import select

from server.core.errors import Conflict, DomainError
from server.core.events import ATTENDEE, MODERATOR, EventDraft
from server.core.models import Event
from server.core.unit_of_work import Notice, Recount, unit_of_work
from server.features.agenda import service as agenda


def _logged_types(core, consultation_id):
    with core.store.reading() as tx:
        return tx.scalars(
            select(Event.type).where(Event.consultation_id == consultation_id).order_by(Event.seq)
        ).all()


def test_a_command_holds_its_events_notices_counts_and_reply_once_committed(
    create_consultation, core
):
    c = create_consultation()
    amina = c.join()
    with unit_of_work(core, c.moderator, {MODERATOR}) as uow:
        (logged,) = uow.log([EventDraft("agenda_reordered", {"order": c.item_ids()})])
        uow.notify(amina.participant_id, "my_question", {"question": None})
        uow.recount("question_votes", 7)
        uow.reply(done=True)
    outcome = uow.outcome
    assert outcome.events == [logged]
    assert outcome.notices == [Notice(amina.participant_id, "my_question", {"question": None})]
    assert outcome.recounts == [Recount(c.id, "question_votes", 7)]
    assert outcome.reply == {"done": True}
    assert _logged_types(core, c.id)[-1] == "agenda_reordered"
    assert logged.actor_id == c.moderator.participant_id


def test_a_command_refused_after_logging_leaves_nothing_behind(create_consultation, core):
    c = create_consultation()
    before = _logged_types(core, c.id)
    with pytest.raises(DomainError) as refused:
        with unit_of_work(core, c.moderator, {MODERATOR}) as uow:
            uow.log([EventDraft("agenda_reordered", {"order": c.item_ids()})])
            raise Conflict("late_refusal", "Refused after logging.")
    assert refused.value.code == "late_refusal"
    assert _logged_types(core, c.id) == before


def test_a_role_the_command_does_not_name_is_refused(create_consultation, core):
    c = create_consultation()
    with pytest.raises(DomainError) as refused:
        with unit_of_work(core, c.join(), {MODERATOR}):
            pass
    assert refused.value.code == "forbidden"


def test_whether_an_ended_consultation_refuses_is_the_commands_choice(create_consultation, core):
    c = create_consultation()
    attendee = c.join()
    agenda.end_consultation(core, c.moderator)
    with pytest.raises(DomainError) as refused:
        with unit_of_work(core, attendee, {ATTENDEE}):
            pass
    assert refused.value.code == "consultation_ended"
    with unit_of_work(core, attendee, {ATTENDEE}, not_ended=False) as uow:
        assert uow.actor.id == attendee.participant_id
