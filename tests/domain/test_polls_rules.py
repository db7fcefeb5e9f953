"""What a poll may be and what a ballot may say: each bad input has its own code."""

import pytest

from server.core.errors import DomainError
from server.features.polls.rules import (
    AFTER_CLOSE,
    CLOSED,
    DRAFT,
    LIVE_RESULTS,
    MODERATORS_ONLY,
    OPEN,
    PollDefinition,
    check_can_open,
    check_draft,
    check_open,
    normalise_word,
    parse_answer,
    parse_poll,
    results_public,
)


def refused(function, *args):
    with pytest.raises(DomainError) as error:
        function(*args)
    return error.value.code


def poll(kind, **fields):
    defaults = {"options": ["Yes", "No", "Not sure"]} if kind in ("single", "multiple") else {}
    if kind == "ranking":
        defaults = {"options": ["Prevention", "Prosecution", "Cooperation"]}
    return parse_poll({"type": kind, "question": "What matters most?", **defaults, **fields})


def test_every_kind_of_poll_is_accepted_with_sensible_defaults():
    assert poll("single").options == ("Yes", "No", "Not sure")
    assert poll("multiple").max_choices == 3
    assert (poll("rating").scale_min, poll("rating").scale_max) == (1, 5)
    assert (poll("rating", scale="0-10").scale_min, poll("rating", scale="0-10").scale_max) == (
        0,
        10,
    )
    assert poll("word_cloud").options == ()
    assert poll("open_text").visibility == LIVE_RESULTS
    assert poll("ranking").method == "borda"
    assert poll("single").method == "count"
    assert poll("single").allow_change is True


def test_a_rating_keeps_the_labels_of_its_ends():
    rating = poll("rating", low_label="Not at all", high_label="Completely")
    assert (rating.low_label, rating.high_label) == ("Not at all", "Completely")


CHOICE = {"type": "single", "question": "Q?", "options": ["a", "b"]}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"type": "quiz"}, "invalid_poll_type"),
        ({"question": "  "}, "empty_question"),
        ({"question": "Q" * 301}, "question_too_long"),
        ({"question": 5}, "invalid_question"),
        ({"options": None}, "invalid_poll_options"),
        ({"options": []}, "invalid_poll_options"),
        ({"options": ["Only"]}, "invalid_poll_options"),
        ({"options": "a,b"}, "invalid_poll_options"),
        ({"options": ["Yes", "yes "]}, "invalid_poll_options"),
        ({"type": "ranking", "options": ["A", "B", "a"]}, "invalid_poll_options"),
        ({"options": [str(i) for i in range(21)]}, "invalid_poll_options"),
        ({"type": "rating"}, "invalid_poll_options"),
        ({"options": ["a", ""]}, "empty_option"),
        ({"options": ["a", "b" * 201]}, "option_too_long"),
        ({"type": "multiple", "max_choices": 3}, "invalid_max_choices"),
        ({"type": "multiple", "max_choices": 0}, "invalid_max_choices"),
        ({"type": "rating", "options": None, "scale": "1-7"}, "invalid_scale"),
        ({"type": "rating", "options": None, "low_label": "x" * 41}, "label_too_long"),
        ({"visibility": "never"}, "invalid_visibility"),
        ({"allow_change": "yes"}, "invalid_allow_change"),
    ],
)
def test_a_bad_poll_is_refused_with_its_own_code(fields, code):
    assert refused(parse_poll, {**CHOICE, **fields}) == code


def test_a_poll_that_is_not_a_mapping_is_refused():
    assert refused(parse_poll, ["single"]) == "invalid_poll"


@pytest.mark.parametrize(
    ("kind", "answer", "stored"),
    [
        ("single", 1, 1),
        ("multiple", [2, 0], [0, 2]),
        ("rating", 5, 5),
        ("word_cloud", ["Trust", "  capacity   building "], ["Trust", "capacity building"]),
        ("word_cloud", "Trust", ["Trust"]),
        ("open_text", "  More funding for CERTs. ", "More funding for CERTs."),
        ("ranking", [2, 0, 1], [2, 0, 1]),
    ],
)
def test_a_good_answer_is_stored_in_its_plain_form(kind, answer, stored):
    assert parse_answer(poll(kind), answer) == stored


