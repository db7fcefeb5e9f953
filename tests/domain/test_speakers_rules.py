"""The speakers' queue as plain rules: orderings, the speaking clock, settings."""

from datetime import UTC, datetime, timedelta

import pytest

from server.core.errors import DomainError
from server.core.events import ATTENDEE, MODERATOR
from server.features.speakers import rules
from tests.conftest import WIRING

T0 = datetime(2024, 1, 18, 9, 0, tzinfo=UTC)


def hand(hand_id, participant_id, group, minute):
    return rules.Request(hand_id, participant_id, group, T0 + timedelta(minutes=minute))


# A scripted queue: seven hands raised a minute apart, by four groups.
SCRIPT = [
    hand(1, 11, "government", 0),  # G1
    hand(2, 12, "government", 1),  # G2
    hand(3, 13, "private_sector", 2),  # P1
    hand(4, 14, "civil_society", 3),  # C1
    hand(5, 15, "academia", 4),  # A1
    hand(6, 16, "private_sector", 5),  # P2
    hand(7, 17, "government", 6),  # G3
]


def ids(requests):
    return [r.hand_id for r in requests]


def test_as_requested_is_first_come_first_served():
    shuffled = [SCRIPT[4], SCRIPT[0], SCRIPT[6], SCRIPT[2], SCRIPT[1], SCRIPT[5], SCRIPT[3]]
    assert ids(rules.order_queue(shuffled, rules.REQUESTED, spoken=set(), history=[])) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]


def test_first_time_speakers_go_first_in_order_of_request():
    spoken = {11, 14}  # G1 and C1 have had a turn already
    ordered = rules.order_queue(SCRIPT, rules.FIRST_TIME, spoken=spoken, history=[])
    assert ids(ordered) == [2, 3, 5, 6, 7, 1, 4]


def test_balanced_ordering_matches_the_hand_worked_order():
    # Turns so far: civil society, then government (who spoke last).
    # Worked by hand: private sector and academia have never spoken, so they come
    # first, the earlier request (P1, 09:02) before A1 (09:04); then civil society,
    # whose last turn is older than government's; then government (G1); then round
    # again: private sector (P2), government (G2); G3 last, as nobody else waits.
    history = ["civil_society", "government"]
    ordered = rules.order_queue(SCRIPT, rules.BALANCED, spoken=set(), history=history)
    assert ids(ordered) == [3, 5, 4, 1, 6, 2, 7]


def test_balanced_never_gives_a_group_two_turns_running_while_another_waits():
    history = ["government"]
    ordered = rules.balanced(SCRIPT, history)
    groups = [*history, *(r.group for r in ordered)]
    for position in range(1, len(groups)):
        still_waiting = {r.group for r in ordered[position:]}
        if groups[position] == groups[position - 1]:
            assert still_waiting <= {groups[position]}


def test_balanced_on_a_fresh_consultation_starts_with_the_earliest_request():
    assert ids(rules.balanced(SCRIPT, []))[:4] == [1, 3, 4, 5]


def test_balanced_keeps_first_come_first_served_within_a_group():
    ordered = rules.balanced(SCRIPT, [])
    government = [r.hand_id for r in ordered if r.group == "government"]
    assert government == [1, 2, 7]


def test_a_queue_of_one_group_is_simply_first_come_first_served():
    only = [hand(9, 1, "academia", 3), hand(8, 2, "academia", 1)]
    assert ids(rules.balanced(only, ["academia"])) == [8, 9]


def test_the_speaking_clock_counts_down_from_the_limit_plus_extensions():
    timing = rules.turn_timing(T0, 180, 60, T0 + timedelta(seconds=200))
    assert (timing.allotted, timing.elapsed, timing.remaining, timing.overrun) == (240, 200, 40, 0)


def test_an_overrun_shows_how_far_past_the_limit_a_speaker_is():
    timing = rules.turn_timing(T0, 180, 0, T0 + timedelta(seconds=205))
    assert (timing.remaining, timing.overrun) == (-25, 25)


def test_a_finished_turn_stops_its_clock_at_its_end():
    timing = rules.turn_timing(T0, 180, 0, T0 + timedelta(hours=1), T0 + timedelta(seconds=95))
    assert timing.elapsed == 95


def test_settings_default_to_three_minutes_in_order_of_request():
    settings = rules.read_settings({})
    assert (settings.ordering, settings.limit_for(42)) == (rules.REQUESTED, 180)


def test_an_item_limit_overrides_the_consultation_limit():
    settings = rules.read_settings(
        {"speakers": {"time_limit_seconds": 120, "item_time_limits": {"7": 300}}}
    )
    assert (settings.limit_for(7), settings.limit_for(8)) == (300, 120)


