"""What every attendee's snapshot shares: the agenda, the question queue, the speakers'
queue, the polls, the screen and what is published are read and built once while
nothing they show changes.

At 09:30 two thousand people join and arrive within a minute or two; their joins,
arrivals and departures change nothing those views show (the head count is read
afresh), so the first attendee's snapshot builds them and the others take them. Any
other event builds them again: an attendee never reads a view older than the log.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from server.core.runtime import Core
from server.core.shared_views import SharedViews, StaleView
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import snapshot
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from server.features.privacy import service as privacy
from server.features.publication import service as publication
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.screen import service as screen
from server.features.speakers import service as speakers

SHARED_TABLES = (
    "agenda_items",
    "speaker_hands",
    "publications",
    "FROM events",
    "question_votes",
    "FROM polls",
)
CHOICES = {"type": "single", "question": "Ratify the Convention?", "options": ["Yes", "No"]}


def _shared_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if any(table in s for table in SHARED_TABLES)]


def _afresh(core: Core, viewer: Any) -> dict[str, Any]:
    """The snapshot as built with nothing kept."""
    return snapshot(replace(core, shared=SharedViews()), viewer)


def test_attendees_arriving_together_share_one_reading_of_the_views(
    create_consultation, core, statements
):
    core = replace(core, shared=SharedViews())  # not checking: a check reads them again
    c = create_consultation()
    amina = c.join(display_name="Amina")
    snapshot(core, amina)
    assert _shared_reads(statements), "the first attendee's snapshot reads the views"

    kofi = c.join(display_name="Kofi")
    presence.arrive(core, kofi, "kofi-phone", "worker-1")
    presence.leave(core, "kofi-phone")
    presence.arrive(core, kofi, "kofi-laptop", "worker-1")
    statements.clear()
    seen = snapshot(core, kofi)

    assert _shared_reads(statements) == []
    assert seen == _afresh(core, kofi)
    assert seen["present"] == 1


def test_a_moderator_reads_the_views_afresh(create_consultation, core, statements):
    c = create_consultation()
    snapshot(core, c.join(display_name="Amina"))
    statements.clear()

    snapshot(core, c.moderator)

    assert _shared_reads(statements)


def test_every_other_change_reaches_the_next_attendee(create_consultation, core):
    """Each step changes one of the views; after it, an attendee who was here and one
    who joins now read what a snapshot built afresh reads."""
    c = create_consultation()
    amina = c.join(display_name="Amina Bello")
    kofi = c.join(display_name="Kofi")
    item = c.item_ids()[0]
    question: dict[str, int] = {}
    poll: dict[str, int] = {}

    def ask() -> None:
        outcome = asks.ask(core, amina, "Who ratifies first?", None, False)
        question["id"] = outcome.reply["question"]["id"]

    def open_poll() -> None:
        spec = {**CHOICES, "visibility": "live", "open": True}
        poll["id"] = polls.create_poll(core, c.moderator, spec).reply["poll_id"]

    steps = {
        "the consultation starts": lambda: agenda.start_item(core, c.moderator, item),
        "its first item is extended": lambda: agenda.extend_item(core, c.moderator, item, 5),
        "a question is asked": ask,
        "it is approved": lambda: questions.approve(core, c.moderator, question["id"]),
        "an attendee votes": lambda: votes.vote(core, kofi, question["id"]),
        "and withdraws the vote": lambda: votes.withdraw_vote(core, kofi, question["id"]),
        "the question is pinned": lambda: questions.pin(core, c.moderator, question["id"]),
        "a hand goes up": lambda: speakers.raise_hand(core, amina, None, "Funding"),
        "the floor is given": lambda: speakers.give_floor(core, c.moderator),
        "a poll opens, its results live": open_poll,
        "an attendee votes in it": lambda: ballots.cast_ballot(core, kofi, poll["id"], 1),
        "it closes": lambda: polls.close_poll(core, c.moderator, poll["id"]),
        "the screen shows the join code": lambda: screen.show_on_screen(
            core, c.moderator, "join", None
        ),
        "the next item starts": lambda: agenda.next_item(core, c.moderator),
        "the asker erases her name": lambda: privacy.erase_my_name(core, amina),
        "the consultation ends": lambda: agenda.end_consultation(core, c.moderator),
        "the report is published": lambda: publication.publish_report(core, c.moderator),
    }
    for number, (step, change) in enumerate(steps.items()):
        before = snapshot(core, kofi)
        change()
        newcomer = c.join(display_name=f"Newcomer {number}")
        for viewer in (kofi, newcomer):
            assert snapshot(core, viewer) == _afresh(core, viewer), step
        assert snapshot(core, kofi) != before, f"{step}: changed nothing an attendee sees"


def test_a_kept_view_that_differs_from_one_built_again_fails_under_check():
    views = SharedViews(check=True)
    views.get((1, "screen"), 7, lambda: {"shows": "join"})

    with pytest.raises(StaleView):
        views.get((1, "screen"), 7, lambda: {"shows": "poll"})
    assert views.get((1, "screen"), 8, lambda: {"shows": "poll"}) == {"shows": "poll"}


def test_a_reader_behind_another_keeps_the_newer_view():
    views = SharedViews()
    views.get((1, "screen"), 8, lambda: "newer")

    assert views.get((1, "screen"), 7, lambda: "older") == "older"
    assert views.get((1, "screen"), 8, lambda: "built again") == "newer"
