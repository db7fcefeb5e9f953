"""What a crowd does many times a minute runs statements built once, not at each call.

A statement built at the call leaves its bind parameters in reference cycles, which
only a garbage collection frees: at 2,000 attendees they were most of what the
worker's young collections found, each collection pausing every green thread
(docs/performance.md, step 38). A rejoin's catch-up, a batch of ballots and a batch
of upvotes build no statement once they have run once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.sql.elements import BindParameter

from server.features.consultations.snapshots import catch_up
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.questions import asks, votes
from server.features.questions import service as questions

CHOICES = {"type": "single", "question": "Ratify?", "options": ["Yes", "No"], "open": True}


@pytest.fixture
def parameters_built(monkeypatch) -> Callable[[Callable[[], Any]], int]:
    """How many bind parameters `act` builds (copies SQLAlchemy makes as it runs a
    statement are not built: they are clones)."""
    built = [0]
    build = BindParameter.__init__

    def counted(self: BindParameter[Any], *args: Any, **kwargs: Any) -> None:
        built[0] += 1
        build(self, *args, **kwargs)

    monkeypatch.setattr(BindParameter, "__init__", counted)

    def measure(act: Callable[[], Any]) -> int:
        built[0] = 0
        act()
        return built[0]

    return measure


@pytest.fixture
def c(create_consultation):
    return create_consultation()


def approved_question(core, c) -> int:
    asked = asks.ask(core, c.join(), "Who keeps the evidence?", None, False)
    question_id: int = asked.reply["question"]["id"]
    questions.approve(core, c.moderator, question_id)
    return question_id


def test_a_rejoins_catch_up_builds_no_statement(core, c, parameters_built):
    attendee = c.join(display_name="Amina")
    approved_question(core, c)  # something public to catch up on
    for viewer in (attendee, c.moderator):  # the first run compiles what later ones reuse
        assert catch_up(core, viewer, 0)["events"]  # read from the log, not a snapshot

    assert parameters_built(lambda: catch_up(core, attendee, 0)) == 0
    assert parameters_built(lambda: catch_up(core, c.moderator, 0)) == 0


def test_a_ballot_builds_no_statement(core, c, parameters_built):
    poll_id = polls.create_poll(core, c.moderator, CHOICES).reply["poll_id"]
    first, second = c.join(), c.join()
    ballots.cast_ballot(core, first, poll_id, 0)

    assert parameters_built(lambda: ballots.cast_ballot(core, second, poll_id, 1)) == 0


def test_an_upvote_builds_no_statement(core, c, parameters_built):
    question_id = approved_question(core, c)
    first, second = c.join(), c.join()
    votes.vote(core, first, question_id)

    assert parameters_built(lambda: votes.vote(core, second, question_id)) == 0