def test_unusable_stored_settings_fall_back_to_the_defaults():
    settings = rules.read_settings(
        {"speakers": {"ordering": "loudest", "time_limit_seconds": True, "item_time_limits": []}}
    )
    assert (settings.ordering, settings.time_limit_seconds) == (rules.REQUESTED, 180)


def test_writing_settings_keeps_the_other_features_keys():
    written = rules.write_settings(
        {"questions": {"anonymous": True}}, ordering=rules.BALANCED, item_limit=(3, 90)
    )
    assert written["questions"] == {"anonymous": True}
    assert written["speakers"] == {
        "ordering": "balanced",
        "time_limit_seconds": 180,
        "item_time_limits": {"3": 90},
    }
    cleared = rules.write_settings(written, item_limit=(3, None))
    assert cleared["speakers"]["item_time_limits"] == {}


@pytest.mark.parametrize(
    ("check", "args", "code"),
    [
        (rules.check_can_raise, (False, "waiting"), "already_in_queue"),
        (rules.check_can_raise, (True, None), "list_closed"),
        (rules.check_owner, (1, 2), "not_your_hand"),
        (rules.check_waiting, ("speaking",), "not_in_queue"),
        (rules.check_floor_free, (5, None), "floor_taken"),
        (rules.check_floor_free, (5, 4), "floor_taken"),
        (rules.check_someone_speaking, (None,), "no_speaker"),
        (rules.check_someone_speaking, (5, 4), "not_speaking"),
        (rules.check_can_put_back, ("waiting",), "already_in_queue"),
        (rules.check_can_put_back, ("done",), "already_spoke"),
        (rules.parse_ordering, ("loudest",), "unknown_ordering"),
        (rules.parse_time_limit, (5,), "invalid_seconds"),
        (rules.parse_extension, ("30",), "invalid_seconds"),
        (rules.parse_topic, ("x" * 121,), "topic_too_long"),
        (rules.parse_hand_id, ("3",), "unknown_hand"),
    ],
)
def test_each_refusal_has_its_own_code(check, args, code):
    with pytest.raises(DomainError) as refused:
        check(*args)
    assert refused.value.code == code


def test_the_floor_can_move_on_from_the_turn_the_chair_saw():
    assert rules.check_floor_free(None, None) is False
    assert rules.check_floor_free(None, 5) is False
    assert rules.check_floor_free(5, 5) is True


def test_attendees_read_turns_without_the_topic_or_participant_number():
    turn = {"hand_id": 3, "participant_id": 9, "display_name": "Amina", "topic": "Budget"}
    assert WIRING.project("floor_given", turn, ATTENDEE) == {"hand_id": 3, "display_name": "Amina"}
    assert WIRING.project("turn_ended", turn, MODERATOR) == turn


def test_a_topic_is_one_line():
    assert rules.parse_topic("  Data\nretention ") == "Data retention"
    assert rules.parse_topic(None) == ""


def test_an_agenda_file_sets_the_ordering_and_speaking_times():
    found = rules.parse_file_settings(
        {"speakers": {"ordering": "balanced", "time_limit_seconds": 120}},
        [{"title": "Opening"}, {"title": "Debate", "speakers": {"time_limit_seconds": 300}}],
    )
    assert (found.ordering, found.time_limit_seconds, dict(found.item_limits)) == (
        "balanced",
        120,
        {1: 300},
    )


def test_an_agenda_file_without_speakers_gets_the_defaults():
    found = rules.parse_file_settings({}, [{"title": "Opening"}])
    assert (found.ordering, found.time_limit_seconds, dict(found.item_limits)) == (
        "requested",
        180,
        {},
    )


@pytest.mark.parametrize(
    ("settings", "items", "code", "where"),
    [
        ({"speakers": {"ordering": "loudest"}}, [], "unknown_ordering", "Settings, speakers"),
        ({"speakers": {"time_limit_seconds": 5}}, [], "invalid_seconds", "Settings, speakers"),
        ({"speakers": "fast"}, [], "invalid_speakers_settings", "Settings, speakers"),
        ({}, [{}, {"speakers": {"time_limit_seconds": "3m"}}], "invalid_seconds", "item 2"),
        ({}, [{"speakers": []}], "invalid_speakers_settings", "item 1"),
    ],
)
def test_a_bad_speakers_setting_refuses_the_file_and_says_where(settings, items, code, where):
    with pytest.raises(DomainError) as refused:
        rules.parse_file_settings(settings, items)
    assert refused.value.code == code
    assert where in refused.value.message
