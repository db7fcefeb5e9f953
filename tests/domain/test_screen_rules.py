"""The shared screen's rules: a chosen subject stays; following, the newest action takes it."""

import pytest

from server.core.errors import DomainError
from server.features.screen import rules
from server.features.screen.rules import Screen

AT_REST = Screen("agenda")


def follow(screen, *events, running=True):
    for event_type, payload in events:
        screen = rules.followed(screen, event_type, payload)
    return rules.shown(screen, running)


def test_a_poll_opened_takes_the_screen_and_its_result_stays_after_close():
    screen = follow(AT_REST, ("poll_opened", {"id": 7}))
    assert screen == Screen("poll", 7)
    screen = follow(screen, ("poll_closed", {"poll": {"id": 7}}))
    assert screen == Screen("poll", 7, closed=True)


def test_a_closed_polls_result_gives_way_when_the_agenda_moves():
    result = Screen("poll", 7, closed=True)
    assert follow(result, ("item_started", {})) == Screen("agenda")
    assert follow(result, ("consultation_ended", {}), running=False) == Screen("join")


def test_a_live_poll_stays_when_the_agenda_moves():
    assert follow(Screen("poll", 7), ("item_started", {})) == Screen("poll", 7)


def test_the_floor_given_takes_the_screen_and_its_end_returns_it_to_the_agenda():
    screen = follow(AT_REST, ("floor_given", {"hand_id": 3}))
    assert screen == Screen("floor", 3)
    assert follow(screen, ("turn_ended", {"hand_id": 3})) == Screen("agenda")
    assert follow(screen, ("turn_cancelled", {})) == Screen("agenda")


def test_with_no_item_running_the_screen_rests_on_the_join_card():
    screen = follow(Screen("floor", 3), ("turn_ended", {}), running=False)
    assert screen == Screen("join")


def test_the_question_pinned_takes_the_screen_until_it_is_answered_or_unpinned():
    pinned = follow(AT_REST, ("question_pinned", {"question": {"id": 5, "pinned": True}}))
    assert pinned == Screen("question", 5)
    edited = ("question_edited", {"question": {"id": 5, "pinned": True}})
    assert follow(pinned, edited) == pinned
    answered = ("question_answered", {"question": {"id": 5, "pinned": False}})
    assert follow(pinned, answered) == Screen("agenda")
    assert follow(pinned, ("question_unpinned", {"question_id": 5})) == Screen("agenda")
    another = ("question_answered", {"question": {"id": 6, "pinned": False}})
    assert follow(pinned, another) == pinned


def test_the_newest_action_wins():
    screen = follow(
        AT_REST,
        ("poll_opened", {"id": 7}),
        ("floor_given", {"hand_id": 3}),
        ("question_pinned", {"question": {"id": 5, "pinned": True}}),
    )
    assert screen == Screen("question", 5)


def test_a_chosen_subject_stays_whatever_happens():
    chosen = rules.chosen("join", None, closed=False)
    assert chosen == Screen("join", follow=False)
    assert follow(chosen, ("poll_opened", {"id": 7}), ("floor_given", {"hand_id": 3})) == chosen


def test_following_again_rests_on_the_agenda_or_the_join_card():
    rest = rules.chosen("follow", None, closed=False)
    assert rules.shown(rest, item_running=True) == Screen("agenda")
    assert rules.shown(rest, item_running=False) == Screen("join")


def test_a_join_card_chosen_stays_one_when_an_item_runs():
    chosen = rules.chosen("join", None, closed=False)
    assert rules.shown(chosen, item_running=True) == Screen("join", follow=False)


def test_before_any_choice_the_screen_follows_the_action_at_rest():
    assert rules.read(None) == rules.REST
    assert rules.read({"subject": "join", "id": None, "follow": True}) == rules.REST
    stored = {"subject": "poll", "id": 7, "follow": False, "closed": True}
    assert rules.read(stored) == Screen("poll", 7, follow=False, closed=True)


@pytest.mark.parametrize(
    ("subject", "subject_id", "code"),
    [
        ("wall", None, "unknown_screen_subject"),
        (None, None, "unknown_screen_subject"),
        (["poll"], None, "unknown_screen_subject"),
        ("agenda", 3, "invalid_screen_id"),
        ("join", 3, "invalid_screen_id"),
        ("poll", "7", "invalid_screen_id"),
        ("poll", True, "invalid_screen_id"),
        ("question", -1, "invalid_screen_id"),
    ],
)
def test_a_bad_choice_is_refused_with_its_code(subject, subject_id, code):
    with pytest.raises(DomainError) as refused:
        rules.parse_choice(subject, subject_id)
    assert refused.value.code == code


def test_a_choice_names_a_question_or_a_poll_by_its_number():
    assert rules.parse_choice("poll", 7) == ("poll", 7)
    assert rules.parse_choice("question", None) == ("question", None)
    assert rules.parse_choice("follow", None) == ("follow", None)


def test_following_again_drops_a_result_but_keeps_what_is_live():
    assert rules.resumed(Screen("poll", 7, closed=True)) == rules.REST
    assert rules.resumed(Screen("poll", 7)) == Screen("poll", 7)
    assert rules.resumed(Screen("floor", 3)) == Screen("floor", 3)
