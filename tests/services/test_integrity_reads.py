"""What the integrity flags read, as the database fills up with a series' consultations.

Every flag staff see says how many ballots and upvotes it excludes. Each moderator's
snapshot (every join and rejoin of the console) and every flag raised or grown counts
them: the count must go to the flag's own rows, not read every ballot and upvote the
database holds. The server's clock looks for consultations people joined lately among
those not ended, not through everyone who ever joined one; and in a consultation
an hour in, it reads what its newcomers did, not what the whole room did before.
Measured as SQLite's own work (its virtual machine's steps), which no load on the
machine changes.
"""

from datetime import datetime, timedelta

from sqlalchemy import insert

from bench.sqlite_steps import sqlite_work
from server.core.access import hash_token
from server.core.models import Participant
from server.core.runtime import Core
from server.features.agenda.service import end_consultation
from server.features.consultations.snapshots import snapshot
from server.features.integrity import service as integrity
from server.features.integrity import signals
from server.features.integrity.rules import Thresholds
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.polls.models import Ballot
from server.features.questions import asks
from server.features.questions.models import QuestionVote
from tests.conftest import Consultation, new_consultation
from tests.services.test_integrity import SMALL, join
from tests.services.test_polls import new_poll


def flagged(core: Core) -> Consultation:
    """A consultation whose moderator sees one flag: five joins from one address, each
    casting a ballot."""
    c = new_consultation(core)
    poll_id = new_poll(core, c, open=True)
    for _ in range(5):
        ballots.cast_ballot(core, join(c), poll_id, 1)
    integrity.check(core, c.id, SMALL)
    assert snapshot(core, c.moderator)["integrity"]["flags"]
    return c


def another_consultations_votes(core: Core, count: int) -> Consultation:
    """`count` attendees of another consultation, each with a ballot and an upvote."""
    other = new_consultation(core, short_name="americas-2024")
    poll_id = new_poll(core, other, open=True)
    question_id = asks.ask(core, other.join(), "Who pays?", None, False).reply["question"]["id"]
    a_room_that_voted(core, other, count, poll_id, question_id, core.now())
    return other


def a_room_that_voted(
    core: Core, c: Consultation, count: int, poll_id: int, question_id: int, moment: datetime
) -> None:
    """`count` attendees who joined `c` from ten addresses at `moment`, each casting a
    ballot and upvoting the question then (the rows as the commands leave them)."""
    with core.store.transaction() as tx:
        people = tx.scalars(
            insert(Participant).returning(Participant.id),
            [
                {
                    "consultation_id": c.id,
                    "role": "attendee",
                    "display_name": f"Attendee {n}",
                    "stakeholder_group": "academia",
                    "country": "",
                    "token_hash": hash_token(f"token-{c.id}-{n}"),
                    "address_hash": f"{n % 10:032x}",
                    "joined_at": moment,
                }
                for n in range(count)
            ],
        ).all()
        cast = {"cast_at": moment, "changed_at": moment}
        tx.execute(
            insert(Ballot),
            [{"poll_id": poll_id, "participant_id": p, "answer": 0, **cast} for p in people],
        )
        tx.execute(
            insert(QuestionVote),
            [
                {"question_id": question_id, "participant_id": p, "created_at": moment}
                for p in people
            ],
        )


def test_the_moderators_view_of_a_flag_costs_the_same_whatever_else_the_database_holds(
    sqlite_core,
):
    core = sqlite_core
    c = flagged(core)
    before = sqlite_work(core, lambda: snapshot(core, c.moderator))

    another_consultations_votes(core, 20_000)
    after = sqlite_work(core, lambda: snapshot(core, c.moderator))

    assert after <= before + 5, f"{before} hundred steps, then {after} beside 20,000 votes"


def test_the_clocks_check_reads_nobody_of_an_ended_consultation(sqlite_core):
    core = sqlite_core
    flagged(core)
    before = sqlite_work(core, lambda: integrity.check_due(core))

    earlier = another_consultations_votes(core, 20_000)
    end_consultation(core, earlier.moderator)
    after = sqlite_work(core, lambda: integrity.check_due(core))

    assert after <= before + 5, f"{before} hundred steps, then {after} beside 20,000 people"


def test_the_clocks_check_an_hour_in_reads_what_newcomers_did_not_the_whole_room(
    sqlite_core, clock
):
    core = sqlite_core
    c = new_consultation(core)
    started = core.now()
    poll_id = new_poll(core, c, open=True)
    question_id = asks.ask(core, c.join(), "Who pays?", None, False).reply["question"]["id"]
    clock.advance(5 * 60)
    polls.close_poll(core, c.moderator, poll_id)
    clock.advance(55 * 60)
    before = sqlite_work(core, lambda: integrity.check(core, c.id, Thresholds()))

    a_room_that_voted(core, c, 2_000, poll_id, question_id, started + timedelta(minutes=1))
    after = sqlite_work(core, lambda: integrity.check(core, c.id, Thresholds()))

    assert after <= before + 5, f"{before} hundred steps, then {after} beside the room's votes"


def test_the_late_ballots_of_a_poll_open_an_hour_are_read_from_its_latecomers(sqlite_core, clock):
    core = sqlite_core
    c = new_consultation(core)
    poll_id = new_poll(core, c, open=True)
    question_id = asks.ask(core, c.join(), "Who pays?", None, False).reply["question"]["id"]
    clock.advance(60 * 60)

    def late_ballots() -> object:
        with core.store.reading() as tx:
            return signals.late_ballots(tx, c.id, Thresholds(), core.now())

    before = sqlite_work(core, late_ballots)
    # Everyone there when the poll opened, voting in its first minute: nobody came late.
    a_room_that_voted(core, c, 2_000, poll_id, question_id, core.now() - timedelta(minutes=60))
    after = sqlite_work(core, late_ballots)

    assert after <= before + 5, f"{before} hundred steps, then {after} beside the room's ballots"
