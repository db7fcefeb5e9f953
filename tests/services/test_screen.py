"""The shared screen: the moderator chooses what it shows, or it follows the action."""

import pytest
from sqlalchemy import select

from server.core.access import Viewer
from server.core.errors import DomainError
from server.core.models import Event
from server.features.agenda import service as agenda
from server.features.consultations.snapshots import catch_up, snapshot
from server.features.polls import service as polls
from server.features.questions import asks
from server.features.questions import service as questions
from server.features.screen import service as screen
from server.features.speakers import service as speakers

POLL = {"type": "single", "question": "Ratify the Convention?", "options": ["Yes", "No"]}


def present_view(c):
    """The screen-shared view: the moderator's person, reading as the public does."""
    return Viewer(c.id, c.moderator.participant_id, "attendee")


def on_screen(core, c):
    shown = snapshot(core, present_view(c))["screen"]
    return (shown["subject"], shown["id"], shown["follow"], shown["closed"])


def screen_events(core, c):
    with core.store.reading() as tx:
        return list(
            tx.scalars(
                select(Event.payload)
                .where(Event.consultation_id == c.id, Event.type == "screen_chosen")
                .order_by(Event.seq)
            )
        )


def refused(code, function, *args):
    with pytest.raises(DomainError) as error:
        function(*args)
    assert error.value.code == code


@pytest.fixture
def c(create_consultation, core):
    consultation = create_consultation(settings={"questions": {"moderation": "post"}})
    agenda.start_item(core, consultation.moderator, consultation.item_ids()[0])
    return consultation


def test_before_the_start_the_screen_shows_the_join_card(create_consultation, core):
    c = create_consultation()
    assert on_screen(core, c) == ("join", None, True, False)
    agenda.start_item(core, c.moderator, c.item_ids()[0])
    assert on_screen(core, c) == ("agenda", None, True, False)
    agenda.end_consultation(core, c.moderator)
    assert on_screen(core, c) == ("join", None, True, False)


def test_a_poll_opened_takes_the_screen_and_its_result_stays_until_the_next_item(c, core):
    poll_id = polls.create_poll(core, c.moderator, {**POLL, "open": True}).reply["poll_id"]
    assert on_screen(core, c) == ("poll", poll_id, True, False)
    polls.close_poll(core, c.moderator, poll_id)
    assert on_screen(core, c) == ("poll", poll_id, True, True)
    agenda.next_item(core, c.moderator)
    assert on_screen(core, c) == ("agenda", None, True, False)


def test_the_floor_given_takes_the_screen_and_returns_it_when_the_turn_ends(c, core):
    amina = c.join(display_name="Amina")
    hand_id = speakers.raise_hand(core, amina, None, "").reply["hand_id"]
    opened = speakers.give_floor(core, c.moderator, hand_id)
    assert [e.type for e in opened.events] == ["floor_given"]
    assert "screen" in [r.topic for r in opened.recounts]
    assert on_screen(core, c) == ("floor", hand_id, True, False)
    speakers.end_turn(core, c.moderator)
    assert on_screen(core, c) == ("agenda", None, True, False)


def test_the_question_pinned_takes_the_screen_until_it_is_answered(c, core):
    amina = c.join(display_name="Amina")
    question_id = asks.ask(core, amina, "Who funds it?", None, False).reply["question"]["id"]
    questions.pin(core, c.moderator, question_id)
    assert on_screen(core, c) == ("question", question_id, True, False)
    questions.answer(core, c.moderator, question_id, "")
    assert on_screen(core, c) == ("agenda", None, True, False)


def test_a_chosen_subject_holds_the_screen_until_the_moderator_follows_again(c, core):
    done = screen.show_on_screen(core, c.moderator, "join", None)
    shown = {"subject": "join", "id": None, "follow": False, "closed": False}
    assert done.reply == {"screen": shown}
    assert [(e.type, e.visibility, e.payload) for e in done.events] == [
        ("screen_chosen", "public", shown)
    ]
    poll_id = polls.create_poll(core, c.moderator, {**POLL, "open": True}).reply["poll_id"]
    assert on_screen(core, c) == ("join", None, False, False)
    followed = screen.show_on_screen(core, c.moderator, "follow", None)
    assert on_screen(core, c) == ("poll", poll_id, True, False)
    assert (
        followed.events[0].payload
        == followed.reply["screen"]
        == {
            "subject": "poll",
            "id": poll_id,
            "follow": True,
            "closed": False,
        }
    )


