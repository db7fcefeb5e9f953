"""The question queue's rules, in plain Python: settings, limits, transitions, projections."""

from datetime import UTC, datetime, timedelta

import pytest

from server.core.errors import DomainError
from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.features.questions import rules
from tests.conftest import WIRING

NOW = datetime(2024, 1, 18, 8, 30, tzinfo=UTC)


def code_of(function, *args, **kwargs):
    with pytest.raises(DomainError) as refused:
        function(*args, **kwargs)
    return refused.value.code


def staff_view(**overrides):
    view = {
        "id": 7,
        "item_id": 1,
        "text": "Who pays?",
        "state": "approved",
        "anonymity": "off",
        "author": {
            "participant_id": 3,
            "display_name": "Amina",
            "stakeholder_group": "academia",
            "country": "NG",
        },
        "pinned": False,
        "answer": "",
        "dismiss_reason": "Off topic",
        "merged_into_id": None,
        "edited": False,
        "created_at": NOW.isoformat(),
        "approved_at": NOW.isoformat(),
        "answered_at": None,
    }
    return {**view, **overrides}


def test_settings_default_to_pre_moderation_anonymous_to_attendees_and_gentle_limits():
    settings = rules.settings_of({})
    assert settings == rules.Settings("attendees", "pre", 15, 20, True, ())


def test_stored_settings_are_read_and_a_bad_value_falls_back_to_its_default():
    stored = {"questions": {"moderation": "post", "max_per_person": "lots", "closed_items": [3]}}
    settings = rules.settings_of(stored)
    assert (settings.moderation, settings.max_per_person, settings.closed_items) == (
        "post",
        20,
        (3,),
    )


def test_opening_and_closing_an_item_changes_only_that_item():
    closed = rules.with_item_open(rules.Settings(), 4, False)
    assert (closed.open, closed.closed_items) == (True, (4,))
    assert rules.with_item_open(closed, 4, True).closed_items == ()
    assert rules.with_item_open(closed, None, False).open is False


def test_questions_closed_for_the_consultation_or_an_item_have_their_own_codes():
    assert code_of(rules.check_open, rules.Settings(open=False), None) == "questions_closed"
    settings = rules.Settings(closed_items=(2,))
    assert code_of(rules.check_open, settings, 2) == "questions_closed_for_item"
    rules.check_open(settings, 3)
    rules.check_open(settings, None)


def test_the_rate_limit_says_how_long_to_wait():
    quota = rules.Quota(asked=1, last_asked_at=NOW)
    with pytest.raises(DomainError) as refused:
        rules.check_quota(rules.Settings(), quota, NOW + timedelta(seconds=9.5))
    assert refused.value.code == "asking_too_fast"
    assert refused.value.params == {"seconds": 6}
    rules.check_quota(rules.Settings(), quota, NOW + timedelta(seconds=15))
    rules.check_quota(rules.Settings(min_interval_seconds=0), quota, NOW)


def test_the_per_person_limit_counts_every_question_asked():
    quota = rules.Quota(asked=20, last_asked_at=NOW - timedelta(hours=1))
    assert code_of(rules.check_quota, rules.Settings(), quota, NOW) == "question_limit_reached"


@pytest.mark.parametrize(
    ("allowed", "requested", "stored"),
    [
        ("off", False, "off"),
        ("attendees", False, "off"),
        ("attendees", True, "attendees"),
        ("full", True, "full"),
        ("full", None, "off"),
    ],
)
def test_an_anonymous_ask_takes_the_level_the_consultation_allows(allowed, requested, stored):
    assert rules.anonymity_for(rules.Settings(anonymity=allowed), requested) == stored


def test_anonymity_where_it_is_not_allowed_is_refused():
    settings = rules.Settings(anonymity="off")
    assert code_of(rules.anonymity_for, settings, True) == "anonymity_not_allowed"
    assert code_of(rules.anonymity_for, rules.Settings(), 1) == "invalid_anonymous"


@pytest.mark.parametrize(
    ("action", "allowed"),
    [
        (rules.APPROVE, {"pending"}),
        (rules.DISMISS, {"pending", "approved"}),
        (rules.EDIT, {"pending", "approved", "answered"}),
        (rules.PIN, {"approved"}),
        (rules.ANSWER, {"approved", "answered"}),
        (rules.REOPEN, {"answered", "dismissed", "archived"}),
        (rules.ARCHIVE, {"approved", "answered"}),
        (rules.MERGE, {"pending", "approved"}),
    ],
)
def test_each_action_is_allowed_from_its_states_and_refused_with_its_code(action, allowed):
    for state in rules.STATES:
        if state in allowed:
            rules.check_action(action, state)
        else:
            assert code_of(rules.check_action, action, state) == f"cannot_{action}"


def test_votes_go_only_to_approved_questions_of_others():
    rules.check_votable("approved", own=False)
    assert code_of(rules.check_votable, "approved", own=True) == "own_question"
    expected = {
        "pending": "unknown_question",
        "hidden": "unknown_question",
        "dismissed": "question_dismissed",
        "archived": "question_archived",
        "merged": "question_merged",
        "answered": "question_answered",
    }
    assert {state: code_of(rules.check_votable, state, own=False) for state in expected} == (
        expected
    )


def test_a_pending_question_of_ones_own_is_still_unknown_to_a_vote():
    assert code_of(rules.check_votable, "pending", own=True) == "unknown_question"


def test_bulk_ids_are_bounded_and_deduplicated():
    assert rules.parse_ids([3, 1, 3]) == [3, 1]
    for bad in ([], [True], ["1"], list(range(201)), None):
        assert code_of(rules.parse_ids, bad) == "invalid_question_ids"


def test_attendees_read_a_named_author_without_their_id_and_no_anonymous_author():
    named = rules.public_view(staff_view())
    assert named["author"] == {
        "display_name": "Amina",
        "stakeholder_group": "academia",
        "country": "NG",
    }
    assert named["anonymous"] is False
    assert "dismiss_reason" not in named and "anonymity" not in named
    hidden = rules.public_view(staff_view(anonymity="attendees"))
    assert (hidden["author"], hidden["anonymous"]) == (None, True)


def test_rapporteurs_read_named_authors_only_and_no_pending_question():
    assert rules.rapporteur_view(staff_view())["author"]["display_name"] == "Amina"
    assert rules.rapporteur_view(staff_view(anonymity="attendees"))["author"] is None
    assert rules.rapporteur_view(staff_view(state="pending")) == {"id": 7, "state": "pending"}


def test_event_projections_strip_authors_for_every_reader_but_moderators():
    payload = {"question": staff_view(anonymity="attendees"), "into": staff_view(id=8)}
    assert WIRING.project("questions_merged", payload, MODERATOR) is payload
    for role in (ATTENDEE, RAPPORTEUR):
        projected = WIRING.project("questions_merged", payload, role)
        assert projected["question"]["author"] is None
        assert projected["into"]["author"]["display_name"] == "Amina"
    assert payload["question"]["author"]["display_name"] == "Amina"  # the log is untouched


def test_ban_events_reach_rapporteurs_without_the_questions_involved():
    payload = {"participant": {"participant_id": 3}, "hidden": [7, 9]}
    assert WIRING.project("participant_banned", payload, RAPPORTEUR) == {
        "participant": {"participant_id": 3}
    }
    restored = {"participant": {"participant_id": 3}, "restored": [staff_view(state="pending")]}
    assert "restored" not in WIRING.project("participant_unbanned", restored, RAPPORTEUR)
