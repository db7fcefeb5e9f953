"""Asks committed together: each ends exactly as it would alone, written without a
savepoint each when the rules accept it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.core import receipts
from server.core.errors import DomainError
from server.core.group_commit import Pending
from server.core.models import Event
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.questions.asks import AskCommand
from server.features.questions.models import Question, QuestionQuota
from tests.conftest import WIRING

NOW = datetime(2024, 1, 18, 8, 45, tzinfo=UTC)


def sent(viewer, text, item_id=None, anonymous=False, followers=WIRING.followers, claim=None):
    return Pending(AskCommand(viewer, text, item_id, anonymous, NOW, followers), claim)


def outcome_of(outcome):
    return outcome.code if isinstance(outcome, DomainError) else outcome.reply["question"]["text"]


@pytest.fixture
def c(create_consultation, core):
    c = create_consultation()
    questions.change_settings(
        core, c.moderator, {"max_per_person": 2, "min_interval_seconds": 60, "moderation": "post"}
    )
    return c


def test_every_ask_of_a_batch_ends_as_it_would_alone(core, c):
    amina, kofi, troll, asked_before = c.join(), c.join(), c.join(), c.join()
    questions.ban(core, c.moderator, troll.participant_id)
    asks.ask(core, asked_before, "Who chairs the drafting group?", None, False)
    questions.change_settings(core, c.moderator, {"min_interval_seconds": 0, "anonymity": "off"})

    outcomes = asks.ask_all(
        core.store,
        [
            sent(amina, "Who funds the regional centre?"),
            sent(amina, "And who audits it?"),  # her second: within her quota of two
            sent(amina, "A third?"),  # over it
            sent(troll, "Let me back"),
            sent(c.moderator, "Chair asks"),
            sent(kofi, "Where?", item_id=999_999),
            sent(kofi, "Hidden?", anonymous=True),
            sent(asked_before, "My second"),
            sent(kofi, "Is there interpretation?"),
        ],
    )

    assert [outcome_of(o) for o in outcomes] == [
        "Who funds the regional centre?",
        "And who audits it?",
        "question_limit_reached",
        "banned",
        "forbidden",
        "unknown_item",
        "anonymity_not_allowed",
        "My second",
        "Is there interpretation?",
    ]
    with core.store.reading() as tx:
        people = [amina.participant_id, kofi.participant_id, asked_before.participant_id]
        quotas = select(QuestionQuota.participant_id, QuestionQuota.asked)
        stored = dict(tx.execute(quotas.where(QuestionQuota.participant_id.in_(people))).all())
        texts = tx.scalars(select(Question.text).where(Question.consultation_id == c.id)).all()
    assert stored == {
        amina.participant_id: 2,
        kofi.participant_id: 1,
        asked_before.participant_id: 2,
    }
    assert sorted(texts) == sorted(
        [
            "Who chairs the drafting group?",
            "Who funds the regional centre?",
            "And who audits it?",
            "My second",
            "Is there interpretation?",
        ]
    )
    assert [e.type for e in outcomes[0].events] == ["question_asked"]
    assert outcomes[0].events[0].payload["question"]["id"] == outcomes[0].reply["question"]["id"]


def test_the_asks_a_batch_accepts_are_written_together_without_a_savepoint_each(
    core, c, statements
):
    crowd = [c.join() for _ in range(6)]
    statements.clear()

    outcomes = asks.ask_all(core.store, [sent(v, f"Question {n}?") for n, v in enumerate(crowd)])

    assert all(not isinstance(o, Exception) for o in outcomes)
    assert not [s for s in statements if s.startswith("SAVEPOINT")]
    assert len([s for s in statements if s.startswith("INSERT INTO events")]) == 1
    assert len([s for s in statements if s.startswith("UPDATE consultations")]) == 1
    seqs = [o.events[0].seq for o in outcomes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 6  # in the batch's order, gap-free
    assert seqs[-1] - seqs[0] == 5


def test_a_fully_anonymous_ask_in_a_batch_is_logged_as_an_attendee_not_its_author(core, c):
    questions.change_settings(core, c.moderator, {"anonymity": "full"})
    amina = c.join()

    (outcome,) = asks.ask_all(core.store, [sent(amina, "Who pays?", anonymous=True)])

    with core.store.reading() as tx:
        event = tx.scalar(
            select(Event).where(Event.consultation_id == c.id, Event.seq == outcome.events[0].seq)
        )
        question = tx.get(Question, outcome.reply["question"]["id"])
    assert (event.actor_id, event.actor_role) == (None, "attendee")
    assert question.author_id is None


def test_the_followers_see_each_ask_a_batch_logs(core, c):
    seen = []
    followers = [lambda uow, logged: seen.append((uow.actor.id, [e.type for e in logged]))]
    amina, kofi = c.join(), c.join()

    asks.ask_all(
        core.store,
        [sent(amina, "Who pays?", followers=followers), sent(kofi, "When?", followers=followers)],
    )

    assert seen == [
        (amina.participant_id, ["question_asked"]),
        (kofi.participant_id, ["question_asked"]),
    ]


def test_an_ask_sent_again_with_its_first_command_id_is_answered_as_then(core, c):
    amina = c.join()
    command_id = "ask-0123456789abcdef"
    first = receipts.Claim(amina.participant_id, "ask_question", command_id, NOW)
    asks.ask(core.taking(first), amina, "Who pays?", None, False)
    again = receipts.Claim(amina.participant_id, "ask_question", command_id, NOW)

    (outcome,) = asks.ask_all(core.store, [sent(amina, "Who pays?", claim=again)])

    assert isinstance(outcome, receipts.Repeated)  # the registry answers with the first ack
    with core.store.reading() as tx:
        texts = tx.scalars(select(Question.text).where(Question.consultation_id == c.id))
        assert texts.all() == ["Who pays?"]
