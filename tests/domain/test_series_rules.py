"""A series' rules: keys, regional agenda files, and the measure of how regions differ."""

from __future__ import annotations

import copy

import pytest

from server.core.errors import DomainError
from server.features.series import rules
from tests.services.test_series import SERIES


def code(function, *args):
    with pytest.raises(DomainError) as error:
        function(*args)
    return error.value.code


def spec():
    return rules.parse_series(copy.deepcopy(SERIES))


def test_a_series_keeps_its_keys_and_option_keys():
    parsed = spec()
    assert [item.key for item in parsed.items] == [
        "opening",
        "aims.human-rights",
        "aims.priorities",
    ]
    ratify = parsed.polls[0]
    assert (ratify.key, ratify.item_key, ratify.option_keys) == (
        "poll.ratify",
        "aims.human-rights",
        ("yes", "no", "unsure"),
    )
    assert ratify.definition["options"] == ["Yes", "No", "Not sure"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["agenda"][0].update(key="Aims Human Rights"), "invalid_series_key"),
        (lambda s: s["agenda"][1].update(key="opening"), "duplicate_series_key"),
        (
            lambda s: s["agenda"][1]["polls"][0].update(key="aims.priorities"),
            "duplicate_series_key",
        ),
        (lambda s: s["agenda"][1]["polls"][0].update(type="open_text"), "invalid_series_poll"),
        (
            lambda s: s["agenda"][1]["polls"][0].update(options=["Yes", "No"]),
            "invalid_poll_options",
        ),
        (lambda s: s.update(agenda=[]), "invalid_series"),
    ],
)
def test_a_bad_series_is_refused_with_its_own_code(change, expected):
    data = copy.deepcopy(SERIES)
    change(data)
    assert code(rules.parse_series, data) == expected


def test_a_region_renames_drops_adds_and_reorders_and_the_keys_follow():
    parsed = spec()
    regional = rules.regional_file(
        parsed.items,
        parsed.polls,
        {
            "short_name": "americas",
            "agenda": [
                {"title": "Bienvenida", "minutes": 5},
                {"key": "aims.human-rights", "title": "Derechos humanos"},
            ],
            "polls": {
                "poll.ratify": {
                    "options": [
                        {"key": "unsure", "label": "No sé"},
                        {"key": "no"},
                        {"key": "yes", "label": "Sí"},
                    ]
                }
            },
        },
    )
    agenda = regional.agenda_file["agenda"]
    assert [item["title"] for item in agenda] == ["Bienvenida", "Derechos humanos"]
    assert agenda[1]["polls"][0]["options"] == ["No sé", "No", "Sí"]
    assert regional.item_keys == ("", "aims.human-rights")
    # aims.priorities was left out: dropped, with its ranking.
    assert regional.poll_keys == (("poll.ratify", ("unsure", "no", "yes")),)


def test_a_regional_poll_must_name_exactly_the_shared_option_keys():
    parsed = spec()
    for options in ([{"key": "yes"}, {"key": "no"}], [{"key": "yes"}, {"key": "no"}, {"key": "x"}]):
        data = {"polls": {"poll.ratify": {"options": options}}}
        assert code(rules.regional_file, parsed.items, parsed.polls, data) == (
            "option_keys_mismatch"
        )
    unknown = {"polls": {"poll.nope": {}}}
    assert code(rules.regional_file, parsed.items, parsed.polls, unknown) == "unknown_series_key"


def test_an_organiser_link_manages_its_own_series_only():
    rules.check_same_series(3, 3)
    assert code(rules.check_same_series, 3, 4) == "wrong_series"


def test_total_variation_distance_worked_by_hand():
    p = {"yes": 0.5, "no": 0.5, "unsure": 0.0}
    q = {"yes": 0.25, "no": 0.25, "unsure": 0.5}
    assert rules.total_variation(p, q) == 0.5
    assert rules.total_variation(p, p) == 0.0
    assert rules.total_variation({"a": 1.0}, {"b": 1.0}) == 1.0


def test_divergence_names_the_pair_furthest_apart():
    found = rules.divergence(
        "poll.ratify",
        {
            "Asia": {"yes": 0.25, "no": 0.75},
            "Africa": {"yes": 0.5, "no": 0.5},
            "Americas": {"yes": 1.0, "no": 0.0},
        },
    )
    assert found is not None
    assert (found.regions, found.distance) == (("Americas", "Asia"), 0.75)
    assert rules.divergence("poll.ratify", {"Asia": {"yes": 1.0}}) is None


@pytest.mark.parametrize(
    ("consultation", "poll", "visibility", "voters", "expected"),
    [
        ("live", "draft", "live", 0, "not_opened"),
        ("live", "open", "after_close", 9, "hidden"),
        ("live", "closed", "moderators", 9, "hidden"),
        ("live", "open", "live", 9, "counted"),
        ("live", "closed", "after_close", 0, "no_answers"),
        ("ended", "closed", "moderators", 9, "counted"),
    ],
)
def test_the_comparison_shows_what_the_consultation_would(
    consultation, poll, visibility, voters, expected
):
    assert rules.visibility_in_series(consultation, poll, visibility, voters) == expected
