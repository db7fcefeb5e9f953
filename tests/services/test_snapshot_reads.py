"""What a snapshot reads: every attendee's join runs it, thousands within the first minute.

Each statement costs a round of SQLAlchemy's work whatever it finds, so a snapshot reads
what it needs in as few as it can: the consultation and the person in one (a moderator's
with the agenda; an attendee's agenda is read apart once and kept, docs/performance.md);
the queue with its votes in one; the screen's last choice and the last event it could
follow in one; an attendee's open hands from the speakers' queue it read anyway; and the
turnout or their votes only where there is something to show. A statement the session
runs goes through the ORM's work for its result even when it reads plain columns, 30-40
µs more than on the session's own connection (docs/performance.md, step 45): the reads
of columns run there, the ORM kept for what is read as objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import ORMExecuteState, Session

from server.core.errors import DomainError
from server.core.shared_views import SharedViews
from server.core.store import rows_of
from server.features.agenda import service as agenda
from server.features.consultations import service as consultations
from server.features.consultations import snapshots
from server.features.invitations import service as invitations
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from server.features.publication.models import Publication
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.speakers import service as speakers

PERSON = {"display_name": "Wanjiru", "stakeholder_group": "academia"}
POLL = {"type": "single", "question": "Ratify the Convention?", "options": ["Yes", "No"]}


@pytest.fixture
def core(core):
    """Not checking what is kept against what is read afresh: the check reads more."""
    return replace(core, shared=SharedViews())


@pytest.fixture
def c(create_consultation):
    return create_consultation()


@pytest.fixture
def orm_reads() -> Iterator[Callable[[Callable[[], Any]], int]]:
    """How many statements the ORM runs for `act` (each session's `do_orm_execute`)."""
    counted = [0]

    def count(_state: ORMExecuteState) -> None:
        counted[0] += 1

    sa.event.listen(Session, "do_orm_execute", count)

    def measure(act: Callable[[], Any]) -> int:
        counted[0] = 0
        act()
        return counted[0]

    yield measure
    sa.event.remove(Session, "do_orm_execute", count)


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_newcomers_snapshot_of_a_fresh_consultation_takes_nine_reads(core, c, statements):
    """Read cold, as the first attendee's is (the next take what every attendee shares from
    memory: tests/services/test_shared_views.py). Sixteen before: three for the
    consultation, the person and the agenda, two for the queue and its votes, two for the
    screen's choice and the action it follows, one each for the head count, the turnout,
    the votes and the open hands. Nine, then ten once the agenda was read apart from the
    consultation, to be kept with the other shared views; nine since the head count is
    kept on the consultation."""
    viewer = consultations.join(core, c.join_code, PERSON).viewer
    statements.clear()
    snapshots.snapshot(core, viewer)
    assert len(selects(statements)) == 9


def test_an_invited_persons_snapshot_reads_their_invitation_with_their_consultation(
    core, create_consultation, statements
):
    """Nine reads too: the person's invitation (or staff link) is read in the same
    statement as the consultation and the person, not after it (docs/performance.md,
    step 86); once it is revoked, the snapshot is refused."""
    c = create_consultation(settings={"invitations": {"mode": "invited"}})
    listed = b"name,email,stakeholder_group,country,language\nAmina Diallo,,academia,SN,fr\n"
    invitations.import_list(core, c.moderator, listed, "secret")
    (invited,) = invitations.invitations(core, c.moderator, "secret")
    viewer = invitations.join_by_link(core, invited["link"][3:]).viewer
    statements.clear()

    snapshots.snapshot(core, viewer)

    assert len(selects(statements)) == 9
    invitations.revoke(core, c.moderator, invited["invitation_id"])
    with pytest.raises(DomainError) as refused:
        snapshots.snapshot(core, viewer)
    assert refused.value.code == "invitation_revoked"


def test_what_the_saved_reads_would_have_found_is_still_there(core, c):
    """A question voted on, a poll's results shown with its turnout, a hand raised: the
    snapshot shows each as the reads of their own do."""
    attendee = c.join()
    presence.arrive(core, attendee, "attendee-phone", "worker-1")
    asked = asks.ask(core, c.join(), "Who holds the evidence?", None, False)
    question_id = asked.reply["question"]["id"]
    questions.approve(core, c.moderator, question_id)
    votes.vote(core, attendee, question_id)
    poll = polls.create_poll(core, c.moderator, {**POLL, "open": True}).reply["poll_id"]
    ballots.cast_ballot(core, attendee, poll, 0)
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    speakers.raise_hand(core, attendee, None, "Jurisdiction")

    seen = snapshots.snapshot(core, attendee)

    assert seen["questions"]["my_votes"] == [question_id]
    assert seen["questions"]["list"][0]["votes"] == 1
    results = seen["polls"]["results"][str(poll)]
    assert (results["voters"], results["present"], results["turnout"]) == (1, 1, 1.0)
    with core.store.reading() as tx:
        hands = speakers.my_hands(tx, c.id, attendee.participant_id)
    assert seen["speakers"]["mine"] == hands
    assert [hand["topic"] for hand in hands] == ["Jurisdiction"]


def test_of_a_newcomers_nine_reads_only_those_of_objects_go_through_the_orm(core, c, orm_reads):
    """The consultation and the person, the agenda, the queue, the newcomer's own
    questions, the polls. Nine before: the head count, the speakers' queue and its closed
    lists, the screen and the publication went through it too (the head count is no
    longer read at all)."""
    viewer = consultations.join(core, c.join_code, PERSON).viewer

    assert orm_reads(lambda: snapshots.snapshot(core, viewer)) == 5


def test_a_read_on_the_connection_sees_what_the_session_holds_unflushed(core, c):
    published = select(func.count()).where(Publication.consultation_id == c.id)
    with core.store.transaction() as tx:
        tx.add(Publication(consultation_id=c.id, public_id=f"unflushed-{c.id}"))

        assert rows_of(tx).scalar(published) == 1
