"""Tallies: counts, percentages, Borda points, turnout, breakdowns that add up."""

import random

import pytest

from server.core.events import ATTENDEE, MODERATOR, RAPPORTEUR
from server.features.polls.counting import (
    BREAKDOWNS,
    BallotRow,
    borda_points,
    public_results,
    tally,
    with_turnout,
)
from server.features.polls.rules import parse_answer, parse_poll
from tests.conftest import WIRING

OPTIONS = ["Prevention", "Prosecution", "Cooperation"]
GROUPS = ["government", "civil_society", "academia", "private_sector"]
COUNTRIES = ["NG", "KE", "GH", "", "ZA"]


def definition(kind, **fields):
    if kind in ("single", "multiple", "ranking"):
        fields.setdefault("options", OPTIONS)
    return parse_poll({"type": kind, "question": "Q?", **fields})


def ballots(poll, answers, groups=None, countries=None):
    return [
        BallotRow(
            id=index + 1,
            answer=parse_answer(poll, answer),
            stakeholder_group=(groups or GROUPS)[index % len(groups or GROUPS)],
            country=(countries or COUNTRIES)[index % len(countries or COUNTRIES)],
        )
        for index, answer in enumerate(answers)
    ]


def values(results):
    return {row["label"]: row["value"] for row in results["rows"]}


def test_single_choice_counts_and_percentages():
    poll = definition("single")
    results = tally(poll, ballots(poll, [0, 0, 1, 0]))
    assert results["voters"] == 4
    assert results["method"] == "count"
    assert [(r["label"], r["value"], r["percent"]) for r in results["rows"]] == [
        ("Prevention", 3, 75.0),
        ("Prosecution", 1, 25.0),
        ("Cooperation", 0, 0.0),
    ]


def test_multiple_choice_percentages_are_of_voters_not_of_picks():
    poll = definition("multiple", max_choices=2)
    results = tally(poll, ballots(poll, [[0, 1], [0], [0, 2]]))
    assert values(results) == {"Prevention": 3, "Prosecution": 1, "Cooperation": 1}
    assert results["rows"][0]["percent"] == 100.0


def test_a_rating_counts_every_point_of_the_scale_and_gives_the_mean():
    poll = definition("rating", scale="1-5")
    results = tally(poll, ballots(poll, [5, 4, 4, 1]))
    assert values(results) == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}
    assert results["mean"] == 3.5


def test_no_ballots_give_zeros_and_no_mean():
    poll = definition("rating")
    results = tally(poll, [])
    assert results["voters"] == 0 and results["mean"] is None
    assert all(row["percent"] == 0.0 for row in results["rows"])


def test_borda_gives_n_minus_one_points_to_the_first_and_none_to_the_last():
    assert borda_points([2, 0, 1]) == {2: 2, 0: 1, 1: 0}


def test_ranking_results_match_a_borda_count_by_hand():
    # Six people rank Prevention (P), Prosecution (R), Cooperation (C):
    #   2 × P R C   P 2+2  R 1+1  C 0+0
    #   2 × R C P   R 2+2  C 1+1  P 0+0
    #   1 × C R P   C 2    R 1    P 0
    #   1 × P C R   P 2    C 1    R 0
    # P = 4 + 0 + 0 + 2 = 6, R = 2 + 4 + 1 + 0 = 7, C = 0 + 2 + 2 + 1 = 5; 18 points in all.
    poll = definition("ranking")
    answers = [[0, 1, 2]] * 2 + [[1, 2, 0]] * 2 + [[2, 1, 0], [0, 2, 1]]
    results = tally(poll, ballots(poll, answers))
    assert results["method"] == "borda"
    assert [(r["label"], r["value"], r["percent"]) for r in results["rows"]] == [
        ("Prosecution", 7, 38.9),
        ("Prevention", 6, 33.3),
        ("Cooperation", 5, 27.8),
    ]


def test_a_word_cloud_counts_each_normalised_word_once_per_person():
    poll = definition("word_cloud")
    answers = [
        ["Capacity building", "Trust"],
        ["capacity  building"],
        ["capacity-building", "trust!"],
        ["Sécurité", "Capacity building"],
        ["securite"],
    ]
    results = tally(poll, ballots(poll, answers))
    assert values(results) == {"Capacity building": 4, "Trust": 2, "Sécurité": 2}
    assert results["rows"][0]["key"] == "capacity building"
    assert results["rows"][0]["percent"] == 80.0


def test_open_text_lists_answers_and_attendees_see_only_the_shown_ones():
    poll = definition("open_text")
    rows = [
        BallotRow(1, "More CERTs", "government", "NG", shown=True),
        BallotRow(2, "Something rude", "academia", "KE", shown=False),
    ]
    results = tally(poll, rows)
    assert [a["text"] for a in results["answers"]] == ["More CERTs", "Something rude"]
    assert public_results(results)["answers"] == [{"id": 1, "text": "More CERTs"}]


def test_public_results_carry_no_breakdown():
    poll = definition("single")
    results = tally(poll, ballots(poll, [0, 1]))
    assert set(results["breakdown"]) == set(BREAKDOWNS)
    public = public_results(results)
    assert "breakdown" not in public
    assert public["rows"] == results["rows"]