def test_the_moderator_shows_a_closed_polls_result_or_a_public_question(c, core):
    poll_id = polls.create_poll(core, c.moderator, {**POLL, "open": True}).reply["poll_id"]
    polls.close_poll(core, c.moderator, poll_id)
    agenda.next_item(core, c.moderator)
    screen.show_on_screen(core, c.moderator, "poll", poll_id)
    assert on_screen(core, c) == ("poll", poll_id, False, True)
    amina = c.join(display_name="Amina")
    question_id = asks.ask(core, amina, "Who funds it?", None, False).reply["question"]["id"]
    screen.show_on_screen(core, c.moderator, "question", question_id)
    assert on_screen(core, c) == ("question", question_id, False, False)


def test_a_moderator_on_another_page_reads_the_same_screen(c, core):
    screen.show_on_screen(core, c.moderator, "floor", None)
    assert snapshot(core, c.moderator)["screen"]["subject"] == "floor"
    assert snapshot(core, c.rapporteur())["screen"]["subject"] == "floor"


def test_a_reconnecting_present_view_catches_up_with_the_screen(c, core):
    since = snapshot(core, present_view(c))["seq"]
    screen.show_on_screen(core, c.moderator, "join", None)
    caught = catch_up(core, present_view(c), since)
    assert [(e["type"], e["data"]["subject"]) for e in caught["events"]] == [
        ("screen_chosen", "join")
    ]


def test_only_a_moderator_chooses_what_the_screen_shows(c, core):
    refused("forbidden", screen.show_on_screen, core, c.join(), "join", None)
    refused("forbidden", screen.show_on_screen, core, c.rapporteur(), "join", None)


def test_a_bad_choice_is_refused_and_changes_nothing(c, core, create_consultation):
    draft = polls.create_poll(core, c.moderator, POLL).reply["poll_id"]
    other = create_consultation()
    elsewhere = polls.create_poll(core, other.moderator, {**POLL, "open": True}).reply["poll_id"]
    before = screen_events(core, c)
    refused("unknown_screen_subject", screen.show_on_screen, core, c.moderator, "wall", None)
    refused("invalid_screen_id", screen.show_on_screen, core, c.moderator, "agenda", 1)
    refused("unknown_poll", screen.show_on_screen, core, c.moderator, "poll", 999_999)
    refused("unknown_poll", screen.show_on_screen, core, c.moderator, "poll", elsewhere)
    refused("poll_not_opened", screen.show_on_screen, core, c.moderator, "poll", draft)
    refused("unknown_question", screen.show_on_screen, core, c.moderator, "question", 999_999)
    assert screen_events(core, c) == before


def test_a_question_attendees_cannot_see_is_never_shown(create_consultation, core):
    c = create_consultation()  # pre-moderation: a question waits for approval
    question_id = asks.ask(core, c.join(), "Who funds it?", None, False).reply["question"]["id"]
    refused(
        "question_not_public", screen.show_on_screen, core, c.moderator, "question", question_id
    )


def test_after_the_end_the_screen_shows_the_join_card_and_cannot_be_changed(c, core):
    agenda.end_consultation(core, c.moderator)
    assert on_screen(core, c) == ("join", None, True, False)
    refused("consultation_ended", screen.show_on_screen, core, c.moderator, "agenda", None)


def test_answering_a_question_moves_the_screen_only_if_it_was_on_it(c, core):
    asked = [
        asks.ask(core, c.join(), text, None, False).reply["question"]["id"]
        for text in ("Who funds it?", "When does it start?")
    ]
    questions.pin(core, c.moderator, asked[0])
    elsewhere = questions.answer(core, c.moderator, asked[1], "")
    assert "screen" not in [r.topic for r in elsewhere.recounts]
    shown = questions.answer(core, c.moderator, asked[0], "")
    assert "screen" in [r.topic for r in shown.recounts]


def test_following_again_brings_back_what_is_live_but_not_a_result(c, core):
    screen.show_on_screen(core, c.moderator, "join", None)
    poll_id = polls.create_poll(core, c.moderator, {**POLL, "open": True}).reply["poll_id"]
    screen.show_on_screen(core, c.moderator, "follow", None)
    assert on_screen(core, c) == ("poll", poll_id, True, False)
    polls.close_poll(core, c.moderator, poll_id)
    screen.show_on_screen(core, c.moderator, "join", None)
    done = screen.show_on_screen(core, c.moderator, "follow", None)
    assert on_screen(core, c) == ("agenda", None, True, False)
    assert done.reply["screen"] == {
        "subject": "agenda",
        "id": None,
        "follow": True,
        "closed": False,
    }