@pytest.mark.parametrize(
    ("kind", "fields", "answer", "code"),
    [
        ("single", {}, 3, "unknown_option"),
        ("single", {}, -1, "unknown_option"),
        ("single", {}, "1", "unknown_option"),
        ("single", {}, True, "unknown_option"),
        ("multiple", {}, 1, "invalid_answer"),
        ("multiple", {}, [], "empty_answer"),
        ("multiple", {}, [0, 7], "unknown_option"),
        ("multiple", {}, [0, 0], "duplicate_choice"),
        ("multiple", {"max_choices": 2}, [0, 1, 2], "too_many_choices"),
        ("rating", {}, 6, "rating_out_of_range"),
        ("rating", {}, 0, "rating_out_of_range"),
        ("rating", {"scale": "0-10"}, 11, "rating_out_of_range"),
        ("rating", {}, 2.5, "rating_out_of_range"),
        ("rating", {}, "4", "invalid_answer"),
        ("rating", {}, None, "invalid_answer"),
        ("word_cloud", {}, [], "empty_answer"),
        ("word_cloud", {}, ["  "], "empty_answer"),
        ("word_cloud", {}, ["!!!"], "empty_answer"),
        ("word_cloud", {}, ["x" * 41], "answer_too_long"),
        ("word_cloud", {}, ["a", "b", "c", "d"], "too_many_words"),
        ("word_cloud", {}, [7], "invalid_answer"),
        ("word_cloud", {}, {"word": "x"}, "invalid_answer"),
        ("open_text", {}, "", "empty_answer"),
        ("open_text", {}, "x" * 281, "answer_too_long"),
        ("open_text", {}, 42, "invalid_answer"),
        ("ranking", {}, [0, 1], "invalid_ranking"),
        ("ranking", {}, [0, 1, 1], "invalid_ranking"),
        ("ranking", {}, [0, 1, 3], "invalid_ranking"),
        ("ranking", {}, [0, 1, 2, 0], "invalid_ranking"),
        ("ranking", {}, ["0", "1", "2"], "invalid_ranking"),
        ("ranking", {}, 0, "invalid_ranking"),
    ],
)
def test_a_bad_answer_is_refused_with_its_own_code(kind, fields, answer, code):
    assert refused(parse_answer, poll(kind, **fields), answer) == code


def test_word_cloud_normalisation_merges_the_three_spellings_of_capacity_building():
    spellings = ["Capacity building", "capacity  building", "capacity-building"]
    assert {normalise_word(word) for word in spellings} == {"capacity building"}


@pytest.mark.parametrize(
    ("word", "normal"),
    [
        ("CAPACITY_BUILDING", "capacity building"),
        ("capacity – building", "capacity building"),
        ("Sécurité", "securite"),
        ("securite", "securite"),
        ("Straße", "strasse"),
        ("“Trust!”", "trust"),
        ("#cybersecurity.", "cybersecurity"),
        ("e-commerce", "e commerce"),
        ("AU's role", "au's role"),
        ("C++", "c++"),
        ("ｃａｐａｃｉｔｙ", "capacity"),
    ],
)
def test_word_cloud_normalisation_follows_the_documented_rule(word, normal):
    assert normalise_word(word) == normal


def test_one_persons_repeated_word_counts_once_in_their_own_spelling():
    assert parse_answer(poll("word_cloud"), ["Capacity building", "capacity-building"]) == [
        "Capacity building"
    ]


def test_ballots_and_closing_need_an_open_poll():
    check_open(OPEN)
    for state in (DRAFT, CLOSED):
        assert refused(check_open, state) == "poll_not_open"


def test_only_drafts_change_and_an_open_poll_cannot_open_again():
    check_draft(DRAFT)
    assert refused(check_draft, OPEN) == "poll_not_draft"
    assert refused(check_draft, CLOSED) == "poll_not_draft"
    check_can_open(DRAFT)
    check_can_open(CLOSED)
    assert refused(check_can_open, OPEN) == "poll_already_open"


@pytest.mark.parametrize(
    ("visibility", "state", "public"),
    [
        (LIVE_RESULTS, DRAFT, False),
        (LIVE_RESULTS, OPEN, True),
        (LIVE_RESULTS, CLOSED, True),
        (AFTER_CLOSE, DRAFT, False),
        (AFTER_CLOSE, OPEN, False),
        (AFTER_CLOSE, CLOSED, True),
        (MODERATORS_ONLY, DRAFT, False),
        (MODERATORS_ONLY, OPEN, False),
        (MODERATORS_ONLY, CLOSED, False),
    ],
)
def test_attendees_see_results_only_as_the_visibility_allows(visibility, state, public):
    assert results_public(visibility, state) is public


def test_a_definition_knows_its_counting_method():
    assert PollDefinition(type="ranking", question="Q").method == "borda"
    assert PollDefinition(type="rating", question="Q").method == "count"