@pytest.mark.parametrize(
    ("kind", "make_answer"),
    [
        ("single", lambda r: r.randrange(3)),
        ("multiple", lambda r: r.sample(range(3), r.randint(1, 3))),
        ("rating", lambda r: r.randint(0, 10)),
        ("ranking", lambda r: r.sample(range(3), 3)),
        ("word_cloud", lambda r: r.sample(["Trust", "trust", "Laws", "CERT", "Skills"], 2)),
        ("open_text", lambda r: r.choice(["Yes", "More funding"])),
    ],
)
def test_breakdowns_by_group_and_by_country_add_up_to_the_totals(kind, make_answer):
    rng = random.Random(kind)
    poll = definition(kind, **({"scale": "0-10"} if kind == "rating" else {}))
    answers = [make_answer(rng) for _ in range(137)]
    groups = [rng.choice(GROUPS) for _ in range(137)]
    countries = [rng.choice(COUNTRIES) for _ in range(137)]
    results = tally(poll, ballots(poll, answers, groups, countries))
    for dimension in BREAKDOWNS:
        breakdown = results["breakdown"][dimension]
        assert len(breakdown) > 1
        assert sum(group["voters"] for group in breakdown) == results["voters"] == 137
        for index, row in enumerate(results["rows"]):
            assert sum(group["values"][index] for group in breakdown) == row["value"]


def test_a_rating_breakdown_gives_each_groups_mean():
    poll = definition("rating")
    rows = ballots(poll, [5, 1, 4], groups=["government", "academia", "government"])
    by_group = {g["key"]: g for g in tally(poll, rows)["breakdown"]["stakeholder_group"]}
    assert by_group["government"]["mean"] == 4.5
    assert by_group["academia"]["mean"] == 1.0


def test_turnout_is_voters_out_of_people_present():
    results = {"voters": 3}
    assert with_turnout(results, 4) == {"voters": 3, "present": 4, "turnout": 0.75}
    assert with_turnout(results, 0)["turnout"] is None


def _closed(visibility):
    poll = definition("single", visibility=visibility)
    results = tally(poll, ballots(poll, [0, 1, 1]))
    return {"poll": {"id": 1, "visibility": visibility, "state": "closed"}, "results": results}


def test_attendees_read_final_results_of_a_moderators_only_poll_as_nothing():
    payload = _closed("moderators")
    assert WIRING.project("poll_closed", payload, ATTENDEE)["results"] is None
    assert WIRING.project("poll_closed", payload, MODERATOR)["results"]["voters"] == 3
    assert WIRING.project("poll_closed", payload, RAPPORTEUR)["results"]["voters"] == 3


@pytest.mark.parametrize("visibility", ["live", "after_close"])
def test_attendees_read_final_results_without_the_breakdown(visibility):
    seen = WIRING.project("poll_closed", _closed(visibility), ATTENDEE)["results"]
    assert seen["voters"] == 3 and "breakdown" not in seen


def test_a_shown_answer_stays_public_however_many_answers_came_after_it(monkeypatch):
    monkeypatch.setattr("server.features.polls.counting.ANSWER_LIMIT", 2)
    poll = definition("open_text")
    rows = [BallotRow(i, f"answer {i}", "other", "") for i in range(5, 1, -1)]
    rows.append(BallotRow(1, "the first, shown", "other", "", shown=True))
    results = tally(poll, rows)
    assert [a["id"] for a in results["answers"]] == [5, 4, 1]
    assert public_results(results)["answers"] == [{"id": 1, "text": "the first, shown"}]


@pytest.mark.parametrize(
    ("kind", "good", "stored"),
    [
        ("single", 1, 7),
        ("single", 1, "1"),
        ("multiple", [0, 2], [0, 9]),
        ("rating", 4, 11),
        ("rating", 4, "high"),
        ("ranking", [2, 1, 0], "first"),
        ("word_cloud", ["trust"], 42),
        ("word_cloud", ["trust"], [None]),
        ("open_text", "Fund CERTs", {"text": 1}),
    ],
)
def test_a_stored_answer_no_rule_accepts_is_left_out_and_counted_as_unreadable(kind, good, stored):
    poll = definition(kind)
    counted = ballots(poll, [good, good])
    bad = BallotRow(id=99, answer=stored, stakeholder_group="academia", country="KE")
    results = tally(poll, [*counted, bad])
    assert results["voters"] == 2 and results["unreadable"] == 1
    assert {**results, "unreadable": 0} == {**tally(poll, counted), "unreadable": 0}
    assert "unreadable" not in public_results(results)


@pytest.mark.parametrize(
    ("kind", "make_answer"),
    [
        ("single", lambda r: r.randrange(3)),
        ("multiple", lambda r: sorted(r.sample(range(3), r.randint(1, 2)))),
        ("rating", lambda r: r.randint(0, 3)),
        ("ranking", lambda r: r.sample(range(3), 3)),
    ],
)
def test_a_row_standing_for_ballots_alike_counts_as_those_ballots(kind, make_answer):
    """How a choice poll is counted: one row per answer alike from voters alike."""
    rng = random.Random(kind)
    poll = definition(kind, **({"scale": "0-10"} if kind == "rating" else {}))
    one_by_one = [
        BallotRow(
            id=index,
            answer=make_answer(rng) if index % 17 else 99,  # some unreadable
            stakeholder_group=rng.choice(GROUPS[:2]),
            country=rng.choice(COUNTRIES[:2]),
            excluded=index % 11 == 0,
        )
        for index in range(1, 301)
    ]
    alike: dict[tuple, list[BallotRow]] = {}
    for ballot in one_by_one:
        key = (repr(ballot.answer), ballot.stakeholder_group, ballot.country, ballot.excluded)
        alike.setdefault(key, []).append(ballot)
    grouped = [
        BallotRow(
            id=same[0].id,
            answer=same[0].answer,
            stakeholder_group=same[0].stakeholder_group,
            country=same[0].country,
            excluded=same[0].excluded,
            count=len(same),
        )
        for same in alike.values()
    ]
    assert len(grouped) < len(one_by_one) / 3
    results = tally(poll, grouped)
    assert results == tally(poll, one_by_one)
    assert results["unreadable"] > 0 and results["excluded"] > 0
