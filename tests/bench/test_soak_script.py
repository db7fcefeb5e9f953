"""The soak's script (bench/soak/script.py) holds the consultation issue 21 promises."""

from __future__ import annotations

from collections import Counter

from bench.soak.script import DEMO_ITEMS, MINUTES, build, window_of


def test_the_script_for_2000_attendees_has_the_promised_counts():
    script = build(2000)

    commands = Counter(command.event for command in script.commands)
    chair = Counter(action.command for action in script.chair)
    assert chair["start_item"] == len(DEMO_ITEMS) == 8
    assert [poll["type"] for poll in script.polls] == [
        "single",
        "multiple",
        "rating",
        "word_cloud",
        "ranking",
        "open_text",
    ]
    assert chair["open_poll"] == chair["close_poll"] == 6
    assert commands["ask_question"] == 200
    assert commands["vote_question"] == 6000
    assert commands["raise_hand"] == chair["give_floor"] == chair["end_turn"] == 40
    assert (
        len({command.number for command in script.commands if command.event == "raise_hand"}) == 40
    )
    assert Counter(int(drop.minute) for drop in script.drops) == {m: 100 for m in range(MINUTES)}
    assert script.windows == 18 and window_of(MINUTES) == 17


def test_upvotes_are_for_others_questions_once_each_asked_before_and_not_yet_answered():
    script = build(2000, seed=3)

    asked = {c.target: c for c in script.commands if c.event == "ask_question"}
    answered = {a.target: a.minute for a in script.chair if a.command == "answer_question"}
    votes = [c for c in script.commands if c.event == "vote_question"]
    assert len({(vote.number, vote.target) for vote in votes}) == len(votes)
    for vote in votes:
        question = asked[vote.target]
        assert vote.number != question.number
        assert question.minute + 2 <= vote.minute < answered.get(vote.target, MINUTES + 1)


def test_a_smaller_crowd_gets_a_script_scaled_to_it():
    script = build(200)

    commands = Counter(command.event for command in script.commands)
    assert commands["ask_question"] == 20
    assert commands["vote_question"] == 600
    assert commands["cast_ballot"] == 6 * 170
    assert len(script.drops) == 10 * MINUTES


def test_more_drops_a_minute_bring_the_reconnections_of_several_consultations():
    script = build(2000, drops=0.25)

    assert Counter(int(drop.minute) for drop in script.drops) == {m: 500 for m in range(MINUTES)}
